"""Attempts: start, resume, review, the commit path, finish, delete and restore.

The commit is the hot path (see DESIGN.md, "The SCORM data path"): one transaction that locks the
attempt row (with its resource), reads the values of the keys the batch carries (and of the few its result
reads), records the batch once, appends its elements in one statement, writes the batch's values, and
writes only the question and part rows its changed keys can move (scorm/changes.py): its work is in
proportion to the batch, whatever else the attempt holds. Its statements are in attempt_writes.py;
tests/test_commit_statements.py counts them.

Deadlines are strict: a batch that arrives after the attempt's deadline plus DEADLINE_GRACE_SECONDS is
kept in the log, marked late, and never applied. An attempt whose student never comes back is ended by
`end_overdue` (the periodic job, and every page that reads the attempt) with what arrived in time.
A batch of the finishing window with a sequence below the finishing batch (beacons overtake each other)
is still applied in sequence order; anything later is refused.
"""
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from .. import outcomes
from ..errors import UserFacingError
from ..extensions import db
from ..models import Attempt, CommitBatch, Resource, User
from ..models.base import utcnow
from ..scorm.changes import entry_ids_plain, keys_to_read, moves_result, scored_rows
from ..scorm.cmi import accumulate_total_time, attempt_result, is_scorm12, package_totals
from ..scorm.names import item_labels
from . import access_changes, attempt_writes, marking, receipts

log = logging.getLogger(__name__)

# What one attempt may store. A value: SCORM 2004's largest (cmi.suspend_data, 64,000 characters).
# The state (what the player loads on resume): far above a large Numbas exam (~200 kB).
MAX_ELEMENTS = 5000
MAX_VALUE_CHARS = 64000
MAX_STATE_CHARS = 2_000_000
MAX_SEQUENCE = 2**31 - 1
CLIENT_MS_RANGE = (-62_135_596_800_000, 253_402_300_799_999)  # the years 1 to 9999, what a datetime holds
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates: no text column takes them
SUSPEND = "suspend"


@dataclass(frozen=True)
class Access:
    """What a student may do on a resource now."""

    state: str  # not_yet, open, closed
    opens_at: datetime | None
    closes_at: datetime | None
    attempts_allowed: int  # 0: unlimited
    attempts_used: int
    time_limit_minutes: int = 0  # 0: none

    @property
    def is_open(self):
        return self.state == "open"

    @property
    def attempts_left(self):
        return None if not self.attempts_allowed else max(0, self.attempts_allowed - self.attempts_used)

    @property
    def can_start(self):
        return self.is_open and self.attempts_left != 0


@dataclass(frozen=True)
class Element:
    key: str
    value: str
    client_ms: float | None  # when the player set it, in milliseconds since 1970 as it sends them (Date.now())


@dataclass(frozen=True)
class Batch:
    batch_id: str
    sequence: int
    elements: tuple[Element, ...]
    end: str | None = None  # "terminate" (the package ended its session) or "unload" (the page closed)


@dataclass(frozen=True)
class Receipt:
    batch_id: str
    sequence: int
    duplicate: bool
    status: str
    score: float | None
    late: bool = False  # arrived after the deadline: kept, not scored
    ending: dict = field(default_factory=dict)  # what the player tells the student when a session ends

    def as_json(self):
        return {"result": True, "errorCode": 0, "batch_id": self.batch_id, "sequence": self.sequence,
                "duplicate": self.duplicate, "status": self.status, "score": self.score, "late": self.late,
                **self.ending}


# --- access ------------------------------------------------------------------------------------

def access(resource, user, now=None) -> Access:
    now = now or utcnow()
    limits = access_changes.allowance(resource, user.id)
    opens_at, closes_at = resource.available_from, limits.available_until
    state = "not_yet" if opens_at and now < opens_at else "closed" if closes_at and now > closes_at else "open"
    return Access(state=state, opens_at=opens_at, closes_at=closes_at, attempts_allowed=limits.max_attempts,
                  attempts_used=_counted(resource, user).count(), time_limit_minutes=limits.time_limit_minutes)


