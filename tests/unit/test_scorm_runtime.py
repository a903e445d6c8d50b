"""The API script put into a package's HTML, and the values a package reads before the player answers."""
import pytest

from lti_app.scorm.runtime import first_values, lms_values, with_api_script

TAG = b'<script src="/play/1/t/api.js"></script>'


@pytest.mark.parametrize("page, expected", [
    (b"<!doctype html><html lang=en><HEAD><meta charset=utf-8><script>x()</script></head>",
     b"<!doctype html><html lang=en><HEAD>" + TAG + b"<meta charset=utf-8><script>x()</script></head>"),
    (b"<html><header>no head</header><script>x()</script></html>",
     b"<html>" + TAG + b"<header>no head</header><script>x()</script></html>"),
    (b"<!DOCTYPE html><p>bare", b"<!DOCTYPE html>" + TAG + b"<p>bare"),
    (b"\xef\xbb\xbf<p>bare", b"\xef\xbb\xbf" + TAG + b"<p>bare"),
    (b"", TAG),
])
def test_the_api_script_comes_before_anything_the_page_runs(page, expected):
    assert with_api_script(page, "/play/1/t/api.js") == expected


def test_the_script_url_is_escaped():
    assert b'src="/a?b=1&amp;c=&quot;"' in with_api_script(b"<head>", '/a?b=1&c="')


def test_first_values_are_the_stored_state_what_the_lms_sets_and_the_counts():
    state = {"cmi.suspend_data": "{}", "cmi.exit": "suspend", "cmi.session_time": "PT1S", "cmi.objectives._count": "9",
             "cmi.objectives.2.id": "q2", "cmi.interactions.0.correct_responses.1.pattern": "4",
             "numbas.user_role": "student"}
    values = first_values(state, "2004", lms_values("2004", "review", "resume", "s-1", "Ada"))
    assert values == {
        "cmi.suspend_data": "{}", "cmi.objectives.2.id": "q2", "cmi.interactions.0.correct_responses.1.pattern": "4",
        "numbas.user_role": "student", "cmi.entry": "resume", "cmi.mode": "review", "cmi.learner_id": "s-1",
        "cmi.learner_name": "Ada", "cmi.credit": "credit", "cmi.objectives._count": "3", "cmi.interactions._count": "1",
        "cmi.interactions.0.correct_responses._count": "2", "cmi.comments_from_learner._count": "0",
        "cmi.comments_from_lms._count": "0"}


def test_scorm_12_first_values():
    lms = lms_values("1.2", "normal", "resume", "s-1", "Ada")
    values = first_values({"cmi.core.lesson_location": "p3"}, "1.2", lms)
    assert values["cmi.core.lesson_location"] == "p3" and values["cmi.core.student_name"] == "Ada"
    assert values["cmi.core.entry"] == "resume" and values["cmi.objectives._count"] == "0"
    assert "cmi.comments_from_lms._count" not in values
