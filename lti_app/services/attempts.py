"""Attempts: start, resume, review, the commit path, finish, delete and restore.

The commit is the hot path (see DESIGN.md, "The SCORM data path"): one transaction that locks the
attempt row, records the batch once, appends its elements in one insert, updates the state document
once, and touches question scores and the score only when the package's numbers changed.
"""
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import UserFacingError
from ..extensions import db
from ..models import Attempt, CmiElement, CommitBatch, QuestionScore, User
from ..models.base import utcnow
from ..scorm.cmi import accumulate_total_time, attempt_result
from ..scorm.names import item_labels
from . import access_changes, marking, outcomes, receipts

log = logging.getLogger(__name__)
# Saves already on their way when time runs out are kept and still count.
DEADLINE_GRACE = timedelta(minutes=2)

MAX_ELEMENTS = 5000
MAX_SEQUENCE = 2**31 - 1
SUSPEND = "suspend"


@dataclass(frozen=True)
class Access:
    """What a student may do on a resource now."""

    state: str  # not_yet, open, closed
    opens_at: datetime | None
    closes_at: datetime | None
    attempts_allowed: int  # 0: unlimited
    attempts_used: int

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
    client_time: datetime | None


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

    def as_json(self):
        return {"result": True, "errorCode": 0, "batch_id": self.batch_id, "sequence": self.sequence,
                "duplicate": self.duplicate, "status": self.status, "score": self.score}


# --- access ------------------------------------------------------------------------------------

def access(resource, user, now=None) -> Access:
    now = now or utcnow()
    limits = access_changes.allowance(resource, user.id)
    opens_at, closes_at = resource.available_from, limits.available_until
    state = "not_yet" if opens_at and now < opens_at else "closed" if closes_at and now > closes_at else "open"
    return Access(state=state, opens_at=opens_at, closes_at=closes_at, attempts_allowed=limits.max_attempts,
                  attempts_used=_counted(resource, user).count())


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
                      number=number, state={}, state_times={})
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
    return dict(attempt.state or {}), (last or 0) + 1


def _check_open(rights: Access):
    if rights.state == "not_yet":
        raise UserFacingError(f"This exam opens on {rights.opens_at:%d %B %Y at %H:%M} UTC.", 403, "not_open_yet")
    if rights.state == "closed":
        raise UserFacingError(f"This exam closed on {rights.closes_at:%d %B %Y at %H:%M} UTC.", 403, "closed")


# --- commits -------------------------------------------------------------------------------------

def parse_batch(payload) -> Batch:
    """A batch as the player sends it; anything malformed is refused by name."""
    if not isinstance(payload, dict):
        raise _bad("The commit is not a JSON object.", None)
    batch_id, sequence, elements = payload.get("batch_id"), payload.get("sequence"), payload.get("elements")
    if not isinstance(batch_id, str) or not 0 < len(batch_id) <= 64:
        raise _bad("batch_id must be a string of at most 64 characters.", "batch_id")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 0 <= sequence <= MAX_SEQUENCE:
        raise _bad("sequence must be a whole number.", "sequence")
    if not isinstance(elements, list) or len(elements) > MAX_ELEMENTS:
        raise _bad(f"elements must be a list of at most {MAX_ELEMENTS}.", "elements")
    end = payload.get("end")
    if end not in (None, "terminate", "unload"):
        raise _bad("end must be terminate, unload or null.", "end")
    return Batch(batch_id, sequence, tuple(filter(None, map(_element, elements))), end)


def _element(item):
    if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not 0 < len(item["key"]) <= 255:
        raise _bad("Each element needs a key of at most 255 characters.", "elements")
    value = item.get("value")
    if isinstance(value, (dict, list)):  # scorm-again flattens empty collections to {}
        return None
    return Element(item["key"], "" if value is None else str(value), _client_time(item.get("client_time")))