def student_attempts(resource, user) -> list[Attempt]:
    """The attempts a student sees: their own, not deleted, oldest first."""
    return _counted(resource, user).order_by(Attempt.number).all()


def open_attempt(resource, user) -> Attempt | None:
    return _counted(resource, user).filter(Attempt.status == "open").order_by(Attempt.number.desc()).first()


def _counted(resource, user):
    return Attempt.query.filter_by(resource_id=resource.id, user_id=user.id, deleted_at=None)


# --- start, resume, review -----------------------------------------------------------------------

def start(resource, user) -> Attempt:
    """A new attempt, or the student's unfinished one: a second click never makes a second attempt."""
    end_overdue(resource_id=resource.id, user_id=user.id)
    # Two start requests at once (a double click) queue on the student's row, so only one creates.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    current = open_attempt(resource, user)
    if current is not None:
        return current
    if resource.exam_version is None:
        raise UserFacingError("No exam has been set up for this activity yet.", 409, "no_exam")
    rights = access(resource, user)
    _check_open(rights)
    if not rights.can_start:
        raise UserFacingError("You have used all your attempts at this exam.", 403, "no_attempts_left")
    number = (db.session.query(func.max(Attempt.number))
              .filter_by(resource_id=resource.id, user_id=user.id).scalar() or 0) + 1
    attempt = Attempt(resource_id=resource.id, user_id=user.id, exam_version_id=resource.exam_version_id,
                      number=number)
    db.session.add(attempt)
    db.session.commit()
    log.info("attempt %s started: user %s, resource %s, number %s", attempt.id, user.id, resource.id, number)
    outcomes.attempt_changed(attempt)
    return attempt


def open_session(attempt) -> str:
    """Let this window save the attempt from now on; any other window's commits are refused."""
    if attempt.status != "open":
        raise UserFacingError("This attempt is finished; it can only be reviewed.", 409, "attempt_finished")
    if attempt.deleted_at is not None:
        raise UserFacingError("This attempt was deleted by an instructor.", 404, "attempt_deleted")
    _check_open(access(attempt.resource, attempt.user))
    attempt.session_key = secrets.token_urlsafe(16)
    db.session.commit()
    log.info("attempt %s: new player session", attempt.id)
    return attempt.session_key


def may_review(attempt, as_student: bool) -> bool:
    if not as_student:
        return True
    return attempt.status == "finished" and attempt.deleted_at is None and attempt.resource.allow_student_review


def resume_state(attempt) -> tuple[dict, int]:
    """The state to load into the player, and the first sequence number its commits may use."""
    last = db.session.query(func.max(CommitBatch.sequence)).filter_by(attempt_id=attempt.id).scalar()
    return attempt_writes.read_state(attempt), (last or 0) + 1


def _check_open(rights: Access):
    if rights.state == "not_yet":
        raise UserFacingError(f"This exam opens on {rights.opens_at:%d %B %Y at %H:%M} UTC.", 403, "not_open_yet")
    if rights.state == "closed":
        raise UserFacingError(f"This exam closed on {rights.closes_at:%d %B %Y at %H:%M} UTC.", 403, "closed")


# --- commits -------------------------------------------------------------------------------------

def parse_batch(payload) -> Batch:
    """A batch as the player sends it; anything malformed is refused by name (param: the batch's
    field, or `elements.N.key` / `elements.N.value` for one element, which the player then drops)."""
    if not isinstance(payload, dict):
        raise _bad("The commit is not a JSON object.", None)
    batch_id, sequence, elements = payload.get("batch_id"), payload.get("sequence"), payload.get("elements")
    if not isinstance(batch_id, str) or not 0 < len(batch_id) <= 64:
        raise _bad("batch_id must be a string of at most 64 characters.", "batch_id")
    if UNSTORABLE.search(batch_id):
        raise UserFacingError("batch_id contains a character that cannot be saved (U+0000 or a broken character).",
                              422, "bad_batch_id", "batch_id")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 0 <= sequence <= MAX_SEQUENCE:
        raise _bad("sequence must be a whole number.", "sequence")
    if not isinstance(elements, list):
        raise _bad("elements must be a list.", "elements")
    if len(elements) > MAX_ELEMENTS:
        raise UserFacingError(f"This save holds {len(elements)} answers; at most {MAX_ELEMENTS} can be saved "
                              "at once.", 413, "too_many_elements", "elements")
    end = payload.get("end")
    if end not in (None, "terminate", "unload"):
        raise _bad("end must be terminate, unload or null.", "end")
    return Batch(batch_id, sequence, tuple(filter(None, (_element(n, item) for n, item in enumerate(elements)))), end)


