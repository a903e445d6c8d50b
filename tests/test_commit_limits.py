"""What a student's browser may store: a value's size, an attempt's size, elements per batch, text a
database can hold, JSON a parser can read. Each refusal is JSON the player shows, and stores nothing."""
import json
import uuid

import pytest

from lti_app.extensions import db
from lti_app.models import Attempt, CmiElement, CommitBatch
from lti_app.services import attempts
from tests.test_player import batch, launched, open_player  # noqa: F401  (launched is a fixture)


@pytest.fixture
def commit_url(client, launched):  # noqa: F811
    return open_player(client, launched)["commitUrl"]


def send(client, url, body):
    return client.post(url, data=body if isinstance(body, (bytes, str)) else json.dumps(body),
                       content_type="text/plain", headers={"Accept": "text/html"})


def nothing_stored():
    db.session.expire_all()
    return CommitBatch.query.count() == 0 and CmiElement.query.count() == 0 and Attempt.query.one().state == {}


def element(key, value):
    return {"key": key, "value": value, "client_time": 1}


def test_a_value_over_the_limit_is_refused_naming_it(client, commit_url):
    too_long = {**batch(), "elements": [element("cmi.location", "q1"),
                                        element("cmi.suspend_data", "x" * (attempts.MAX_VALUE_CHARS + 1))]}
    refused = send(client, commit_url, too_long)
    assert refused.status_code == 422 and refused.json["error"]["param"] == "elements.1.value"
    assert "cmi.suspend_data" in refused.json["error"]["message"] and nothing_stored()
    at_limit = {**batch(), "elements": [element("cmi.suspend_data", "x" * attempts.MAX_VALUE_CHARS)]}
    assert send(client, commit_url, at_limit).status_code == 200


@pytest.mark.parametrize("elements, param", [
    ([element("cmi.location", "q\u00001")], "elements.0.value"),
    ([element("cmi.location", "ok"), element("cmi.suspend\u0000data", "x")], "elements.1.key"),
    ([element("cmi.location", "\ud800")], "elements.0.value"),
])
def test_text_no_database_can_store_is_refused_naming_the_element(client, commit_url, elements, param):
    refused = send(client, commit_url, {**batch(), "elements": elements})
    assert refused.status_code == 422 and refused.json["error"]["param"] == param and nothing_stored()


def test_a_batch_id_with_nul_is_refused(client, commit_url):
    refused = send(client, commit_url, {**batch(cmi__location="q1"), "batch_id": "abc\u0000"})
    assert refused.status_code == 422 and refused.json["error"]["param"] == "batch_id" and nothing_stored()


def test_too_many_elements_in_one_batch(client, commit_url):
    many = {**batch(), "elements": [element(f"numbas.k{n}", "1") for n in range(attempts.MAX_ELEMENTS + 1)]}
    refused = send(client, commit_url, many)
    assert refused.status_code == 413 and refused.json["error"]["code"] == "too_many_elements" and nothing_stored()


def test_deeply_nested_json_is_a_clear_refusal(client, commit_url):
    refused = send(client, commit_url, "[" * 100000)
    assert refused.status_code == 400 and refused.json["error"]["code"] == "bad_commit"
    assert "nested" in refused.json["error"]["message"] and nothing_stored()


def test_a_commit_over_the_size_limit_is_refused_as_json(client, commit_url):
    huge = {**batch(), "elements": [element(f"numbas.k{n}", "x" * 60000) for n in range(80)]}
    refused = send(client, commit_url, huge)
    assert refused.status_code == 413 and refused.json["error"]["code"] == "commit_too_large" and nothing_stored()


def test_an_attempt_stores_no_more_than_its_limit_and_later_saves_still_go(client, commit_url, monkeypatch):
    monkeypatch.setattr(attempts, "MAX_STATE_CHARS", 1000)
    assert send(client, commit_url, batch(1, cmi__suspend_data="x" * 600)).status_code == 200
    refused = send(client, commit_url, batch(2, numbas__invented="y" * 600))
    assert refused.status_code == 413 and refused.json["error"]["code"] == "attempt_too_large"
    assert send(client, commit_url, batch(3, cmi__suspend_data="z" * 700)).status_code == 200  # replaces, fits
    db.session.expire_all()
    assert Attempt.query.one().state == {"cmi.suspend_data": "z" * 700}
    assert {b.sequence for b in CommitBatch.query} == {1, 3}


def test_every_refusal_is_json_for_the_player(client, commit_url):
    for body in (b"{oops", b"[]", json.dumps({"batch_id": str(uuid.uuid4()), "sequence": -1, "elements": []})):
        refused = send(client, commit_url, body)
        assert 400 <= refused.status_code < 500 and refused.is_json and refused.json["result"] is False
