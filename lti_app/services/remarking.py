"""Re-marking: an instructor's override of one score, discounts for a whole resource, and re-marking
every attempt of a resource in the background."""
import logging

from rq import Callback
from sqlalchemy.exc import SQLAlchemyError

from .. import outcomes
from ..errors import UserFacingError
from ..extensions import db, jobs
from ..models import Attempt, Discount, QuestionScore, Remark, RemarkJob
from ..models.base import utcnow
from . import marking

log = logging.getLogger(__name__)

DISCOUNT_MODES = {"remove": "remove from the total", "full_marks": "full marks for everyone"}
# What can go wrong with one attempt without stopping the others: its data, or its database rows.
ATTEMPT_FAILURES = (ValueError, TypeError, ArithmeticError, SQLAlchemyError, UserFacingError)


def rescore(attempt, discounts=None) -> bool:
    """Recompute the attempt's score; when it changed, store it and tell the outcome pipeline."""
    score = marking.attempt_score(attempt, discounts)
    if score == attempt.score:
        return False
    attempt.score = score
    db.session.commit()
    log.info("attempt %s on resource %s re-marked: score %s", attempt.id, attempt.resource_id, score)
    outcomes.attempt_changed(attempt)
    return True


def override(attempt, item_id, score, reason, by) -> Remark:
    """Give one question or part of one attempt a new score, with the reason."""
    item = QuestionScore.query.filter_by(attempt_id=attempt.id, item_id=item_id).one_or_none()
    if item is None:
        raise UserFacingError(f"This attempt has no question or part {item_id!r}.", 422, "invalid_parameter", "item")
    if score < 0 or (item.max is not None and score > item.max):
        raise UserFacingError(f"The score for {item_id} must be between 0 and {item.max:g}.", 422,
                              "invalid_parameter", "score")
    remark = Remark(attempt_id=attempt.id, item_id=item_id, score=score, reason=reason.strip(), created_by=by)
    db.session.add(remark)
    db.session.commit()
    rescore(attempt)
    return remark


def discount(resource, item_id, mode, by) -> tuple[Discount, RemarkJob]:
    """Discount a question or part for every attempt of the resource, then re-mark them all."""
    if mode not in DISCOUNT_MODES:
        raise UserFacingError("Choose how to discount the part.", 422, "invalid_parameter", "mode")
    known = (QuestionScore.query.join(Attempt, Attempt.id == QuestionScore.attempt_id)
             .filter(Attempt.resource_id == resource.id, QuestionScore.item_id == item_id).count())
    if not known:
        raise UserFacingError(f"No attempt of this resource has a question or part {item_id!r}.", 422,
                              "invalid_parameter", "item")
    for previous in Discount.query.filter_by(resource_id=resource.id, item_id=item_id, removed_at=None):
        previous.removed_at = utcnow()
    row = Discount(resource_id=resource.id, item_id=item_id, mode=mode, created_by=by)
    db.session.add(row)
    db.session.commit()
    return row, remark_all(resource, by)


def remove_discount(discount_row, resource, by) -> RemarkJob:
    discount_row.removed_at = utcnow()
    db.session.commit()
    return remark_all(resource, by)


def remark_all(resource, by) -> RemarkJob:
    """Queue re-marking every attempt of the resource; the row reports progress and failures."""
    job = RemarkJob(resource_id=resource.id, requested_by=by)
    db.session.add(job)
    db.session.commit()
    jobs.enqueue("workers.remark_jobs.remark_resource", job.id,
                 on_failure=Callback("workers.remark_jobs.remark_resource_failed"))
    log.info("remark job %s queued for resource %s by %s", job.id, resource.id, by)
    return job


def latest_job(resource) -> RemarkJob | None:
    return RemarkJob.query.filter_by(resource_id=resource.id).order_by(RemarkJob.id.desc()).first()


def run_remark_job(job_id):
    job = db.session.get(RemarkJob, job_id)
    attempt_ids = [row.id for row in Attempt.query.filter_by(resource_id=job.resource_id, deleted_at=None)
                   .order_by(Attempt.id).with_entities(Attempt.id)]
    job.state, job.total, job.done, job.changed, job.failures = "running", len(attempt_ids), 0, 0, []
    db.session.commit()
    discounts = marking.active_discounts(job.resource_id)
    for attempt_id in attempt_ids:
        changed, failure = _remark_one(attempt_id, discounts)
        job = db.session.get(RemarkJob, job_id)
        job.done += 1
        job.changed += int(changed)
        if failure:
            job.failures = [*job.failures, {"attempt_id": attempt_id, "error": failure}]
        db.session.commit()
    job.state, job.finished_at = "finished", utcnow()
    db.session.commit()
    log.info("remark job %s on resource %s: %s attempts, %s changed, %s failed",
             job.id, job.resource_id, job.total, job.changed, len(job.failures))


def _remark_one(attempt_id, discounts):
    try:
        return rescore(db.session.get(Attempt, attempt_id), discounts), None
    except ATTEMPT_FAILURES as error:
        db.session.rollback()
        log.warning("remark of attempt %s failed: %s", attempt_id, error)
        return False, str(error) or type(error).__name__


def remark_job_failed(job_id, error):
    job = db.session.get(RemarkJob, job_id)
    if job is not None:
        job.state, job.error, job.finished_at = "failed", error, utcnow()
        db.session.commit()
