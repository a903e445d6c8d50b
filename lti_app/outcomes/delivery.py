"""Delivering outcomes to the LMS: one request at a time per consumer, every try recorded.

A delivery job holds its consumer's Redis lock and sends every due outcome of that consumer, so a
job that cannot get the lock can simply stop: the holder (or the job it leaves behind) sends its
outcome. When the LMS says "later", the consumer pauses and the job schedules itself for when the
pause ends (`enqueue_in`, so that the LMS's Retry-After is honoured; RQ's own Retry only covers a
job that crashed). Under a throttle that reports itself (Canvas), sends are paced (pacing.py) so that
the LMS does not refuse them. replaceResult is idempotent, so a send repeated after a killed worker is
harmless.
"""
import json
import logging
import math
import time
from datetime import timedelta

from flask import current_app
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Callback

from ..extensions import db, jobs
from ..models import Consumer, Outcome, OutcomeDelivery
from ..models.base import utcnow
from . import pacing
from .replies import CREDENTIALS, RETRY_LATER, RETRY_NOW, STORED, SUPERSEDED, Verdict
from .scores import NO_GRADEBOOK, has_gradebook, reporting_launch, scoring_attempt, user_attempts
from .transports import TRANSPORTS

log = logging.getLogger(__name__)

SEND_JOB = "workers.outcome_jobs.send_outcome"
FAILED_CALLBACK = "workers.outcome_jobs.delivery_failed"
RETRY_NOW_LIMIT = 2  # fresh nonces after "Duplicate nonce detected"
PACE_SLEEP_LIMIT = 2.0  # a longer wait under a throttle pauses the consumer and frees the worker
PACE_MEMORY_SECONDS = 600  # what the LMS's replies said about its throttle, kept between jobs
SUPERSEDED_TRIES = 3  # sends with ever later timestamps before a refusal as "not the latest" is final
DUE_BATCH = 50
DRAIN_SECONDS = 30  # then leave the rest to a new job, so other consumers get a worker too


def lock_seconds() -> float:
    """Longer than the longest send a job may make while holding the consumer's lock."""
    return current_app.config["OUTCOME_TIMEOUT_SECONDS"] * (RETRY_NOW_LIMIT + 1) + 30


def queue_delivery(outcomes) -> None:
    """Mark these committed outcomes queued and enqueue a delivery job for each consumer."""
    now = utcnow()
    for outcome in outcomes:
        outcome.queued_at = max(now, outcome.due_at or now)
    db.session.commit()
    first_by_consumer = {}
    for outcome in outcomes:
        first_by_consumer.setdefault(outcome.consumer_id, outcome.id)
    try:
        for outcome_id in first_by_consumer.values():
            _enqueue(outcome_id)
    except RedisConnectionError as error:
        log.warning("outcomes %s recorded but not queued (Redis: %s); the sweep will queue them",
                    [o.id for o in outcomes], error)
        for outcome in outcomes:
            outcome.queued_at = None
        db.session.commit()


def deliver(outcome_id) -> None:
    """The job: send this outcome, then every other due outcome of its consumer.

    Every early exit says who sends next. A job that comes before the outcome is due, or while the
    consumer is paused, schedules itself again for then (RQ may run a scheduled job up to a second
    early); one that finds the consumer's lock taken leaves the outcome to the lock holder."""
    outcome = db.session.get(Outcome, outcome_id)
    if outcome is None or outcome.state not in ("pending", "sending", "retrying"):
        return  # sent or failed meanwhile: nothing is waiting for this job
    consumer_id, wait = outcome.consumer_id, _seconds_until_due(outcome)
    db.session.commit()
    wait = max(wait, _pause_left(consumer_id))
    if wait > 0:
        log.debug("outcome %s: not due for %.2fs; the job runs again then", outcome_id, wait)
        _enqueue(outcome_id, wait)
        return
    lock = jobs.redis.lock(f"examgate:outcome-lock:{consumer_id}", timeout=lock_seconds())
    if not lock.acquire(blocking=False):
        log.debug("outcome %s: consumer %s busy; its lock holder sends it", outcome_id, consumer_id)
        return
    try:
        told_to_wait = _drain(consumer_id, outcome_id, lock)
    finally:
        lock.release()
    if told_to_wait:
        return  # the retry is scheduled; it sends the rest too
    # An outcome that fell due while we held the lock, and whose job found the lock taken.
    left = _next_due(consumer_id)
    if left is not None:
        _enqueue(left)


