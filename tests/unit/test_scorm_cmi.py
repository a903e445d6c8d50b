import pytest
from hypothesis import given
from hypothesis import strategies as st

from lti_app.scorm.cmi import (
    PartResult,
    QuestionScore,
    accumulate_total_time,
    attempt_result,
    format_duration_12,
    format_duration_2004,
    parse_duration_12,
    parse_duration_2004,
    question_of,
)

NUMBAS_STATE = {
    "cmi.completion_status": "completed",
    "cmi.success_status": "passed",
    "cmi.score.raw": "3",
    "cmi.score.max": "4",
    "cmi.score.scaled": "0.75",
    "cmi.total_time": "PT1H2M3.5S",
    "cmi.objectives._count": "2",
    "cmi.objectives.0.id": "q0",
    "cmi.objectives.0.score.raw": "1",
    "cmi.objectives.0.score.max": "2",
    "cmi.objectives.1.id": "q1",
    "cmi.objectives.1.score.scaled": "1",
    "cmi.objectives.1.score.raw": "2",
    "cmi.objectives.1.score.max": "2",
    "cmi.interactions.0.id": "q0p0",
    "cmi.interactions.0.result": "1",
    "cmi.interactions.0.weighting": "1",
    "cmi.interactions.1.id": "q0p1",
    "cmi.interactions.1.result": "incorrect",
    "cmi.interactions.1.weighting": "1",
    "cmi.interactions.2.id": "q1p0",
    "cmi.interactions.2.result": "2",
    "cmi.interactions.2.weighting": "2",
}


def test_a_numbas_attempt():
    result = attempt_result(NUMBAS_STATE)
    assert (result.score, result.raw, result.max) == (0.75, 3.0, 4.0)
    assert (result.completion_status, result.success_status) == ("completed", "passed")
    assert result.time_seconds == 3723.5
    assert result.questions == (
        QuestionScore(id="q0", raw=1.0, max=2.0, scaled=0.5),
        QuestionScore(id="q1", raw=2.0, max=2.0, scaled=1.0),
    )
    assert result.parts == (
        PartResult(id="q0p0", score=1.0, result="1", weighting=1.0),
        PartResult(id="q0p1", score=None, result="incorrect", weighting=1.0),
        PartResult(id="q1p0", score=2.0, result="2", weighting=2.0),
    )


@pytest.mark.parametrize(
    "state, score",
    [
        ({"cmi.score.scaled": "0.4", "cmi.score.raw": "9", "cmi.score.max": "10"}, 0.4),
        ({"cmi.score.raw": "9", "cmi.score.max": "10"}, 0.9),
        ({"cmi.score.raw": "12", "cmi.score.max": "10"}, 1.0),
        ({"cmi.score.scaled": "-0.5"}, 0.0),
        ({"cmi.score.raw": "5"}, None),
        ({"cmi.score.raw": "5", "cmi.score.max": "0"}, None),
        ({"cmi.score.scaled": "nan", "cmi.score.raw": "1", "cmi.score.max": "4"}, 0.25),
        ({}, None),
    ],
)
def test_score(state, score):
    assert attempt_result(state).score == score


@pytest.mark.parametrize(
    "lesson_status, completion, success",
    [
        ("passed", "completed", "passed"),
        ("failed", "completed", "failed"),
        ("completed", "completed", "unknown"),
        ("incomplete", "incomplete", "unknown"),
        ("browsed", "incomplete", "unknown"),
        ("not attempted", "not attempted", "unknown"),
        ("nonsense", "unknown", "unknown"),
    ],
)
def test_scorm_12_lesson_status(lesson_status, completion, success):
    result = attempt_result({"cmi.core.lesson_status": lesson_status})
    assert (result.completion_status, result.success_status) == (completion, success)


def test_a_scorm_12_attempt():
    result = attempt_result({
        "cmi.core.lesson_status": "failed",
        "cmi.core.score.raw": "2",
        "cmi.core.score.max": "7",
        "cmi.core.session_time": "0000:05:30.25",
        "cmi.objectives.0.id": "q0",
        "cmi.objectives.0.score.raw": "1",
        "cmi.objectives.0.score.max": "1",
        "cmi.interactions.0.id": "q0p0",
        "cmi.interactions.0.result": "wrong",
    })
    assert (result.raw, result.max, result.score) == (2.0, 7.0, 2 / 7)
    assert result.time_seconds == 330.25
    assert result.questions == (QuestionScore(id="q0", raw=1.0, max=1.0, scaled=1.0),)
    assert result.parts == (PartResult(id="q0p0", score=None, result="wrong", weighting=None),)


def test_scorm_12_raw_score_without_max_is_a_percentage():
    assert attempt_result({"cmi.core.score.raw": "80"}).score == 0.8