def _element(n, item):
    key = item.get("key") if isinstance(item, dict) else None
    if not isinstance(key, str) or not 0 < len(key) <= 255 or UNSTORABLE.search(key):
        raise _refused_element(n, "key", "An answer's name must be text of at most 255 characters "
                                         "without control characters such as U+0000.")
    value = item.get("value")
    if isinstance(value, (dict, list)):  # scorm-again flattens empty collections to {}
        return None
    value = "" if value is None else str(value)
    if len(value) > MAX_VALUE_CHARS:
        raise _refused_element(n, "value", f"The answer {key} is {len(value)} characters long; "
                                           f"at most {MAX_VALUE_CHARS} can be saved. It was not saved.")
    if UNSTORABLE.search(value):
        raise _refused_element(n, "value", f"The answer {key} contains a character that cannot be saved "
                                           "(U+0000 or a broken character). It was not saved.")
    return Element(key, value, _client_ms(item.get("client_time")))


def _refused_element(n, field, message):
    return UserFacingError(message, 422, "bad_element", f"elements.{n}.{field}")


def _client_ms(value):
    """The player's time if it is one a datetime can hold (NaN and infinities are not)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    lowest, highest = CLIENT_MS_RANGE
    return value if lowest <= value <= highest else None


def _bad(message, param):
    return UserFacingError(message, 400, "bad_commit", param)


def commit(attempt_id: int, session_key: str, batch: Batch) -> Receipt:
    """Apply one batch from the window holding `session_key`; the same batch twice is applied once."""
    now = utcnow()
    keys = keys_to_read({element.key for element in batch.elements} | SESSION_KEYS)
    attempt, recorded = attempt_writes.lock_and_record(attempt_id, session_key, batch, now, keys)
    if attempt is None or attempt.deleted_at is not None:
        raise UserFacingError("This attempt no longer exists.", 404, "attempt_not_found")
    if attempt.session_key != session_key:
        raise UserFacingError("This attempt was opened in another window, which now saves it. "
                              "Close this one.", 409, "superseded")
    if recorded is None:
        receipt = _receipt(attempt, batch, duplicate=True, late=_was_late(attempt, batch))
        db.session.rollback()
        return receipt
    if _refused_after_end(attempt, batch):
        raise UserFacingError("This attempt is finished; nothing more can be saved.", 409, "attempt_finished")
    _check_size(attempt, recorded.stored, batch)
    was_open = attempt.status == "open"
    late = attempt.end_reason == "time_up" or overdue(attempt, now)
    if late:
        changed, writes = _keep_late(attempt, batch, now), attempt_writes.Writes()
    else:
        changed, writes = _apply(attempt, batch, now, recorded)
    attempt_writes.save(attempt, writes)
    # Read before the commit expires the attempt: most saves then run no query after it.
    receipt = _receipt(attempt, batch, duplicate=False, late=late)
    ended = was_open and attempt.status == "finished"
    announce = changed and (ended or outcomes.affects_outcome(attempt))
    statuses = f"{attempt.completion_status}/{attempt.success_status}"
    db.session.expire(attempt)  # save wrote it: the commit's flush has nothing to look through
    db.session.commit()
    if changed:
        log.info("attempt %s: score %s, %s, status %s%s", attempt_id, receipt.score, statuses, receipt.status,
                 " (a late batch ended it)" if receipt.late else "")
    if announce:
        _announce(attempt, ended)
    return receipt


def _check_size(attempt, stored, batch):
    """Refuse a batch that would make the attempt's state larger than it may be."""
    size = attempt.state_chars + _growth({element.key: element.value for element in batch.elements}, stored)
    if size > MAX_STATE_CHARS:
        log.warning("attempt %s: batch refused, the state would hold %s characters", attempt.id, size)
        raise UserFacingError(f"These answers would make this attempt larger than the {MAX_STATE_CHARS:,} "
                              "characters it may hold. They were not saved.", 413, "attempt_too_large")


