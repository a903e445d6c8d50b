"""How many SQL statements one commit batch runs, through the player's commit route.

The commit is the hot path of a class sitting an exam: every statement it runs is paid by every
student every few seconds. These counts are today's; a change that adds a query to every commit
fails here, and whoever makes it decides, in plain sight, whether the query is worth it."""
import json
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from lti_app.extensions import db
from lti_app.models import Discount, QuestionScore, Resource
from tests.test_player import batch, launched, open_player  # noqa: F401  (launched is a fixture)


@pytest.fixture
def commit_url(client, launched):  # noqa: F811
    """An open attempt that has saved once already, so what is counted is a commit like any later one."""
    url = open_player(client, launched)["commitUrl"]
    assert send(client, url, batch(1, cmi__location="q0", cmi__suspend_data="{}")).status_code == 200
    return url


def send(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="text/plain")


@contextmanager
def statements():
    """Every statement sent to the database meanwhile, in order (an executemany counts once)."""
    sent = []

    def record(connection, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def locking():
    """Statements that lock the attempt, record the batch, log its elements and read the values of the keys it
    reads: one on PostgreSQL (data-modifying CTEs of the locking SELECT), four on SQLite (SELECT attempt,
    INSERT commit_batch, INSERT cmi_element, SELECT attempt_value)."""
    return 1 if db.engine.dialect.name == "postgresql" else 4


def saving():
    """Statements that write the batch's values and the attempt's row: one on PostgreSQL (the values upserted
    in a CTE of the UPDATE), two on SQLite."""
    return 1 if db.engine.dialect.name == "postgresql" else 2


def test_a_batch_of_plain_values_runs_two_statements_on_postgresql(client, commit_url):
    with statements() as sent:
        saved = send(client, commit_url, batch(2, cmi__location="q1", cmi__suspend_data='{"q0": "4"}'))
    assert saved.status_code == 200 and saved.json["duplicate"] is False
    # SELECT attempt JOIN resource (FOR UPDATE OF attempt on PostgreSQL): the lock, and the deadline's
    # resource, with the batch recorded once (ON CONFLICT DO NOTHING), whether a re-mark or a discount exists,
    # the values of the keys it reads, and its elements logged in order; its values upserted and UPDATE
    # attempt: what a commit may change of it. Nothing reads what else the attempt holds.
    assert len(sent) == locking() + saving(), "\n".join(sent)
    assert "UPDATE attempt SET" in sent[-1] and "attempt_value" in sent[-saving()]


WHOLE_STATE = re.compile(r"^SELECT .* FROM attempt_value WHERE attempt_value.attempt_id = (\?|%\(attempt_id\)s\S*)$")
SCORE_CHANGING = dict(cmi__objectives__0__id="q0", cmi__objectives__0__score__raw="1",
                      cmi__objectives__0__score__max="1", cmi__score__raw="1", cmi__score__max="2",
                      cmi__score__scaled="0.5")


def test_a_batch_that_names_a_question_reads_the_state_and_writes_its_rows(client, commit_url):
    with statements() as sent:
        saved = send(client, commit_url, batch(2, **SCORE_CHANGING))
    assert saved.status_code == 200 and saved.json["score"] == 0.5
    # A plain batch's; a new id may move any row, so the whole state is read (one SELECT) and the question
    # scores upserted (one multi-row statement). No re-mark or discount exists (read with the batch's
    # record), so the package's total is the score without reading the marks. After the commit nothing: an
    # open attempt sending on completion changes no outcome.
    assert len(sent) == 2 + locking() + saving(), "\n".join(sent)
    assert len([statement for statement in sent if WHOLE_STATE.search(statement)]) == 1


def test_a_batch_that_only_moves_scores_updates_their_rows(client, commit_url):
    assert send(client, commit_url, batch(2, **SCORE_CHANGING)).status_code == 200
    with statements() as sent:
        saved = send(client, commit_url, batch(3, cmi__objectives__0__score__raw="0", cmi__score__raw="0"))
    assert saved.status_code == 200 and saved.json["score"] == 0
    # A plain batch's, and an UPDATE of the one question's score (on PostgreSQL a CTE of the attempt's
    # UPDATE): no other row is compared, and nothing reads what else the attempt holds.
    on_its_own = 0 if db.engine.dialect.name == "postgresql" else 1
    assert len(sent) == locking() + saving() + on_its_own, "\n".join(sent)
    assert "UPDATE question_score SET raw" in " ".join(sent[-1 - on_its_own:]), "\n".join(sent)
    assert QuestionScore.query.filter_by(item_id="q0").one().raw == 0  # and the row holds the new score


def test_with_a_discount_the_marks_are_read_too(client, commit_url):
    db.session.add(Discount(resource_id=Resource.query.one().id, item_id="q9", mode="remove", created_by="t"))
    db.session.commit()
    with statements() as sent:
        saved = send(client, commit_url, batch(2, **SCORE_CHANGING))
    assert saved.status_code == 200 and saved.json["score"] == 0.5
    # The statements above, and marking's SELECT discount, SELECT remark and SELECT question_score.
    assert len(sent) == 5 + locking() + saving(), "\n".join(sent)
