"""Who is sitting a resource's exam right now, when each last saved, and whose saves are failing.

The attempt row is the truth about saves that arrived (`last_commit_at`). A save the server refused
(an expired exam page, a window another window replaced, a malformed batch) leaves no row behind, so
the last refusal of each attempt is kept in Redis for a day: it serves only this view, and losing it
loses nothing else."""
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy.orm import joinedload

from ..extensions import jobs
from ..models import Attempt
from ..models.base import utcnow

log = logging.getLogger(__name__)
REFUSAL_TTL_SECONDS = 24 * 3600
SITTING_WITHIN = timedelta(minutes=30)  # an open attempt with no save for longer is not "sitting now"
QUIET_AFTER = timedelta(seconds=60)  # the player saves every few seconds while a student works
NOT_A_FAILURE = {"review_session"}  # a review window is not meant to save


@dataclass(frozen=True)
class Sitter:
    attempt: Attempt
    state: str  # failing (a save was refused after the last one that arrived), quiet, or saving
    last_saved: datetime | None
    refused_at: datetime | None
    refusal: str  # the message the student's window was given


@dataclass(frozen=True)
class LiveView:
    sitters: list
    idle: int  # open attempts with no save for longer than SITTING_WITHIN

    @property
    def failing(self):
        return sum(sitter.state == "failing" for sitter in self.sitters)


def save_refused(attempt_id, code, message, now=None):
    """Remember that a save of this attempt was refused; never fails the request that reports it."""
    if code in NOT_A_FAILURE:
        return
    record = json.dumps({"at": (now or utcnow()).isoformat(), "message": message})
    try:
        jobs.redis.set(_key(attempt_id), record, ex=REFUSAL_TTL_SECONDS)
    except RedisError as error:
        log.warning("attempt %s: refused save not recorded for the live view (%s)", attempt_id, error)


def live_view(resource, now=None) -> LiveView:
    now = now or utcnow()
    attempts = (Attempt.query.options(joinedload(Attempt.user))
                .filter_by(resource_id=resource.id, status="open", deleted_at=None).order_by(Attempt.id).all())
    refusals = _refusals([attempt.id for attempt in attempts])
    sitters, idle = [], 0
    for attempt in attempts:
        refused = refusals.get(attempt.id)
        refused_at = datetime.fromisoformat(refused["at"]) if refused else None
        active = max(moment for moment in (attempt.last_commit_at, attempt.started_at, refused_at) if moment)
        if now - active > SITTING_WITHIN:
            idle += 1
            continue
        sitters.append(Sitter(attempt, _state(attempt.last_commit_at, refused_at, now), attempt.last_commit_at,
                              refused_at, refused["message"] if refused else ""))
    order = {"failing": 0, "quiet": 1, "saving": 2}
    sitters.sort(key=lambda sitter: (order[sitter.state], sitter.attempt.user.display_name.lower()))
    return LiveView(sitters, idle)


def _state(last_saved, refused_at, now):
    if refused_at and (last_saved is None or refused_at > last_saved):
        return "failing"
    return "saving" if last_saved and now - last_saved <= QUIET_AFTER else "quiet"


def _refusals(attempt_ids) -> dict:
    if not attempt_ids:
        return {}
    try:
        values = jobs.redis.mget([_key(attempt_id) for attempt_id in attempt_ids])
    except RedisError as error:
        log.warning("live view without refused saves (%s)", error)
        return {}
    return {attempt_id: json.loads(value) for attempt_id, value in zip(attempt_ids, values) if value}


def _key(attempt_id):
    return f"examgate:refused-save:{attempt_id}"
