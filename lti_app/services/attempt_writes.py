"""How a commit reads and writes an attempt: the statements of the hot path (services/attempts.commit).

Every student saves every few seconds, so each statement is built once (per database dialect where they
differ): building and keying a statement costs more than the database running it. On PostgreSQL a
batch's elements, values and scores and the keys it reads each travel as one JSON array, a
handful of parameters whatever the batch's size, so the driver parses each statement once (psycopg caches
none with over 50 parameters) and the database runs one statement rather than one per row. A save is two
statements there, because under a class's load its round trips, more than the work of its statements, are
what it costs (bench/commits.py serves about a tenth fewer saves for one round trip more): the lock (which
also records the batch, logs its elements and reads the stored values) and the attempt's UPDATE (which also
writes the values and the scores). SQLite, in the process, takes the rows as they are, statement by statement.
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache

from sqlalchemy import (JSON, Boolean, Float, Integer, Text, bindparam, cast, func, insert,
                        literal_column, select, true, update)
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Attempt, AttemptValue, CmiElement, CommitBatch, QuestionScore, Resource
from ..models.base import UTCDateTime, insert_on_conflict
from . import marking

ROW_COLUMNS = ("kind", "position", "label", "raw", "max")

# The attempt with what a save reads of its resource: the deadline, and whether its scores go to the LMS now.
LOCK = (select(Attempt).options(joinedload(Attempt.resource, innerjoin=True).load_only(
            Resource.time_limit_minutes, Resource.available_from, Resource.available_until, Resource.report_mode))
        .where(Attempt.id == bindparam("attempt_id")).with_for_update(of=Attempt))


SAVED_COLUMNS = ("state_chars", "state_is_scorm12", "state_ids_plain", "last_commit_at", "status", "finished_at",
                 "end_reason", "finish_sequence", "score", "raw_score", "max_score", "time_spent_seconds",
                 "completion_status", "success_status")
VALUES = AttemptValue.__table__
STATE = select(VALUES.c.key, VALUES.c.value).where(VALUES.c.attempt_id == bindparam("attempt_id"))
SAVE = (update(Attempt.__table__).where(Attempt.__table__.c.id == bindparam("saved_id"))
        .values({name: bindparam(name) for name in SAVED_COLUMNS}))

SET_SCORE = (update(QuestionScore.__table__)
             .where(QuestionScore.attempt_id == bindparam("row_attempt_id"),
                    QuestionScore.item_id == bindparam("row_item_id")).values(raw=bindparam("new_raw")))


@dataclass(frozen=True)
class Recorded:
    marked: bool  # a re-mark or a discount moves the attempt's score
    stored: dict  # {key: (value, sequence of the batch that set it)} of the keys asked for, where held


def lock_and_record(attempt_id, session_key, batch, now, keys) -> tuple[Attempt | None, Recorded | None]:
    """The attempt, locked until the commit, with its resource; and, when it is there (not deleted) for the
    window holding `session_key`, the batch recorded: its arrival, its elements appended to the attempt's log
    in the batch's order, and what the attempt holds of these keys. No record when the batch had arrived
    before (the attempt row is locked): then nothing is written."""
    if _dialect() == "postgresql":
        return _lock_and_record_in_one(attempt_id, session_key, batch, now, keys)
    attempt = db.session.execute(LOCK, {"attempt_id": attempt_id}).scalar_one_or_none()
    if attempt is None or attempt.deleted_at is not None or attempt.session_key != session_key:
        return attempt, None
    values = {**_batch_row(attempt_id, batch, now), "marked_attempt_id": attempt.id,
              "marked_resource_id": attempt.resource_id}
    row = db.session.execute(_record_batch_statement(), values).first()
    if row is None:
        return attempt, None
    if batch.elements:
        db.session.execute(_elements_statement(), [
            {"attempt_id": attempt.id, "batch_id": batch.batch_id, "sequence": batch.sequence, "key": e.key,
             "value": e.value, "client_time": _moment(e.client_ms), "server_time": now} for e in batch.elements])
    return attempt, Recorded(row.marked, _stored(attempt_id, keys))


def _lock_and_record_in_one(attempt_id, session_key, batch, now, keys):
    """PostgreSQL: all of lock_and_record in one statement. The values are read in the statement's snapshot,
    taken before the lock: when another save of the attempt committed meanwhile (the row the lock returns is
    not the one the snapshot holds), they are read again, now that nothing else can write them."""
    row = db.session.execute(_locked_and_recorded(), {
        **_batch_row(attempt_id, batch, now), "session_key": session_key, "keys": list(keys),
        "elements": [(e.key, e.value, e.client_ms) for e in batch.elements]}).first()
    if row is None:
        return None, None
    if row.recorded is None:
        return row.Attempt, None
    stored = ({key: (value, sequence) for key, value, sequence in row.stored or ()} if row.fresh
              else _stored(attempt_id, keys))
    return row.Attempt, Recorded(row.marked, stored)


def _moment(ms):
    return None if ms is None else datetime.fromtimestamp(ms / 1000, timezone.utc)


def _batch_row(attempt_id, batch, now):
    return {"attempt_id": attempt_id, "batch_id": batch.batch_id, "sequence": batch.sequence,
            "element_count": len(batch.elements), "received_at": now, "late": False}


def _stored(attempt_id, keys) -> dict:
    rows = db.session.execute(_values_statement(), {"attempt_id": attempt_id, "keys": list(keys)})
    return {key: (value, sequence) for key, value, sequence in rows}


def read_state(attempt) -> dict:
    """Every value the attempt holds, by key."""
    return dict(db.session.execute(STATE, {"attempt_id": attempt.id}).all())


@dataclass
class Writes:
    """What a commit writes last, with the attempt's row: the values it set ({key: (value, sequence)}), and
    the question and part scores it moved ({item id: raw}) when nothing reads them before."""
    values: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)


def set_scores(attempt, scores: dict):
    """Set the score of these questions and parts ({item id: raw}), whose rows exist."""
    if _dialect() == "postgresql":
        db.session.execute(_scores_statement(), {"scored_attempt_id": attempt.id, "scores": list(scores.items())})
    else:
        db.session.execute(SET_SCORE, [{"row_attempt_id": attempt.id, "row_item_id": item_id, "new_raw": raw}
                                       for item_id, raw in scores.items()])


def upsert_rows(attempt, rows):
    """Write these question and part rows (item_rows' shape); the unique (attempt, item) lets concurrent
    commits meet on one row."""
    db.session.execute(_for_dialect(_upsert_statement), [{**row, "attempt_id": attempt.id} for row in rows])


def save(attempt, writes: Writes):
    """Write what a commit may change of the attempt, with its writes, in statements built once, and tell
    the session the attempt's columns are written: its unit of work would spend more finding what changed
    than the database spends writing it."""
    columns = {name: getattr(attempt, name) for name in SAVED_COLUMNS}
    with db.session.no_autoflush:
        if _dialect() == "postgresql":  # one statement: the values, the scores (maybe none), the row
            db.session.execute(_saved_with_writes(), {
                **columns, "saved_id": attempt.id, "written_attempt_id": attempt.id, "scored_attempt_id": attempt.id,
                "values": [(key, value, sequence) for key, (value, sequence) in writes.values.items()],
                "scores": list(writes.scores.items())})
        else:
            if writes.values:
                db.session.execute(_upsert_values_statement("sqlite"), [
                    {"attempt_id": attempt.id, "key": key, "value": value, "sequence": sequence}
                    for key, (value, sequence) in writes.values.items()])
            if writes.scores:
                set_scores(attempt, writes.scores)
            db.session.execute(SAVE, {**columns, "saved_id": attempt.id})
    for name, value in columns.items():
        set_committed_value(attempt, name, value)


def _dialect():
    return db.session.get_bind().dialect.name


def _for_dialect(build):
    return build(_dialect())


@cache
def _record_batch_statement():
    """SQLite: the batch's row inserted unless it exists, returned with `marked`."""
    table = CommitBatch.__table__
    marked = marking.marked(bindparam("marked_attempt_id"), bindparam("marked_resource_id"))
    return insert_on_conflict("sqlite", table).on_conflict_do_nothing(
        index_elements=["attempt_id", "batch_id"]).returning(table.c.id, marked.label("marked"))


@cache
def _locked_and_recorded():
    """PostgreSQL: the attempt locked (LOCK, with more columns); the batch's row inserted, once the lock is
    held, if the attempt is there for the window and the row is not; its elements logged only if it was; the
    stored values of `keys`; and whether the snapshot's row is the one locked (`fresh`). Data-modifying CTEs
    run once, in one statement."""
    recorded = _recorded()
    return LOCK.add_columns(select(recorded.c.id).scalar_subquery().label("recorded"),
                            marking.marked(Attempt.id, Attempt.resource_id).label("marked"),
                            _stored_values().scalar_subquery().label("stored"),
                            _snapshot_is_locked().label("fresh")).add_cte(_logged(recorded))


def _recorded():
    """The batch's row, inserted unless it exists, after the attempt's row is locked for the window."""
    attempts, batches = Attempt.__table__, CommitBatch.__table__
    # The insert reads this CTE, so the row is locked before the insert checks its foreign key: two saves
    # sharing the row's key lock and then each waiting for the other's update lock would deadlock.
    locked = (select(attempts.c.id).where(attempts.c.id == bindparam("attempt_id"),
                                          attempts.c.session_key == bindparam("session_key"),
                                          attempts.c.deleted_at.is_(None))
              .with_for_update().cte("locked"))
    batch = _batch_values()
    return (insert_on_conflict("postgresql", batches)
            .from_select(list(batch), select(*batch.values()).select_from(locked))
            .on_conflict_do_nothing(index_elements=["attempt_id", "batch_id"]).returning(batches.c.id)
            .cte("recorded"))


def _logged(recorded):
    """The batch's elements appended in order if it was recorded: one JSON array of [key, value, client
    time in milliseconds], which the driver sends without a Python loop (nor a datetime per element)."""
    given, (key, value, client_ms) = _json_rows("elements", Text, Text, Float)
    client_time = func.timezone("UTC", func.to_timestamp(client_ms / 1000))  # stored as UTC without a zone
    batch = _batch_values()
    rows = (select(batch["attempt_id"], batch["batch_id"], batch["sequence"], key, value, client_time,
                   batch["received_at"])
            .select_from(recorded).join(given, true()).order_by(given.c.n))
    return insert(CmiElement.__table__).from_select(
        ["attempt_id", "batch_id", "sequence", "key", "value", "client_time", "server_time"], rows).cte("logged")


def _stored_values():
    """[[key, value, sequence], ...] of the attempt's values of `keys` (a JSON array, dumped in C as _json_rows
    says), as one JSON array. One primary-key probe per key: the LIMIT keeps the lookup a probe (a key is held
    once, so it drops nothing) where a join would let the planner read all the attempt's values, thousands for a
    long exam, whenever it underestimates them."""
    keys = func.json_array_elements_text(bindparam("keys", type_=JSON)).table_valued("key").render_derived()
    found = (select(VALUES.c.key, VALUES.c.value, VALUES.c.sequence)
             .where(VALUES.c.attempt_id == bindparam("attempt_id"), VALUES.c.key == keys.c.key).limit(1)
             .lateral("found"))
    return select(func.json_agg(func.json_build_array(found.c.key, found.c.value, found.c.sequence))).select_from(
        keys.join(found, true()))


def _snapshot_is_locked():
    """Whether the attempt's row in the statement's snapshot is the one locked: a lock that waited for another
    save returns the row that save wrote, whose transaction id (`xmin`) the snapshot's row does not have."""
    snapshot = Attempt.__table__.alias("snapshot")
    return literal_column("attempt.xmin::text") == select(literal_column("snapshot.xmin::text")).where(
        snapshot.c.id == bindparam("attempt_id")).scalar_subquery()


def _json_rows(name, *types):
    """PostgreSQL: the rows of a JSON array of arrays, one parameter (`name`) that the driver dumps in C
    where an array parameter costs Python calls per element; the FROM item (with ordinality `n`) and its
    typed columns."""
    given = func.json_array_elements(bindparam(name, type_=JSON)).table_valued(
        "element", with_ordinality="n").render_derived()
    return given, [cast(given.c.element.op("->>")(literal_column(str(n))), kind) for n, kind in enumerate(types)]


def _batch_values():
    """The batch row's values as typed parameters, for the statement PostgreSQL is sent whole."""
    types = {"attempt_id": Integer, "batch_id": Text, "sequence": Integer, "element_count": Integer,
             "received_at": UTCDateTime, "late": Boolean}
    return {name: bindparam(name, type_=kind) for name, kind in types.items()}


@cache
def _values_statement():
    """The values of some keys: SQLite's read, and PostgreSQL's when the lock's snapshot could not read them."""
    return select(VALUES.c.key, VALUES.c.value, VALUES.c.sequence).where(
        VALUES.c.attempt_id == bindparam("attempt_id"), VALUES.c.key.in_(bindparam("keys", expanding=True)))


@cache
def _upsert_values_statement(dialect):
    statement = insert_on_conflict(dialect, VALUES)
    if dialect == "postgresql":
        given, columns = _json_rows("values", Text, Text, Integer)
        statement = statement.from_select(["attempt_id", "key", "value", "sequence"], select(
            bindparam("written_attempt_id", type_=Integer), *columns).select_from(given))
    return statement.on_conflict_do_update(index_elements=["attempt_id", "key"], set_={
        "value": statement.excluded.value, "sequence": statement.excluded.sequence})


@cache
def _saved_with_writes():
    """PostgreSQL: the attempt's row written with the values upserted and the scores set in the same
    statement."""
    return SAVE.add_cte(_upsert_values_statement("postgresql").cte("written"), _scores_statement().cte("scored"))


@cache
def _scores_statement():
    """PostgreSQL: set the score of the questions and parts in `scores`, a JSON array of [item id, raw]."""
    given, (item_id, raw) = _json_rows("scores", Text, Float)
    scores = QuestionScore.__table__
    # Not attempt_id: in a CTE of another UPDATE, a column named by any of the statement's parameters is SET.
    return (update(scores).where(scores.c.attempt_id == bindparam("scored_attempt_id"), scores.c.item_id == item_id)
            .values(raw=raw))


@cache
def _elements_statement():
    return _many_rows(insert(CmiElement.__table__))


@cache
def _upsert_statement(dialect):
    statement = insert_on_conflict(dialect, QuestionScore.__table__)
    return _many_rows(statement.on_conflict_do_update(
        index_elements=["attempt_id", "item_id"], set_={name: statement.excluded[name] for name in ROW_COLUMNS}))


def _many_rows(statement):
    """An INSERT that SQLAlchemy sends as one multi-row statement for a list of rows ("insertmanyvalues",
    which it applies to INSERT .. RETURNING), rather than one execution per row."""
    return statement.returning(statement.table.c.id)