def test_session_time_when_there_is_no_total():
    assert attempt_result({"cmi.session_time": "PT90S"}).time_seconds == 90


def test_garbage_never_raises():
    state = {
        "cmi.score.scaled": "lots",
        "cmi.score.raw": "inf",
        "cmi.score.max": None,
        "cmi.completion_status": "done!",
        "cmi.total_time": "yesterday",
        "cmi.objectives.x.id": "q9",
        "cmi.objectives.0.score.raw": "1",
        "cmi.objectives.1.id": "q1",
        "cmi.objectives.1.score.raw": "1e999",
        "cmi.interactions.0.id": "",
        "cmi.interactions": {},
        3: "not a key",
    }
    result = attempt_result(state)
    assert (result.score, result.raw, result.max, result.time_seconds) == (None, None, None, None)
    assert result.completion_status == "unknown"
    assert result.questions == (QuestionScore(id="q1", raw=None, max=None, scaled=None),)
    assert result.parts == ()


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("PT1H2M3.5S", 3723.5),
        ("P1DT2H", 93600),
        ("PT0S", 0),
        ("PT90M", 5400),
        ("P1Y2M", 365 * 86400 + 60 * 86400),
        (" PT5S ", 5),
        ("P", None),
        ("PT", None),
        ("P1DT", None),
        ("1H", None),
        ("PT-5S", None),
        ("", None),
        (None, None),
        (12, None),
    ],
)
def test_parse_duration_2004(text, seconds):
    assert parse_duration_2004(text) == seconds


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("0000:00:00", 0),
        ("0001:02:03.5", 3723.5),
        ("12:30:00.25", 45000.25),
        ("00:60:00", None),
        ("00:00:61", None),
        ("1:2:3", None),
        ("PT1S", None),
        (None, None),
    ],
)
def test_parse_duration_12(text, seconds):
    assert parse_duration_12(text) == seconds


@pytest.mark.parametrize(
    "seconds, text_2004, text_12",
    [
        (0, "PT0S", "0000:00:00.00"),
        (3723.5, "PT1H2M3.5S", "0001:02:03.50"),
        (90061, "PT25H1M1S", "0025:01:01.00"),
        (59.999, "PT1M", "0000:01:00.00"),
        (-4, "PT0S", "0000:00:00.00"),
        (float("nan"), "PT0S", "0000:00:00.00"),
    ],
)
def test_format_durations(seconds, text_2004, text_12):
    assert (format_duration_2004(seconds), format_duration_12(seconds)) == (text_2004, text_12)


centiseconds = st.integers(min_value=0, max_value=9999 * 360000 - 1).map(lambda n: n / 100)


@given(centiseconds)
def test_2004_durations_round_trip(seconds):
    assert parse_duration_2004(format_duration_2004(seconds)) == pytest.approx(seconds, abs=0.005)


@given(centiseconds)
def test_12_durations_round_trip(seconds):
    assert parse_duration_12(format_duration_12(seconds)) == pytest.approx(seconds, abs=0.005)


@given(st.text(max_size=30))
def test_parsers_never_raise(text):
    parse_duration_2004(text)
    parse_duration_12(text)


@pytest.mark.parametrize(
    "previous, session, version, total",
    [
        (None, "PT30S", "2004", "PT30S"),
        ("PT1H", "PT30M15S", "2004", "PT1H30M15S"),
        ("PT1H", "garbage", "2004", "PT1H"),
        ("0001:00:00.00", "0000:30:05.5", "1.2", "0001:30:05.50"),
        ("", None, "1.2", "0000:00:00.00"),
    ],
)
def test_accumulate_total_time(previous, session, version, total):
    assert accumulate_total_time(previous, session, scorm_version=version) == total


@pytest.mark.parametrize("part_id, question_ids, owner", [
    ("q0p1", ["q0", "q1"], "q0"),
    ("q10p0", ["q1", "q10"], "q10"),  # q1 is a prefix too, but not followed by "p"
    ("q0p1p2", ["q0", "q0p1"], "q0p1"),  # the longest owner
    ("q0p1g0", ["q0"], "q0"),
    ("q2p0", ["q0", "q1"], None),
    ("x", [], None),
])
def test_a_part_belongs_to_the_longest_question_id_followed_by_p(part_id, question_ids, owner):
    assert question_of(part_id, question_ids) == owner
    assert question_of(part_id, set(question_ids)) == owner


@given(st.text("qp01", max_size=8), st.lists(st.text("qp01", max_size=5), max_size=6))
def test_question_of_is_the_longest_owner(part_id, question_ids):
    owners = [q for q in question_ids if part_id.startswith(q) and part_id[len(q):len(q) + 1] == "p"]
    assert question_of(part_id, question_ids) == max(owners, key=len, default=None)
