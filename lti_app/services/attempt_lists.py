"""Listing a resource's attempts for instructors: sorted by a known column, filtered, a page at a time."""
import math
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from ..models import Attempt, Launch, QuestionScore, User
from ..scorm.names import plain_label
from . import marking
from .directory import text_matches

SORTS = {
    "student": func.lower(User.name),
    "number": Attempt.number,
    "started": Attempt.started_at,
    "finished": Attempt.finished_at,
    "status": Attempt.status,
    "score": Attempt.score,
}
STATUSES = ("open", "finished")
PER_PAGE = 25


@dataclass
class AttemptQuery:
    """What the attempts table shows, read from the request and kept to known values."""

    sort: str = "started"
    direction: str = "desc"
    status: str = ""
    student: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args):
        query = cls(sort=args.get("sort", "started"), direction=args.get("direction", "desc"),
                    status=args.get("status", ""), student=args.get("student", "").strip(),
                    page=args.get("page", 1, type=int) or 1)
        query.sort = query.sort if query.sort in SORTS else "started"
        query.direction = "asc" if query.direction == "asc" else "desc"
        query.status = query.status if query.status in STATUSES else ""
        query.page = max(1, query.page)
        return query

    def args(self, **changes):
        """URL arguments for this query with some changed (links for sorting and paging)."""
        values = {"sort": self.sort, "direction": self.direction, "status": self.status,
                  "student": self.student, "page": self.page, **changes}
        return {name: value for name, value in values.items() if value not in ("", None)}


@dataclass
class AttemptPage:
    attempts: list
    total: int
    page: int
    pages: int
    bars: dict  # attempt id -> [(question name, fraction of the question's marks)]


def attempts_page(resource, query: AttemptQuery, per_page=PER_PAGE) -> AttemptPage:
    rows = Attempt.query.join(User, User.id == Attempt.user_id).filter(
        Attempt.resource_id == resource.id, Attempt.deleted_at.is_(None))
    if query.status:
        rows = rows.filter(Attempt.status == query.status)
    if query.student:
        rows = rows.filter(text_matches(query.student, User.name, User.email, User.username, User.lti_user_id))
    total = rows.count()
    column = SORTS[query.sort]
    order = column.asc() if query.direction == "asc" else column.desc()
    pages = max(1, math.ceil(total / per_page))
    page = min(query.page, pages)
    attempts = (rows.options(contains_eager(Attempt.user)).order_by(order.nulls_last(), Attempt.id)
                .offset((page - 1) * per_page).limit(per_page).all())
    return AttemptPage(attempts, total, page, pages, score_bars(resource, attempts))


def deleted_attempts(resource):
    return (Attempt.query.options(joinedload(Attempt.user))
            .filter(Attempt.resource_id == resource.id, Attempt.deleted_at.isnot(None))
            .order_by(Attempt.deleted_at.desc()).all())


def score_bars(resource, attempts) -> dict:
    """Per attempt, each question's share of its marks (0–1), after re-marks and discounts."""
    marks = marking.marks_by_attempt([attempt.id for attempt in attempts], resource.id)
    bars = {}
    for attempt_id, item_marks in marks.items():
        names = {mark.item_id: mark.label for mark in item_marks}
        totals = marking.question_totals(item_marks)
        bars[attempt_id] = [(names[item_id], raw / max_ if max_ else 0.0) for item_id, (raw, max_) in totals.items()]
    return bars


def resource_items(resource) -> dict:
    """{item id: label} of every question and part seen in the resource's attempts, in package order."""
    rows = (db.session.query(QuestionScore.item_id, QuestionScore.kind, func.max(QuestionScore.label))
            .join(Attempt, Attempt.id == QuestionScore.attempt_id).filter(Attempt.resource_id == resource.id)
            .group_by(QuestionScore.item_id, QuestionScore.kind).order_by(func.min(QuestionScore.position)).all())
    return {item_id: label or plain_label(item_id, kind) for item_id, kind, label in rows}


def user_launches(user, resource_ids):
    """A user's launches on these resources, newest first, each with the attempt it opened (deleted or not)."""
    return (Launch.query.options(joinedload(Launch.resource), joinedload(Launch.attempt))
            .filter(Launch.user_id == user.id, Launch.resource_id.in_(resource_ids))
            .order_by(Launch.created_at.desc(), Launch.id.desc()).all())


def user_attempts(user, resource_ids):
    return (Attempt.query.options(joinedload(Attempt.resource))
            .filter(Attempt.user_id == user.id, Attempt.resource_id.in_(resource_ids))
            .order_by(Attempt.started_at.desc()).all())
