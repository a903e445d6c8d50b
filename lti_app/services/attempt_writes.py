"""How a commit reads and writes an attempt: the statements of the hot path (services/attempts.commit).

Every student saves every few seconds, so each statement is built once (per database dialect where they
differ): building and keying a statement costs more than the database running it. On PostgreSQL a
batch's elements travel as one JSON array and its scores as two arrays, a handful of parameters whatever
the batch's size, so the driver parses each statement once (psycopg caches none with over 50 parameters)
and the database runs one statement rather than one per row. SQLite, in the process, takes the rows as
they are.
"""
from functools import cache

from sqlalchemy import (ARRAY, JSON, Boolean, DateTime, Float, Integer, Text, bindparam, cast, func, insert,
                        literal_column, select, text, true, update)
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Attempt, CmiElement, CommitBatch, QuestionScore
from ..models.base import UTCDateTime, insert_on_conflict
from . import marking

ROW_COLUMNS = ("kind", "position", "label", "raw", "max")
UTC_DATETIME = UTCDateTime()

LOCK = (select(Attempt).options(joinedload(Attempt.resource, innerjoin=True))  # the deadline's resource
        .where(Attempt.id == bindparam("attempt_id")).with_for_update(of=Attempt))

SCORES_FROM_ARRAYS = text(
    "UPDATE question_score SET raw = s.raw FROM unnest(:item_ids, :raws) AS s(item_id, raw) "
    "WHERE question_score.attempt_id = :attempt_id AND question_score.item_id = s.item_id"
).bindparams(bindparam("item_ids", type_=ARRAY(Text)), bindparam("raws", type_=ARRAY(Float)))

SAVED_COLUMNS = ("state", "state_times", "last_commit_at", "status", "finished_at", "end_reason", "finish_sequence",
                 "score", "raw_score", "max_score", "time_spent_seconds", "completion_status", "success_status")
SAVE = (update(Attempt.__table__).where(Attempt.__table__.c.id == bindparam("saved_id"))
        .values({name: bindparam(name) for name in SAVED_COLUMNS}))

SET_SCORE = (update(QuestionScore.__table__)
             .where(QuestionScore.attempt_id == bindparam("row_attempt_id"),
                    QuestionScore.item_id == bindparam("row_item_id")).values(raw=bindparam("new_raw")))


def lock(attempt_id) -> Attempt | None:
    """The attempt, locked until the commit, with its resource."""
    return db.session.execute(LOCK, {"attempt_id": attempt_id}).scalar_one_or_none()


def record_batch(attempt, batch, now):
    """Record the batch's arrival and append its elements to the attempt's log, in the batch's order.
    Returns the batch's row (id, and `marked`: whether a re-mark or a discount moves the attempt's score),
    or None when it had arrived before (the attempt row is locked): then nothing is written. On PostgreSQL
    all of this is one statement, so one round trip."""
    values = {"attempt_id": attempt.id, "batch_id": batch.batch_id, "sequence": batch.sequence,
              "element_count": len(batch.elements), "received_at": now, "late": False,
              **marking.marked_parameters(attempt)}
    if _dialect() == "postgresql":
        return db.session.execute(_recorded_and_logged(), {**values, "elements": [
            (e.key, e.value, e.client_time and UTC_DATETIME.process_bind_param(e.client_time, None).isoformat())
            for e in batch.elements]}).first()
    recorded = db.session.execute(_for_dialect(_record_batch_statement), values).first()
    if recorded is not None and batch.elements:
        db.session.execute(_for_dialect(_elements_statement), [
            {"attempt_id": attempt.id, "batch_id": batch.batch_id, "sequence": batch.sequence, "key": e.key,
             "value": e.value, "client_time": e.client_time, "server_time": now} for e in batch.elements])
    return recorded


def set_scores(attempt, scores: dict):
    """Set the score of these questions and parts ({item id: raw}), whose rows exist."""
    if _dialect() == "postgresql":
        db.session.execute(SCORES_FROM_ARRAYS, {"attempt_id": attempt.id, "item_ids": list(scores),
                                                "raws": list(scores.values())})
    else:
        db.session.execute(SET_SCORE, [{"row_attempt_id": attempt.id, "row_item_id": item_id, "new_raw": raw}
                                       for item_id, raw in scores.items()])


def upsert_rows(attempt, rows):
    """Write these question and part rows (item_rows' shape); the unique (attempt, item) lets concurrent
    commits meet on one row."""
    db.session.execute(_for_dialect(_upsert_statement), [{**row, "attempt_id": attempt.id} for row in rows])


def save(attempt):
    """Write what a commit may change of the attempt in one UPDATE built once, and tell the session the
    values are written: its unit of work would spend more finding what changed than the database spends
    writing it."""
    values = {name: getattr(attempt, name) for name in SAVED_COLUMNS}
    with db.session.no_autoflush:
        db.session.execute(SAVE, {**values, "saved_id": attempt.id})
    for name, value in values.items():
        set_committed_value(attempt, name, value)


def _dialect():
    return db.session.get_bind().dialect.name


def _for_dialect(build):
    return build(_dialect())


@cache
def _record_batch_statement(dialect):
    table = CommitBatch.__table__
    return insert_on_conflict(dialect, table).on_conflict_do_nothing(
        index_elements=["attempt_id", "batch_id"]).returning(table.c.id, marking.MARKED.label("marked"))


@cache
def _recorded_and_logged():
    """PostgreSQL: the batch's row inserted unless it exists, its elements (one JSON array of [key, value,
    client time], which the driver sends without a Python loop) logged only if it was, and the row returned
    with `marked`; data-modifying CTEs run once, in one statement."""
    batches, elements = CommitBatch.__table__, CmiElement.__table__
    recorded = (insert_on_conflict("postgresql", batches).values(_batch_values())
                .on_conflict_do_nothing(index_elements=["attempt_id", "batch_id"]).returning(batches.c.id)
                .cte("recorded"))
    given = func.json_array_elements(bindparam("elements", type_=JSON)).table_valued(
        "element", with_ordinality="n").render_derived()
    key, value, client_time = (given.c.element.op("->>")(literal_column(str(n))) for n in range(3))
    batch = _batch_values()
    rows = (select(batch["attempt_id"], batch["batch_id"], batch["sequence"], key, value,
                   cast(client_time, DateTime), batch["received_at"])
            .select_from(recorded).join(given, true()).order_by(given.c.n))
    logged = insert(elements).from_select(
        ["attempt_id", "batch_id", "sequence", "key", "value", "client_time", "server_time"], rows).cte("logged")
    return select(recorded.c.id, marking.MARKED.label("marked")).add_cte(logged)


def _batch_values():
    """The batch row's values as typed parameters, for the statement PostgreSQL is sent whole."""
    types = {"attempt_id": Integer, "batch_id": Text, "sequence": Integer, "element_count": Integer,
             "received_at": UTCDateTime, "late": Boolean}
    return {name: bindparam(name, type_=kind) for name, kind in types.items()}


@cache
def _elements_statement(dialect):
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
