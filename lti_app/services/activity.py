"""A resource at a glance: how many launched, started and completed; what happened lately; its students."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Attempt, Enrolment, Launch, User

RECENT = 10


@dataclass
class Counts:
    launched: int
    started: int
    completed: int


@dataclass
class Activity:
    at: datetime
    user: User
    what: str
    attempt: Attempt | None = None


@dataclass
class Student:
    user: User
    source: str  # launch, roster
    launches: int = 0
    attempts: list = field(default_factory=list)
    last_seen: datetime | None = None

    @property
    def best_score(self):
        scores = [attempt.score for attempt in self.attempts if attempt.score is not None]
        return max(scores) if scores else None


def counts(resource) -> Counts:
    attempts = Attempt.query.filter_by(resource_id=resource.id, deleted_at=None)
    launched = (db.session.query(func.count(func.distinct(Launch.user_id)))
                .filter_by(resource_id=resource.id, role="learner").scalar())
    started = attempts.with_entities(func.count(func.distinct(Attempt.user_id))).scalar()
    completed = (attempts.filter(or_(Attempt.status == "finished", Attempt.completion_status == "completed"))
                 .with_entities(func.count(func.distinct(Attempt.user_id))).scalar())
    return Counts(launched, started, completed)


def recent(resource, limit=RECENT) -> list[Activity]:
    """The latest launches, starts and finishes on the resource, newest first."""
    events = [Activity(launch.created_at, launch.user, f"launched as {launch.role}")
              for launch in Launch.query.filter_by(resource_id=resource.id)
              .order_by(Launch.created_at.desc()).limit(limit)]
    for attempt in Attempt.query.filter_by(resource_id=resource.id).order_by(Attempt.started_at.desc()).limit(limit):
        events.append(Activity(attempt.started_at, attempt.user, f"started attempt {attempt.number}", attempt))
    for attempt in (Attempt.query.filter(Attempt.resource_id == resource.id, Attempt.finished_at.isnot(None))
                    .order_by(Attempt.finished_at.desc()).limit(limit)):
        events.append(Activity(attempt.finished_at, attempt.user, f"finished attempt {attempt.number}", attempt))
    return sorted(events, key=lambda event: event.at, reverse=True)[:limit]


def students(resource) -> list[Student]:
    """Everyone who launched the resource as a learner or is a learner in its context (roster included),
    with their attempts; those who never started have none."""
    found = {}
    for enrolment in Enrolment.query.options(joinedload(Enrolment.user)).filter_by(context_id=resource.context_id,
                                                                                    role="learner"):
        found[enrolment.user_id] = Student(enrolment.user, enrolment.source)
    launches = (db.session.query(Launch.user_id, func.count(Launch.id), func.max(Launch.created_at))
                .filter_by(resource_id=resource.id, role="learner").group_by(Launch.user_id).all())
    users = {user.id: user for user in User.query.filter(User.id.in_([row[0] for row in launches]))}
    for user_id, number, last in launches:
        student = found.setdefault(user_id, Student(users[user_id], "launch"))
        student.launches, student.last_seen = number, last
    for attempt in Attempt.query.filter(Attempt.resource_id == resource.id, Attempt.deleted_at.is_(None),
                                        Attempt.user_id.in_(list(found))).order_by(Attempt.number):
        found[attempt.user_id].attempts.append(attempt)
    return sorted(found.values(), key=lambda student: student.user.display_name.lower())