def _client_time(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _bad(message, param):
    return UserFacingError(message, 400, "bad_commit", param)


def commit(attempt_id: int, session_key: str, batch: Batch) -> Receipt:
    """Apply one batch from the window holding `session_key`; the same batch twice is applied once."""
    attempt = db.session.execute(
        select(Attempt).where(Attempt.id == attempt_id).with_for_update()).scalar_one_or_none()
    if attempt is None or attempt.deleted_at is not None:
        raise UserFacingError("This attempt no longer exists.", 404, "attempt_not_found")
    if attempt.session_key != session_key:
        raise UserFacingError("This attempt was opened in another window, which now saves it. "
                              "Close this one.", 409, "superseded")
    if not _record_batch(attempt, batch):
        receipt = _receipt(attempt, batch, duplicate=True)
        db.session.rollback()
        return receipt
    if attempt.status != "open":
        raise UserFacingError("This attempt is finished; nothing more can be saved.", 409, "attempt_finished")
    changed = _apply(attempt, batch)
    receipt = _receipt(attempt, batch, duplicate=False)
    db.session.commit()
    if changed:
        log.info("attempt %s: score %s, %s/%s, status %s", attempt_id, receipt.score,
                 attempt.completion_status, attempt.success_status, receipt.status)
        outcomes.attempt_changed(attempt)
        if attempt.status == "finished":
            receipts.attempt_finished(attempt)
    return receipt


def _record_batch(attempt, batch) -> bool:
    """Record the batch's arrival; False when it had arrived before (the attempt row is locked)."""
    statement = _insert(CommitBatch).values(
        attempt_id=attempt.id, batch_id=batch.batch_id, sequence=batch.sequence,
        element_count=len(batch.elements), received_at=utcnow())
    inserted = db.session.execute(
        statement.on_conflict_do_nothing(index_elements=["attempt_id", "batch_id"]).returning(CommitBatch.id))
    return inserted.first() is not None


def _insert(model):
    """INSERT with ON CONFLICT, on PostgreSQL and SQLite alike."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _receipt(attempt, batch, duplicate):
    return Receipt(batch.batch_id, batch.sequence, duplicate, attempt.status, attempt.score)


def _apply(attempt, batch) -> bool:
    """Write the batch; True when the score or a status changed."""
    now = utcnow()
    if batch.elements:
        db.session.execute(insert(CmiElement), [
            {"attempt_id": attempt.id, "batch_id": batch.batch_id, "sequence": batch.sequence, "key": e.key,
             "value": e.value, "client_time": e.client_time, "server_time": now} for e in batch.elements])
    before = attempt_result(attempt.state or {})
    state, times = _merged(attempt, batch)
    if batch.end:
        _end_session(state, batch)
    attempt.state, attempt.state_times, attempt.last_commit_at = state, times, now
    after = attempt_result(state)
    with db.session.no_autoflush:  # the attempt's row is written once, at commit
        changed = _record_result(attempt, before, after)
    if batch.end == "terminate" and state.get(_key(state, "exit")) != SUSPEND:
        attempt.status, attempt.finished_at = "finished", now
        changed = True
    elif overdue(attempt, now):
        # The batch is kept (nothing is lost), but time is up: the attempt ends at its deadline.
        attempt.status, attempt.finished_at = "finished", access_changes.attempt_deadline(attempt)
        changed = True
    return changed


def overdue(attempt, now=None) -> bool:
    """Past its deadline (time limit or closing, with access changes), grace included."""
    ends = access_changes.attempt_deadline(attempt)
    return ends is not None and (now or utcnow()) > ends + DEADLINE_GRACE


def _merged(attempt, batch):
    """The state with the batch's values, except where a newer batch already set a key."""
    state, times = dict(attempt.state or {}), dict(attempt.state_times or {})
    for element in batch.elements:
        if times.get(element.key, -1) <= batch.sequence:
            state[element.key], times[element.key] = element.value, batch.sequence
    return state, times


def _key(state, name):
    """SCORM 1.2 keeps session data under cmi.core."""
    core = f"cmi.core.{name}"
    return core if core in state else f"cmi.{name}"


def _end_session(state, batch):
    """Add the session time carried by the batch that ends a session to the total time."""
    for version, session_key, total_key in (("1.2", "cmi.core.session_time", "cmi.core.total_time"),
                                            ("2004", "cmi.session_time", "cmi.total_time")):
        session_time = next((e.value for e in reversed(batch.elements) if e.key == session_key), None)
        if session_time is not None:
            state[total_key] = accumulate_total_time(state.get(total_key), session_time, scorm_version=version)


def _record_result(attempt, before, after) -> bool:
    old_items = _items(before)
    changed_items = [row for item_id, row in _items(after).items() if old_items.get(item_id) != row]
    for row in changed_items:
        row["attempt_id"] = attempt.id
    if changed_items:
        _upsert_question_scores(changed_items)
    attempt.raw_score, attempt.max_score = after.raw, after.max
    attempt.time_spent_seconds = after.time_seconds or 0.0
    old = (attempt.score, attempt.completion_status, attempt.success_status)
    if changed_items or before.score != after.score or before.raw != after.raw or before.max != after.max:
        attempt.score = marking.attempt_score(attempt)
    attempt.completion_status, attempt.success_status = after.completion_status, after.success_status
    return old != (attempt.score, attempt.completion_status, attempt.success_status)


def _items(result) -> dict:
    """The question and part score rows a result gives: questions first, then parts, in package order."""
    items, labels = {}, item_labels(result)
    for position, question in enumerate(result.questions):
        items[question.id] = {"item_id": question.id, "kind": "question", "position": position,
                              "label": labels[question.id], "raw": question.raw, "max": question.max}
    for position, part in enumerate(result.parts, start=len(result.questions)):
        items.setdefault(part.id, {"item_id": part.id, "kind": "part", "position": position,
                                   "label": labels[part.id], "raw": part.score, "max": part.weighting})
    return items


def _upsert_question_scores(rows):
    """One upsert statement, run for every row; the unique (attempt, item) lets concurrent commits meet on one row."""
    statement = _insert(QuestionScore)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["attempt_id", "item_id"],
        set_={name: statement.excluded[name] for name in ("kind", "position", "label", "raw", "max")}), rows)


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
