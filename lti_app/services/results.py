"""A resource's attempts as reports and statistics read them: batch by batch (keyset on the
attempt id, so memory stays flat and the caller may commit progress between batches), each attempt
with its student and its questions marked by lti_app.services.marking. Deleted attempts are left out."""
from sqlalchemy import func, select

from ..extensions import db
from ..models import Attempt, QuestionScore, User
from ..reports.questions import item_order
from ..reports.results import AttemptResult
from . import marking

BATCH_SIZE = 500
# Columns only: an attempt's state document can be large and reports never need it.
ATTEMPT_COLUMNS = (
    Attempt.id, Attempt.number, Attempt.started_at, Attempt.finished_at, Attempt.time_spent_seconds,
    Attempt.status, Attempt.completion_status, Attempt.success_status, Attempt.score,
    Attempt.raw_score, Attempt.max_score,
)
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
    discounts = marking.active_discounts(resource_id)
    last_id = 0
    while True:
        rows = db.session.execute(
            select(*ATTEMPT_COLUMNS, User.lti_user_id, User.name, User.email)
            .join(User, User.id == Attempt.user_id)
            .where(*_reported(resource_id, finished_only), Attempt.id > last_id)
            .order_by(Attempt.id).limit(BATCH_SIZE)).all()
        if not rows:
            return
        marks = marking.marks_by_attempt([row.id for row in rows], resource_id, discounts)
        yield [_result(row, marks[row.id]) for row in rows]
        last_id = rows[-1].id


def _result(row, marks):
    return AttemptResult(
        attempt_id=row.id, number=row.number, user_lti_id=row.lti_user_id, user_name=row.name,
        user_email=row.email, started_at=row.started_at, finished_at=row.finished_at,
        time_spent_seconds=row.time_spent_seconds, status=row.status,
        completion_status=row.completion_status, success_status=row.success_status,
        score=row.score, raw_score=row.raw_score, max_score=row.max_score,
        marks=tuple(marks), totals=marking.question_totals(marks),
    )
