"""Outcomes: the score an LMS should hold for one (resource, user), recorded first, sent afterwards.

The row is the truth. Every change is committed before a job is enqueued; when Redis is down the
row stays due and `sweep_due` (run every OUTCOME_SWEEP_SECONDS by `rq cron workers.cron`)
enqueues it once Redis is back.
"""
import logging
from datetime import timedelta

from sqlalchemy import and_, exists, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Attempt, Consumer, Launch, Outcome, Resource, User
from ..models.base import utcnow
from .delivery import lock_seconds, queue_delivery
from .scores import NO_GRADEBOOK, desired_score, has_gradebook, may_count, reporting_launch, user_attempts

log = logging.getLogger(__name__)

# A queued job that has not run this long after its outcome fell due is taken for lost.
QUEUE_GRACE = timedelta(minutes=5)


def attempt_changed(attempt) -> Outcome | None:
    """Called after the attempts service committed: an attempt started, was scored or finished."""
    if not affects_outcome(attempt):
        return None
    return _record_and_queue(attempt.resource, attempt.user_id)


def affects_outcome(attempt) -> bool:
    """Whether a change to this attempt can change what the LMS should hold now. An attempt that cannot
    count (an open one, when scores go on completion) changes nothing, so saves mid-exam run no outcome
    query."""
    return _reports_now(attempt.resource) and may_count(attempt.resource, attempt)


def report_resource(resource) -> int:
    """Record every student's score for this resource now ("report scores", or the resource closed)."""
    user_ids = [row.user_id for row in db.session.query(Attempt.user_id).filter(
        Attempt.resource_id == resource.id, Attempt.deleted_at.is_(None)).distinct()]
    changed = [o for o in (_record(resource, user_id) for user_id in user_ids) if o is not None]
    db.session.commit()
    if changed:
        queue_delivery(changed)
    log.info("resource %s: %d of %d students' outcomes to send", resource.id, len(changed), len(user_ids))
    return len(changed)


def resend(outcome) -> None:
    """Send this outcome again, whatever happened to it before."""
    _make_due(outcome)
    db.session.commit()
    queue_delivery([outcome])


def resend_all(resource) -> int:
    outcomes = Outcome.query.filter_by(resource_id=resource.id).all()
    for outcome in outcomes:
        _make_due(outcome)
    db.session.commit()
    if outcomes:
        queue_delivery(outcomes)
    return len(outcomes)


def sweep_due() -> int:
    """Enqueue outcomes that are due but not queued, and report resources that have closed.

    One job per consumer is enough: a delivery job sends every due outcome of its consumer."""
    for resource in _closed_unreported_resources():
        report_resource(resource)
    now = utcnow()
    abandoned = and_(Outcome.state == "sending", Outcome.updated_at < now - timedelta(seconds=lock_seconds()))
    waiting = and_(Outcome.state.in_(("pending", "retrying")), Outcome.due_at <= now)
    not_queued = or_(Outcome.queued_at.is_(None), Outcome.queued_at < now - QUEUE_GRACE)
    first_ids = [row.first for row in db.session.query(func.min(Outcome.id).label("first"))
                 .filter(or_(abandoned, waiting), not_queued).group_by(Outcome.consumer_id)]
    outcomes = Outcome.query.filter(Outcome.id.in_(first_ids)).all() if first_ids else []
    if outcomes:
        queue_delivery(outcomes)
        log.info("sweep: queued outcomes %s", [o.id for o in outcomes])
    return len(outcomes)


def _reports_now(resource) -> bool:
    if resource.report_mode == "on_close":
        return resource.available_until is not None and not resource.is_open()
    return resource.report_mode in ("immediately", "on_completion")


def _record_and_queue(resource, user_id):
    try:
        outcome = _record(resource, user_id)
        db.session.commit()
    except IntegrityError:
        # Two commits of the same student raced to create the row: the second one updates it.
        db.session.rollback()
        outcome = _record(resource, user_id)
        db.session.commit()
    if outcome is not None:
        queue_delivery([outcome])
    return outcome


def _record(resource, user_id) -> Outcome | None:
    """Upsert the outcome's score; returns the outcome when it must be sent."""
    launch = reporting_launch(resource.id, user_id)
    if launch is None:
        return None  # instructors, and launches without a sourcedid, never send
    score = desired_score(resource, user_attempts(resource.id, user_id))
    if score is None:
        return None
    outcome = (Outcome.query.filter_by(resource_id=resource.id, user_id=user_id)
               .with_for_update().one_or_none())
    if outcome is None:
        outcome = Outcome(consumer_id=resource.consumer_id, resource_id=resource.id, user_id=user_id,
                          score=score, state="pending", tries=0, due_at=utcnow())
        db.session.add(outcome)
        db.session.flush()
        return _sendable(outcome, launch)
    if score == outcome.score:
        return None  # the same score is not sent twice
    outcome.score = score
    if outcome.state == "sending":
        return None  # the job sending the old score sends this one next
    if score == outcome.sent_score:
        outcome.state, outcome.due_at = "sent", None  # the LMS already holds it
        return None
    _make_due(outcome)
    return _sendable(outcome, launch)


def _sendable(outcome, launch) -> Outcome | None:
    """The outcome to queue; None, kept as not sent, when the launch gave no gradebook to send it to."""
    if has_gradebook(launch):
        return outcome
    outcome.state, outcome.due_at, outcome.description = "not_sent", None, NO_GRADEBOOK
    return None


def _make_due(outcome):
    outcome.state, outcome.tries, outcome.due_at = "pending", 0, utcnow()


def _closed_unreported_resources():
    """Closed on_close resources with a reportable scored attempt that has no outcome yet."""
    now = utcnow()
    scored_unreported = (db.session.query(Attempt.id).join(Launch, and_(
        Launch.resource_id == Attempt.resource_id, Launch.user_id == Attempt.user_id,
        Launch.role == "learner", Launch.lis_result_sourcedid.isnot(None)))
        .filter(Attempt.resource_id == Resource.id, Attempt.deleted_at.is_(None), Attempt.score.isnot(None),
                ~exists().where(Outcome.resource_id == Attempt.resource_id, Outcome.user_id == Attempt.user_id)))
    return Resource.query.filter(Resource.report_mode == "on_close", Resource.available_until <= now,
                                 scored_unreported.exists()).all()


def resource_outcomes(resource) -> list[Outcome]:
    """A resource's outcomes, by student name, with the users loaded."""
    return (Outcome.query.filter_by(resource_id=resource.id).join(User, Outcome.user_id == User.id)
            .options(contains_eager(Outcome.user)).order_by(User.name, User.id).all())


def failing_outcomes(consumer_ids=None, limit=200) -> list[Outcome]:
    """Outcomes that failed or are still retrying, newest first; consumer_ids None: every consumer."""
    query = Outcome.query.filter(Outcome.state.in_(("failed", "retrying")))
    if consumer_ids is not None:
        query = query.filter(Outcome.consumer_id.in_(consumer_ids))
    return query.order_by(Outcome.updated_at.desc(), Outcome.id.desc()).limit(limit).all()


def flagged_consumers(consumer_ids=None) -> list[Consumer]:
    """Consumers whose LMS refused Examgate's credentials on the last try."""
    query = Consumer.query.filter(Consumer.credentials_refused_at.isnot(None))
    if consumer_ids is not None:
        query = query.filter(Consumer.id.in_(consumer_ids))
    return query.order_by(Consumer.name).all()
