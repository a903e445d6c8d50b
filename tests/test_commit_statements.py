"""How many SQL statements one commit batch runs, through the player's commit route.

The commit is the hot path of a class sitting an exam: every statement it runs is paid by every
student every few seconds. These counts are today's; a change that adds a query to every commit
fails here, and whoever makes it decides, in plain sight, whether the query is worth it."""
import json
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from lti_app.extensions import db
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


def test_a_batch_of_plain_values_runs_five_statements(client, commit_url):
    with statements() as sent:
        saved = send(client, commit_url, batch(2, cmi__location="q1", cmi__suspend_data='{"q0": "4"}'))
    assert saved.status_code == 200 and saved.json["duplicate"] is False
    # 1 SELECT attempt (FOR UPDATE on PostgreSQL): the lock; 2 INSERT commit_batch ON CONFLICT DO NOTHING:
    # the batch recorded once; 3 SELECT resource: its deadline (attempt.resource); 4 INSERT cmi_element:
    # the batch's elements, one executemany; 5 UPDATE attempt: state, state_times, last_commit_at.
    assert len(sent) == 5, "\n".join(sent)


def test_a_batch_that_changes_the_score_runs_thirteen_statements(client, commit_url):
    with statements() as sent:
        saved = send(client, commit_url, batch(
            2, cmi__objectives__0__id="q0", cmi__objectives__0__score__raw="1", cmi__objectives__0__score__max="1",
            cmi__score__raw="1", cmi__score__max="2", cmi__score__scaled="0.5"))
    assert saved.status_code == 200 and saved.json["score"] == 0.5
    # The five of a plain batch, and: the question scores' upsert (one executemany); marking.attempt_score's
    # SELECT discount, SELECT remark and SELECT question_score; after the commit, outcomes.attempt_changed
    # re-reads the expired attempt and its resource, then SELECT launch (with its consumer) and SELECT the
    # student's attempts (an open attempt gives no score to send, so no outcome row is written).
    assert len(sent) == 13, "\n".join(sent)