def _drain(consumer_id, outcome_id, lock) -> bool:
    """Send due outcomes, paced under the LMS's throttle, until none is left, time is up, or the LMS
    says "later" (returns True: a job is scheduled)."""
    deadline = time.monotonic() + DRAIN_SECONDS
    pace, due = _load_pace(consumer_id), []
    try:
        while outcome_id is not None and time.monotonic() < deadline:
            wait = pacing.wait_seconds(pace, time.time())
            if wait > PACE_SLEEP_LIMIT:
                _pause_and_reschedule(outcome_id, consumer_id, wait)
                return True
            time.sleep(wait)
            lock.reacquire()
            if _send_one(outcome_id, pace) == RETRY_LATER:
                return True
            # Due outcomes are looked up a batch at a time: one query less per send.
            due = [other for other in due if other != outcome_id] or _due_ids(consumer_id, DUE_BATCH)
            outcome_id = due.pop(0) if due else None
        return False
    finally:
        _save_pace(consumer_id, pace)


def _send_one(outcome_id, pace) -> str | None:
    outcome = Outcome.query.filter_by(id=outcome_id).with_for_update().one()
    if not _is_due(outcome):
        db.session.commit()
        return None
    launch = reporting_launch(outcome.resource_id, outcome.user_id)
    if launch is None or not has_gradebook(launch):
        outcome.state, outcome.due_at, outcome.description = "not_sent", None, NO_GRADEBOOK
        db.session.commit()
        return None
    # The attempt fills the Canvas extensions and an AGS score's progress; other launches need no query.
    attempt = (scoring_attempt(outcome.resource, user_attempts(outcome.resource_id, outcome.user_id))
               if launch.outcome_extensions or launch.lti_version == "1.3" else None)
    send = TRANSPORTS[launch.lti_version](outcome, launch, attempt)
    score, flagged = outcome.score, launch.consumer.credentials_refused_at is not None
    outcome.state = "sending"  # a worker killed from here on leaves a row the sweep picks up
    db.session.commit()
    timeout = current_app.config["OUTCOME_TIMEOUT_SECONDS"]
    verdicts = []
    while not verdicts or (verdicts[-1].action == RETRY_NOW and len(verdicts) <= RETRY_NOW_LIMIT):
        verdicts.append(send(timeout))
        pacing.observe(pace, time.time(), verdicts[-1].rate_remaining, verdicts[-1].request_cost,
                       verdicts[-1].retry_after)
    return _apply(outcome_id, score, verdicts, pace, flagged)


def _apply(outcome_id, score, verdicts, pace, flagged) -> str:
    """Record the tries and what follows; the consumer row is only touched to flag or unflag it."""
    outcome = Outcome.query.filter_by(id=outcome_id).with_for_update().one()
    for verdict in verdicts:
        db.session.add(OutcomeDelivery(outcome_id=outcome_id, score=score, action=verdict.action,
                                       http_status=verdict.http_status, code_major=verdict.code_major,
                                       description=verdict.description))
    final = verdicts[-1]
    action = RETRY_LATER if final.action == RETRY_NOW else final.action
    now = utcnow()
    outcome.tries += len(verdicts)
    outcome.last_status, outcome.code_major, outcome.description = (
        final.http_status, final.code_major, final.description)
    changed_meanwhile = outcome.score != score
    delay = None
    if action == STORED:
        outcome.sent_score, outcome.sent_at = score, now
        if flagged:
            consumer = db.session.get(Consumer, outcome.consumer_id)
            consumer.credentials_refused_at = consumer.credentials_refused_reason = None
        outcome.state, outcome.due_at = "sent", None
    elif action == RETRY_LATER:
        delay = _retry_delay(outcome.tries, final, pace)
        outcome.state, outcome.due_at = "retrying", now + timedelta(seconds=delay)
        outcome.queued_at = outcome.due_at
    elif action == SUPERSEDED and outcome.sent_score == score:
        outcome.state, outcome.due_at = "sent", None  # the LMS holds this score already
    elif action == SUPERSEDED and outcome.tries < SUPERSEDED_TRIES:
        # The LMS holds a score stamped later than ours that is not our latest: send it again,
        # with a later timestamp (each send stamps one second after the last).
        outcome.state, outcome.due_at = "pending", now
    else:  # refused, credentials, superseded again and again: final for this score
        if action == CREDENTIALS:
            consumer = db.session.get(Consumer, outcome.consumer_id)
            consumer.credentials_refused_at, consumer.credentials_refused_reason = now, final.description
        outcome.state, outcome.due_at = "failed", None
    if changed_meanwhile and action != RETRY_LATER:
        outcome.state, outcome.tries, outcome.due_at = "pending", 0, now
    log.info("outcome %s (resource %s, user %s, consumer %s): score %s %s after %d tries: %s",
             outcome_id, outcome.resource_id, outcome.user_id, outcome.consumer_id, score, action,
             outcome.tries, final.description)
    consumer_id = outcome.consumer_id
    db.session.commit()
    if delay is not None:
        _pause_and_reschedule(outcome_id, consumer_id, delay)
    return action


