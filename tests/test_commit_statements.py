"""How many SQL statements one commit batch runs, through the player's commit route.

The commit is the hot path of a class sitting an exam: every statement it runs is paid by every
student every few seconds. These counts are today's; a change that adds a query to every commit
fails here, and whoever makes it decides, in plain sight, whether the query is worth it."""
import json
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from lti_app.extensions import db
from lti_app.models import Discount, Resource
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


def test_a_batch_of_plain_values_runs_four_statements(client, commit_url):
    with statements() as sent:
        saved = send(client, commit_url, batch(2, cmi__location="q1", cmi__suspend_data='{"q0": "4"}'))
    assert saved.status_code == 200 and saved.json["duplicate"] is False
    # 1 SELECT attempt JOIN resource (FOR UPDATE OF attempt on PostgreSQL): the lock, and the deadline's
    # resource; 2 INSERT commit_batch ON CONFLICT DO NOTHING: the batch recorded once, RETURNING whether a
    # re-mark or a discount exists (EXISTS, in the same round trip); 3 INSERT cmi_element:
    # the batch's elements in one multi-row statement; 4 UPDATE attempt: what a commit may change of it.
    assert len(sent) == 4, "\n".join(sent)


SCORE_CHANGING = dict(cmi__objectives__0__id="q0", cmi__objectives__0__score__raw="1",
                      cmi__objectives__0__score__max="1", cmi__score__raw="1", cmi__score__max="2",
                      cmi__score__scaled="0.5")


def test_a_batch_that_changes_the_score_runs_five_statements(client, commit_url):
    with statements() as sent:
        saved = send(client, commit_url, batch(2, **SCORE_CHANGING))
    assert saved.status_code == 200 and saved.json["score"] == 0.5
    # The four of a plain batch, and the question scores' upsert (one multi-row statement). No re-mark or
    # discount exists (read with the batch's record), so the package's total is the score without reading
    # the marks. After the commit nothing: an open attempt sending on completion changes no outcome.
    assert len(sent) == 5, "\n".join(sent)
    assert sum(statement.startswith("SELECT") for statement in sent) == 1


def test_a_batch_that_only_moves_scores_updates_their_rows(client, commit_url):
    assert send(client, commit_url, batch(2, **SCORE_CHANGING)).status_code == 200
    with statements() as sent:
        saved = send(client, commit_url, batch(3, cmi__objectives__0__score__raw="0", cmi__score__raw="0"))
    assert saved.status_code == 200 and saved.json["score"] == 0
    # The four of a plain batch, and an UPDATE of the one question's score: no other row is compared.
    assert len(sent) == 5 and sent[3].startswith("UPDATE question_score SET raw"), "\n".join(sent)


def test_with_a_discount_the_marks_are_read_too(client, commit_url):
    db.session.add(Discount(resource_id=Resource.query.one().id, item_id="q9", mode="remove", created_by="t"))
    db.session.commit()
    with statements() as sent:
        saved = send(client, commit_url, batch(2, **SCORE_CHANGING))
    assert saved.status_code == 200 and saved.json["score"] == 0.5
    # The five above, and marking's SELECT discount, SELECT remark and SELECT question_score.
    assert len(sent) == 8, "\n".join(sent)
