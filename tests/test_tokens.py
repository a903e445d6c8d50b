"""Signed tokens: a token's signature is checked once per process, its age on every read."""
import time

import pytest

from lti_app import tokens


def test_a_token_reads_back_until_it_is_too_old_and_a_forged_one_never(app, monkeypatch):
    token = tokens.sign("player", {"a": 1, "s": "key"})
    assert tokens.read("player", token) == {"a": 1, "s": "key"}
    assert tokens.read("content", token) is None and tokens.read("player", token[:-2] + "xx") is None
    later = time.time() + tokens.LAUNCH_TOKEN_AGE + 5
    monkeypatch.setattr(tokens.time, "time", lambda: later)
    assert tokens.read("player", token) is None  # read before, so verified from memory: its age still counts
    assert tokens.read("player", token, max_age=tokens.LAUNCH_TOKEN_AGE + 60) == {"a": 1, "s": "key"}


def test_a_value_read_from_memory_cannot_be_changed_for_the_next_request(app):
    token = tokens.sign("player", {"m": "review"})
    with pytest.raises(TypeError):
        tokens.read("player", token)["m"] = "normal"
    assert tokens.read("player", token)["m"] == "review"


def test_another_secret_does_not_read_a_remembered_token(app):
    token = tokens.sign("player", {"a": 1})
    assert tokens.read("player", token) == {"a": 1}
    app.config["SECRET_KEY"] = "another secret"
    assert tokens.read("player", token) is None