def _refused_after_end(attempt, batch) -> bool:
    """A finished attempt takes only batches of its finishing window sent before the finishing one
    (and, once its time ran out, late batches to keep)."""
    if attempt.status == "open" or attempt.end_reason == "time_up":
        return False
    return attempt.finish_sequence is None or batch.sequence >= attempt.finish_sequence


def _announce(attempt, ended):
    """After commit: the score goes to the outcome pipeline, and a finished attempt's receipt to its student."""
    outcomes.attempt_changed(attempt)
    if ended:
        receipts.attempt_finished(attempt)


def _receipt(attempt, batch, duplicate, late):
    return Receipt(batch.batch_id, batch.sequence, duplicate, attempt.status, attempt.score, late,
                   {"end": batch.end, **ending(attempt)} if batch.end or attempt.status != "open" else {})


def _was_late(attempt, batch):
    return bool(db.session.query(CommitBatch.late).filter_by(attempt_id=attempt.id, batch_id=batch.batch_id).scalar())


def ending(attempt) -> dict:
    """What the player shows when a session ends: handed in (when, the score in marks, the receipt code),
    or saved (until when the student can come back)."""
    total = marking.attempt_total(attempt)
    deadline = access_changes.attempt_deadline(attempt)
    return {"end_reason": attempt.end_reason, "finished_at": _iso(attempt.finished_at),
            "receipt_code": receipts.receipt_code(attempt), "deadline": _iso(deadline),
            "raw": None if total is None else round(total.earned, 4),
            "max": None if total is None else round(total.maximum, 4)}


def _iso(moment):
    return moment.isoformat() if moment else None


def _keep_late(attempt, batch, now) -> bool:
    """A batch after the deadline (and grace): logged (with its record) and marked late, never applied;
    the attempt ends."""
    db.session.execute(update(CommitBatch).where(CommitBatch.attempt_id == attempt.id,
                                                 CommitBatch.batch_id == batch.batch_id).values(late=True))
    log.info("attempt %s: batch %s arrived after the deadline: kept, not scored", attempt.id, batch.sequence)
    if attempt.status != "open":
        return False
    _end_in_time(attempt)
    return True


def _end_in_time(attempt):
    attempt.status, attempt.end_reason = "finished", "time_up"
    attempt.finished_at = access_changes.attempt_deadline(attempt)


def _apply(attempt, batch, now, recorded) -> tuple[bool, attempt_writes.Writes]:
    """Apply the batch (logged with its record, which holds what the attempt held of the keys the batch
    reads): True when the score or a status changed, and what is left to write with the attempt's row."""
    stored = recorded.stored
    finishing = attempt.status == "open"  # else an earlier batch of a finished attempt, arriving last
    old_state = {key: value for key, (value, _) in stored.items()}
    merged = _merged(stored, batch)
    writes = attempt_writes.Writes({key: (value, batch.sequence) for key, value in merged.items()})
    if batch.end and finishing:
        for key, total in _end_session({**old_state, **merged}, batch).items():
            # The server's total keeps the sequence of the batch that last set the key (none: -1).
            writes.values[key] = (total, writes.values.get(key, stored.get(key, (None, -1)))[1])
    values = {key: value for key, (value, _) in writes.values.items()}
    state = {**old_state, **values}
    was_scorm12 = attempt.state_is_scorm12
    attempt.state_chars += _growth(values, stored)
    attempt.state_is_scorm12 = was_scorm12 or is_scorm12(values)
    attempt.last_commit_at = now
    changed_keys = [key for key in {element.key for element in batch.elements} | set(TOTAL_TIMES)
                    if state.get(key) != old_state.get(key) and moves_result(key)]
    with db.session.no_autoflush:  # the attempt's row is written once, by attempt_writes.save
        changed = bool(changed_keys) and _record_result(attempt, (old_state, state), changed_keys, recorded.marked,
                                                        was_scorm12, writes)
    if finishing and batch.end == "terminate" and state.get(_key(state, "exit")) != SUSPEND:
        attempt.status, attempt.finished_at, attempt.end_reason = "finished", now, "finished"
        attempt.finish_sequence = batch.sequence
        changed = True
    return changed, writes


