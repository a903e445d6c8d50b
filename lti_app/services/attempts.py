"""Deleting and restoring attempts (the player's attempt verbs join these)."""
import logging

from ..extensions import db
from ..models.base import utcnow
from . import outcomes

log = logging.getLogger(__name__)


def delete_attempt(attempt, by: str):
    """Set an attempt aside: it stops counting, and stays listed apart until restored."""
    attempt.deleted_at, attempt.deleted_by = utcnow(), by
    db.session.commit()
    log.info("attempt %s on resource %s deleted by %s", attempt.id, attempt.resource_id, by)
    outcomes.attempt_changed(attempt)


def restore_attempt(attempt, by: str):
    attempt.deleted_at, attempt.deleted_by = None, None
    db.session.commit()
    log.info("attempt %s on resource %s restored by %s", attempt.id, attempt.resource_id, by)
    outcomes.attempt_changed(attempt)
