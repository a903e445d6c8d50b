"""The score is the package's own: answering 1 of the demo exam's 7 marks and finishing is 1/7 everywhere.

The batches below are what the demo quiz (lti_app/demo/quiz2004, and its SCORM 1.2 twin) sends through
its adapter: SCORM's values, not numbers this code computed."""
import csv
import io
import json
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from lti_app.extensions import db
from lti_app.models import Attempt, Consumer, QuestionScore
from lti_app.services import marking, remarking, reports
from tests import factories
from tests.lms.outcome_service import LocalLms
from tests.packages.build import quiz12_zip, quiz2004_zip
from tests.test_player import open_player

# (question id, [(part id, marks)]) as in the demo quiz: 1 + 2 + 1 + 3 = 7 marks
QUIZ = [("q0", [("q0p0", 1)]), ("q1", [("q1p0", 1), ("q1p1", 1)]), ("q2", [("q2p0", 1)]),
        ("q3", [("q3p0", 2), ("q3p1", 1)])]
NAMES = {"2004": {"score": "cmi.score.", "status": None, "exit": "cmi.exit", "time": "cmi.session_time"},
         "1.2": {"score": "cmi.core.score.", "status": "cmi.core.lesson_status", "exit": "cmi.core.exit",
                 "time": "cmi.core.session_time"}}


def describe(version):
    """The adapter's `describe`: every question and part with its weighting, before any answer."""
    elements, k = [], 0
    for i, (question, parts) in enumerate(QUIZ):
        elements.append((f"cmi.objectives.{i}.id", question))
        for part, marks in parts:
            elements += [(f"cmi.interactions.{k}.id", part), (f"cmi.interactions.{k}.weighting", str(marks)),
                         (f"cmi.interactions.{k}.objectives.0.id", question)]
            k += 1
    elements.append(("cmi.core.lesson_status", "incomplete") if version == "1.2"
                    else ("cmi.completion_status", "incomplete"))
    return elements


def overall(version, raw, status):
    """The adapter's `recordScore` with the quiz's total of 7."""
    prefix = NAMES[version]["score"]
    elements = [(prefix + "raw", str(raw)), (prefix + "min", "0"), (prefix + "max", "7")]
    if version == "1.2":
        return elements + [("cmi.core.lesson_status", status)]
    return elements + [("cmi.score.scaled", str(raw / 7)),
                       ("cmi.completion_status", "incomplete" if status == "incomplete" else "completed"),
                       ("cmi.success_status", "unknown" if status == "incomplete" else status)]


def answer_question_1(version):
    """Question 1 (q0, 1 mark) answered right: its part, its objective, the exam's score so far."""
    return [("cmi.interactions.0.result", "1"), ("cmi.objectives.0.score.raw", "1"),
            ("cmi.objectives.0.score.min", "0"), ("cmi.objectives.0.score.max", "1"),
            *overall(version, 1, "incomplete")]


def finish(version):
    exit_value = "" if version == "1.2" else "normal"
    return [*overall(version, 1, "failed"), (NAMES[version]["exit"], exit_value),
            (NAMES[version]["time"], "0000:01:00.00" if version == "1.2" else "PT1M")]


@pytest.fixture
def moodle(app):
    with LocalLms("moodle") as lms:
        factories.consumer(key=lms.key, secret=lms.secret)
        yield lms


def sit(client, lms, package=None, **settings):
    """A learner launched from the local LMS, with an attempt open in the player on a resource running
    `package` (the demo quiz unless given) with `settings`, reported on completion; (lt, player settings)."""
    factories.exam_resource(Consumer.query.one(), factories.uploaded_exam(data=package),
                            **{"report_mode": "on_completion", **settings})
    landing = factories.launch(client, key=lms.key, secret=lms.secret, lis_result_sourcedid="sid-ada",
                               lis_outcome_service_url=lms.url)
    lt = parse_qs(urlsplit(landing.location).query)["lt"][0]
    return lt, open_player(client, lt)


def commit(client, settings, sequence, elements, end=None):
    """One batch to the commit endpoint; the response."""
    body = {"batch_id": uuid.uuid4().hex, "sequence": sequence, "end": end,
            "elements": [{"key": key, "value": value} for key, value in elements]}
    return client.post(settings["commitUrl"], data=json.dumps(body), content_type="text/plain")