def overdue(attempt, now=None) -> bool:
    """Past its deadline (time limit or closing, with access changes), grace included."""
    return past_deadline(attempt, now, _grace())


def past_deadline(attempt, now=None, grace=timedelta(0)) -> bool:
    ends = access_changes.attempt_deadline(attempt)
    return ends is not None and (now or utcnow()) > ends + grace


def _grace():
    """Saves already on their way when time runs out still count."""
    return timedelta(seconds=current_app.config["DEADLINE_GRACE_SECONDS"])


def end_overdue(resource_id=None, user_id=None) -> int:
    """End the open attempts whose time is up (of one resource, or one student there), each with what
    arrived in time, and send their scores; the periodic job runs it for all, pages for what they show."""
    now = utcnow()
    query = (Attempt.query.join(Resource, Resource.id == Attempt.resource_id)
             .filter(Attempt.status == "open", Attempt.deleted_at.is_(None),
                     or_(Resource.time_limit_minutes > 0, Resource.available_until < now - _grace())))
    if resource_id is not None:
        query = query.filter(Attempt.resource_id == resource_id)
    if user_id is not None:
        query = query.filter(Attempt.user_id == user_id)
    # Access changes only ever extend the resource's own limits: an attempt before those is not overdue.
    candidates = [attempt for attempt in query if _past_resource_limits(attempt, now)]
    return sum(end_if_overdue(attempt) for attempt in candidates)


def _past_resource_limits(attempt, now):
    resource, ends = attempt.resource, []
    if resource.available_until:
        ends.append(resource.available_until)
    if resource.time_limit_minutes:
        ends.append(attempt.started_at + timedelta(minutes=resource.time_limit_minutes))
    return bool(ends) and now > min(ends) + _grace()


def end_if_overdue(attempt) -> bool:
    """End one attempt if it is still open and its time is up; True when this call ended it."""
    if attempt.status != "open" or attempt.deleted_at is not None or not overdue(attempt):
        return False
    db.session.execute(select(Attempt).where(Attempt.id == attempt.id).with_for_update()
                       .execution_options(populate_existing=True))
    if attempt.status != "open":  # a commit or another sweep ended it meanwhile
        db.session.rollback()
        return False
    _end_in_time(attempt)
    db.session.commit()
    log.info("attempt %s: time is up; ended at %s with score %s", attempt.id, attempt.finished_at, attempt.score)
    _announce(attempt, ended=True)
    return True


def _merged(stored, batch) -> dict:
    """{key: value} the batch sets: its values, except where a newer batch already set a key."""
    return {element.key: element.value for element in batch.elements
            if stored.get(element.key, (None, -1))[1] <= batch.sequence}


def _growth(values, stored) -> int:
    """How many characters writing these values ({key: value}) adds to the state (keys count too)."""
    return sum(len(value) - (len(stored[key][0]) if key in stored else -len(key)) for key, value in values.items())


def _key(state, name):
    """SCORM 1.2 keeps session data under cmi.core."""
    core = f"cmi.core.{name}"
    return core if core in state else f"cmi.{name}"


TOTAL_TIMES = ("cmi.core.total_time", "cmi.total_time")  # set by the server when a session ends
SESSION_KEYS = {*TOTAL_TIMES, "cmi.core.exit", "cmi.exit"}  # what a save reads besides its own keys' values


def _end_session(state, batch) -> dict:
    """{total time key: the total with the session time carried by the batch that ends a session}."""
    totals = {}
    for version, session_key, total_key in (("1.2", "cmi.core.session_time", "cmi.core.total_time"),
                                            ("2004", "cmi.session_time", "cmi.total_time")):
        session_time = next((e.value for e in reversed(batch.elements) if e.key == session_key), None)
        if session_time is not None:
            totals[total_key] = accumulate_total_time(state.get(total_key), session_time, scorm_version=version)
    return totals