def _retry_delay(tries, verdict: Verdict, pace) -> float:
    intervals = current_app.config["OUTCOME_RETRY_INTERVALS"]
    growing = intervals[min(max(tries - 1, 0), len(intervals) - 1)]
    if verdict.http_status in (403, 429) and verdict.rate_remaining is not None:
        # A throttle that says how full it is: wait until it has room, not the whole back-off.
        growing = min(growing, pacing.wait_seconds(pace, time.time()))
    return max(growing, verdict.retry_after or 0)


def _pause_and_reschedule(outcome_id, consumer_id, delay):
    try:
        if delay > 0:
            jobs.redis.set(_pause_key(consumer_id), "1", px=math.ceil(delay * 1000))
        _enqueue(outcome_id, delay)
    except RedisConnectionError as error:
        log.warning("outcome %s: retry not scheduled (Redis: %s); the sweep will", outcome_id, error)


def _load_pace(consumer_id) -> pacing.Pace:
    stored = jobs.redis.get(_pace_key(consumer_id))
    return pacing.Pace.from_dict(json.loads(stored) if stored else None)


def _save_pace(consumer_id, pace):
    try:
        jobs.redis.set(_pace_key(consumer_id), json.dumps(pace.to_dict()), ex=PACE_MEMORY_SECONDS)
    except RedisConnectionError as error:
        log.warning("consumer %s: pace not kept (Redis: %s)", consumer_id, error)


def _pace_key(consumer_id):
    return f"examgate:outcome-pace:{consumer_id}"


def _pause_left(consumer_id) -> float:
    milliseconds = jobs.redis.pttl(_pause_key(consumer_id))
    return max(milliseconds, 0) / 1000


def _pause_key(consumer_id):
    return f"examgate:outcome-pause:{consumer_id}"


def _is_due(outcome) -> bool:
    if outcome.state == "sending":
        return True  # only the consumer's lock holder sends: a row left sending was abandoned
    return outcome.state in ("pending", "retrying") and _seconds_until_due(outcome) == 0


def _seconds_until_due(outcome) -> float:
    if outcome.state == "sending" or outcome.due_at is None:
        return 0.0
    return max((outcome.due_at - utcnow()).total_seconds(), 0.0)


def _next_due(consumer_id):
    due = _due_ids(consumer_id, 1)
    return due[0] if due else None


def _due_ids(consumer_id, limit) -> list[int]:
    """The consumer's due outcomes, soonest first; each is checked again when its turn comes."""
    rows = (Outcome.query.with_entities(Outcome.id)
            .filter(Outcome.consumer_id == consumer_id,
                    db.or_(Outcome.state == "sending",
                           db.and_(Outcome.state.in_(("pending", "retrying")), Outcome.due_at <= utcnow())))
            .order_by(Outcome.due_at, Outcome.id).limit(limit).all())
    db.session.commit()
    return [row.id for row in rows]


def _enqueue(outcome_id, delay=None):
    options = dict(retry_intervals=current_app.config["OUTCOME_RETRY_INTERVALS"],
                   on_failure=Callback(FAILED_CALLBACK))
    if delay is None:
        jobs.enqueue(SEND_JOB, outcome_id, **options)
    else:
        jobs.enqueue_in(delay, SEND_JOB, outcome_id, **options)
