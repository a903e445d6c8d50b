"""A resource's attempts as reports and statistics read them: batch by batch (keyset on the
attempt id, so memory stays flat and the caller may commit progress between batches), each attempt
with its student and its questions marked by lti_app.services.marking. Deleted attempts are left out."""
from collections import defaultdict

from sqlalchemy import func, select

from ..extensions import db
from ..models import Attempt, Discount, QuestionScore, Remark, User
from ..reports.questions import item_order
from ..reports.results import AttemptResult
from .marking import marked_items

BATCH_SIZE = 500
# Columns only: an attempt's state document can be large and reports never need it.
ATTEMPT_COLUMNS = (
    Attempt.id, Attempt.number, Attempt.started_at, Attempt.finished_at, Attempt.time_spent_seconds,
    Attempt.status, Attempt.completion_status, Attempt.success_status, Attempt.score,
    Attempt.raw_score, Attempt.max_score,
)
SCORE_COLUMNS = (QuestionScore.attempt_id, QuestionScore.item_id, QuestionScore.kind,
                 QuestionScore.position, QuestionScore.raw, QuestionScore.max)
REMARK_COLUMNS = (Remark.attempt_id, Remark.id, Remark.item_id, Remark.score, Remark.created_at)
FINISHED = "finished"


def _reported(resource_id, finished_only=False):
    conditions = [Attempt.resource_id == resource_id, Attempt.deleted_at.is_(None)]
    return conditions + [Attempt.status == FINISHED] if finished_only else conditions


def count_attempts(resource_id, finished_only=False):
    return db.session.scalar(select(func.count(Attempt.id)).where(*_reported(resource_id, finished_only)))


def question_ids(resource_id):
    """Every question any attempt of the resource holds, in the exam's order."""
    query = (select(QuestionScore.item_id).distinct()
             .join(Attempt, Attempt.id == QuestionScore.attempt_id)
             .where(QuestionScore.kind == "question", *_reported(resource_id)))
    return sorted(db.session.scalars(query), key=item_order)


def attempt_batches(resource_id, finished_only=False):
    """Yields lists of AttemptResult in attempt id order."""
    discounts = db.session.execute(
        select(Discount.item_id, Discount.mode)
        .where(Discount.resource_id == resource_id, Discount.removed_at.is_(None))
        .order_by(Discount.created_at, Discount.id)).all()
    last_id = 0
    while True:
        rows = db.session.execute(
            select(*ATTEMPT_COLUMNS, User.lti_user_id, User.name, User.email)
            .join(User, User.id == Attempt.user_id)
            .where(*_reported(resource_id, finished_only), Attempt.id > last_id)
            .order_by(Attempt.id).limit(BATCH_SIZE)).all()
        if not rows:
            return
        ids = [row.id for row in rows]
        scores, remarks = _by_attempt(SCORE_COLUMNS, ids), _by_attempt(REMARK_COLUMNS, ids)
        yield [_result(row, marked_items(scores[row.id], remarks[row.id], discounts)) for row in rows]
        last_id = ids[-1]


def _by_attempt(columns, attempt_ids):
    grouped = defaultdict(list)
    attempt_id = columns[0]
    for row in db.session.execute(select(*columns).where(attempt_id.in_(attempt_ids))):
        grouped[row.attempt_id].append(row)
    return grouped


def _result(row, items):
    return AttemptResult(
        attempt_id=row.id, number=row.number, user_lti_id=row.lti_user_id, user_name=row.name,
        user_email=row.email, started_at=row.started_at, finished_at=row.finished_at,
        time_spent_seconds=row.time_spent_seconds, status=row.status,
        completion_status=row.completion_status, success_status=row.success_status,
        score=row.score, raw_score=row.raw_score, max_score=row.max_score, items=tuple(items),
    )