def _record_result(attempt, states, changed_keys, marked, was_scorm12, writes) -> bool:
    """Store what the changed keys move of the result; True when the score or a status changed.
    states: (before, after) the batch, of the keys it read (scorm/changes.keys_to_read)."""
    old_state, state = states
    scored = scored_rows(state, changed_keys, _ids_plain(attempt))
    if scored is None:
        after, rows_changed = _compare_rows(attempt, state)
    else:
        after, rows_changed = attempt_result(state, items=False, scorm12=attempt.state_is_scorm12), bool(scored)
    before = package_totals(old_state, was_scorm12)
    attempt.raw_score, attempt.max_score = after.raw, after.max
    if scored and marking.reads_marks_after_commit(attempt, marked):
        attempt_writes.set_scores(attempt, scored)
    elif scored:
        writes.scores = scored
    attempt.time_spent_seconds = after.time_seconds or 0.0
    old = (attempt.score, attempt.completion_status, attempt.success_status)
    if rows_changed or before != (after.raw, after.max, after.score):
        attempt.score = marking.score_after_commit(attempt, marked, after.score)
    attempt.completion_status, attempt.success_status = after.completion_status, after.success_status
    return old != (attempt.score, attempt.completion_status, attempt.success_status)


def _ids_plain(attempt) -> bool:
    if attempt.state_ids_plain is None:  # not worked out since the values became rows
        attempt.state_ids_plain = entry_ids_plain(attempt_writes.read_state(attempt))
    return attempt.state_ids_plain


def _compare_rows(attempt, changes) -> tuple:
    """When an id, a name or a maximum changed: the whole result after the batch (changes: the values it
    read, changed), with every question and part row compared with the result before it and the rows
    that moved written; and True when any did."""
    old_state = attempt_writes.read_state(attempt)  # the batch's values are written last, by save
    state = {**old_state, **changes}
    attempt.state_ids_plain = entry_ids_plain(state)
    after, old_rows = attempt_result(state), item_rows(attempt_result(old_state))
    changed = [row for item_id, row in item_rows(after).items() if old_rows.get(item_id) != row]
    if changed:
        attempt_writes.upsert_rows(attempt, changed)
    return after, bool(changed)


def item_rows(result) -> dict:
    """The question and part score rows a result gives: questions first, then parts, in package order."""
    items, labels = {}, item_labels(result)
    for position, question in enumerate(result.questions):
        items[question.id] = {"item_id": question.id, "kind": "question", "position": position,
                              "label": labels[question.id], "raw": question.raw, "max": question.max}
    for position, part in enumerate(result.parts, start=len(result.questions)):
        items.setdefault(part.id, {"item_id": part.id, "kind": "part", "position": position,
                                   "label": labels[part.id], "raw": part.score, "max": part.weighting})
    return items


def package_not_started(attempt_id: int, session_key: str):
    """The player saw no Initialize from the package in time: record it for the instructor's attempt page."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.deleted_at is not None or attempt.session_key != session_key:
        raise UserFacingError("This attempt is not open in this window.", 409, "superseded")
    attempt.package_not_started_at = utcnow()
    db.session.commit()
    log.warning("attempt %s: the exam package did not start in the student's browser (user %s)",
                attempt.id, attempt.user_id)


# --- delete and restore --------------------------------------------------------------------------

def delete_attempt(attempt, by: str):
    """Set an attempt aside: hidden from the student and from reports, kept, restorable."""
    attempt.deleted_at, attempt.deleted_by = utcnow(), by
    db.session.commit()
    log.info("attempt %s on resource %s deleted by %s", attempt.id, attempt.resource_id, by)
    outcomes.attempt_changed(attempt)


def restore_attempt(attempt, by: str):
    attempt.deleted_at, attempt.deleted_by = None, None
    db.session.commit()
    log.info("attempt %s on resource %s restored by %s", attempt.id, attempt.resource_id, by)
    outcomes.attempt_changed(attempt)