@pytest.mark.parametrize("version, package", [("2004", quiz2004_zip), ("1.2", quiz12_zip)])
def test_one_of_seven_marks_is_one_seventh_everywhere(client, moodle, run_jobs, version, package):
    lt, settings = sit(client, moodle, package())
    commit(client, settings, 1, describe(version))
    mid_exam = commit(client, settings, 2, answer_question_1(version)).json
    assert mid_exam["score"] == pytest.approx(1 / 7)  # the earned fraction of the whole exam
    student_page = client.get("/resources/1", query_string={"lt": lt}).data.decode()
    assert re.search(r"in progress.*?when you finish", student_page, re.S)  # the student sees it once finished

    done = commit(client, settings, 3, finish(version), end="terminate").json
    assert done["status"] == "finished" and done["score"] == pytest.approx(1 / 7)
    run_jobs()
    assert [received.score for received in moodle.scores["sid-ada"]] == [pytest.approx(1 / 7)]

    db.session.expire_all()
    attempt = Attempt.query.one()
    assert attempt.score == pytest.approx(1 / 7) and (attempt.raw_score, attempt.max_score) == (1, 7)
    unanswered = QuestionScore.query.filter_by(attempt_id=attempt.id, item_id="q3").one()
    assert (unanswered.raw, unanswered.max) == (None, 3)  # not answered: 0 of its maximum, from its parts
    student_page = client.get("/resources/1", query_string={"lt": lt}).data.decode()
    assert re.search(r"finished.*?14%\s*<span class=\"muted\">\(1 / 7\)", student_page, re.S)

    factories.sign_in(client, factories.member(attempt.resource.consumer, attempt.resource.context, "teacher-1",
                                               "Tom Teacher", role="instructor"))
    dashboard = client.get(f"/dashboard/attempts/{attempt.id}").data.decode()
    assert re.search(r'id="attempt-score">14%\s*<span class="muted">· 1 / 7</span>', dashboard)
    assert "total-from-questions" not in dashboard

    report = reports.request_report(attempt.resource, "attempts", "Tom Teacher")
    run_jobs()
    db.session.refresh(report)
    [row] = csv.DictReader(io.StringIO(b"".join(reports.report_chunks(report)).decode()))
    assert (row["score"], row["raw_score"], row["max_score"]) == ("0.1429", "1", "7")


@pytest.fixture
def classroom(app):
    return factories.classroom()


def test_without_a_package_total_the_questions_maxima_are_the_total_and_the_dashboard_says_so(client, classroom):
    # q0 1/2 (parts 1/1, 0/1) and q3 not answered, worth 3 from its parts' weightings: 1 of 5
    attempt = factories.attempt(classroom.resource, classroom.classmate,
                                questions={"q0": (1, 2), "q0p0": (1, 1), "q0p1": (0, 1), "q3": (None, 3)},
                                raw_score=None, max_score=None)
    total = marking.attempt_total(attempt)
    assert (total.earned, total.maximum, total.from_package) == (1, 5, False)
    factories.sign_in(client, classroom.instructor)
    page = client.get(f"/dashboard/attempts/{attempt.id}").data.decode()
    assert "20%" in page and "total-from-questions" in page and "the package reported no total" in page


def test_the_package_total_counts_questions_it_has_not_reported_yet(classroom):
    # the package says 1 of 7 while it has reported only question q0 (1 of 1)
    attempt = factories.attempt(classroom.resource, classroom.classmate, questions={"q0": (1, 1)},
                                raw_score=1, max_score=7)
    assert marking.attempt_score(attempt) == pytest.approx(1 / 7)
    remarking.override(attempt, "q0", 0, "wrong", "Tom")
    assert marking.attempt_score(attempt) == 0


def test_a_scaled_score_alone_is_the_package_total(classroom):
    attempt = factories.attempt(classroom.resource, classroom.classmate, questions={"q0": (1, 1), "q1": (0, 1)},
                                raw_score=None, max_score=None, state={"cmi.score.scaled": "0.25"})
    assert marking.attempt_score(attempt) == pytest.approx(0.25)
    remarking.override(attempt, "q1", 1, "fair", "Tom")  # q0 and q1 explain 2 marks: a re-mark adds 1 of 2
    assert marking.attempt_score(attempt) == pytest.approx(0.75)


def test_re_marking_a_question_updates_its_parts(client, classroom):
    # Ada: q0 1/2 with parts q0p0 1/1 and q0p1 0/1; q1 3/3
    remarking.override(classroom.attempt, "q0", 2, "both parts accepted", "Tom")
    marks = {mark.item_id: mark for mark in marking.item_marks(classroom.attempt)}
    assert (marks["q0p0"].raw, marks["q0p1"].raw) == (1, 1) and marks["q0p1"].from_question
    factories.sign_in(client, classroom.instructor)
    page = client.get(f"/dashboard/attempts/{classroom.attempt.id}").data.decode()
    row = re.search(r'<tr id="mark-q0p1".*?</tr>', page, re.S).group(0)
    assert re.search(r'class="counted">1</td>', row) and "follows its question" in row


def test_re_marking_a_part_moves_its_questions_row(classroom):
    remarking.override(classroom.attempt, "q0p1", 1, "equivalent answer", "Tom")
    marks = {mark.item_id: mark for mark in marking.item_marks(classroom.attempt)}
    assert marks["q0"].raw == 2 and marks["q0"].package_raw == 1
    assert classroom.attempt.score == pytest.approx(1.0)


def test_a_scaled_score_with_a_raw_score_but_no_maximum_is_the_package_total(classroom):
    attempt = factories.attempt(classroom.resource, classroom.classmate, questions={"q0": (1, 1), "q1": (0, 1)},
                                raw_score=1, max_score=None, state={"cmi.score.raw": "1", "cmi.score.scaled": "0.2"})
    assert marking.attempt_score(attempt) == pytest.approx(0.2)
