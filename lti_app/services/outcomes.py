"""Scores the LMS should hold. A stand-in until the outcomes pipeline lands: it keeps the (resource, user)
outcome row up to date with the score the grading method picks, pending delivery."""
from ..extensions import db
from ..models import Attempt, Outcome
from ..models.base import utcnow


def attempt_changed(attempt):
    """An attempt's score or status changed: update the outcome for its resource and user."""
    score = _graded_score(attempt.resource, attempt.user_id)
    if score is None:
        return None
    outcome = Outcome.query.filter_by(resource_id=attempt.resource_id, user_id=attempt.user_id).one_or_none()
    if outcome is None:
        outcome = Outcome(consumer_id=attempt.resource.consumer_id, resource_id=attempt.resource_id,
                          user_id=attempt.user_id, score=score)
        db.session.add(outcome)
    outcome.score, outcome.state, outcome.queued_at = score, "pending", utcnow()
    db.session.commit()
    return outcome


def _graded_score(resource, user_id):
    attempts = (Attempt.query.filter_by(resource_id=resource.id, user_id=user_id, deleted_at=None)
                .filter(Attempt.score.isnot(None)).order_by(Attempt.number).all())
    if not attempts:
        return None
    if resource.grading_method == "first":
        return attempts[0].score
    if resource.grading_method == "last":
        return attempts[-1].score
    return max(attempt.score for attempt in attempts)
