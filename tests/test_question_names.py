"""Questions and parts are named as the package names them, else "Question 1, part a", wherever people read them."""
import csv
import io
import uuid

import pytest

from lti_app.extensions import db
from lti_app.models import QuestionScore, Report
from lti_app.scorm.cmi import attempt_result
from lti_app.scorm.names import item_labels, plain_label
from lti_app.services import attempts, reports
from tests import factories

# What a Numbas exam writes: an objective per question named after the question, an interaction per
# part described by its part type, gaps and steps inside their part.
NUMBAS = [
    ("cmi.objectives.0.id", "q0"), ("cmi.objectives.0.description", "Differentiation"),
    ("cmi.objectives.0.score.raw", "1"), ("cmi.objectives.0.score.max", "3"),
    ("cmi.objectives.1.id", "q1"), ("cmi.objectives.1.description", "Vectors"),
    ("cmi.objectives.1.score.raw", "2"), ("cmi.objectives.1.score.max", "2"),
    ("cmi.interactions.0.id", "q0p0"), ("cmi.interactions.0.description", "jme"),
    ("cmi.interactions.0.objectives.0.id", "q0"), ("cmi.interactions.0.weighting", "1"),
    ("cmi.interactions.0.result", "1"),
    ("cmi.interactions.1.id", "q0p1"), ("cmi.interactions.1.description", "gapfill"),
    ("cmi.interactions.1.objectives.0.id", "q0"), ("cmi.interactions.1.weighting", "2"),
    ("cmi.interactions.1.result", "0"),
    ("cmi.interactions.2.id", "q0p1g0"), ("cmi.interactions.2.description", "numberentry"),
    ("cmi.interactions.2.objectives.0.id", "q0"),
    ("cmi.interactions.3.id", "q0p1s1"), ("cmi.interactions.3.description", "information"),
    ("cmi.interactions.3.objectives.0.id", "q0"),
    ("cmi.interactions.4.id", "q1p0"), ("cmi.interactions.4.description", "m_n_2"),
    ("cmi.interactions.4.objectives.0.id", "q1"), ("cmi.interactions.4.weighting", "2"),
    ("cmi.interactions.4.result", "2"),
    ("cmi.score.raw", "3"), ("cmi.score.max", "5"), ("cmi.completion_status", "completed"),
]
NUMBAS_NAMES = {
    "q0": "Question 1: Differentiation", "q1": "Question 2: Vectors", "q0p0": "Question 1, part a",
    "q0p1": "Question 1, part b", "q0p1g0": "Question 1, part b, gap 1", "q0p1s1": "Question 1, part b, step 2",
    "q1p0": "Question 2, part a",
}
# A SCORM 1.2 package: no descriptions in its data model, ids of its own choosing.
SCORM_12 = [
    ("cmi.core.lesson_status", "passed"), ("cmi.core.score.raw", "80"),
    ("cmi.objectives.0.id", "obj_intro"), ("cmi.objectives.0.score.raw", "4"),
    ("cmi.objectives.0.score.max", "5"),
    ("cmi.objectives.1.id", "obj_final"), ("cmi.objectives.1.score.raw", "4"),
    ("cmi.objectives.1.score.max", "5"),
    ("cmi.interactions.0.id", "i-17"), ("cmi.interactions.0.objectives.0.id", "obj_final"),
    ("cmi.interactions.0.result", "correct"),
    ("cmi.interactions.1.id", "i-18"), ("cmi.interactions.1.objectives.0.id", "obj_final"),
    ("cmi.interactions.1.result", "wrong"),
]
SCORM_12_NAMES = {"obj_intro": "Question 1", "obj_final": "Question 2", "i-17": "Question 2, part a",
                  "i-18": "Question 2, part b"}


def test_numbas_questions_take_their_names_and_parts_their_letters():
    assert item_labels(attempt_result(dict(NUMBAS))) == NUMBAS_NAMES


def test_a_scorm_12_package_is_numbered_from_1_in_its_own_order():
    assert item_labels(attempt_result(dict(SCORM_12))) == SCORM_12_NAMES


def test_a_package_that_reports_parts_only_numbers_them_as_questions():
    state = {"cmi.interactions.0.id": "first", "cmi.interactions.1.id": "second",
             "cmi.interactions.1.description": "Which city is the capital of France?"}
    assert item_labels(attempt_result(state)) == {
        "first": "Question 1", "second": "Question 2: Which city is the capital of France?"}


def test_the_package_s_own_part_descriptions_are_kept():
    state = {"cmi.objectives.0.id": "q0", "cmi.objectives.0.description": "Addition",
             "cmi.interactions.0.id": "q0p0", "cmi.interactions.0.description": "2 + 3 ="}
    assert item_labels(attempt_result(state)) == {"q0": "Question 1: Addition", "q0p0": "Question 1, part a: 2 + 3 ="}


def test_items_stored_before_names_read_their_ids():
    assert plain_label("q4", "question") == "Question 5"
    assert plain_label("q4p2g1", "part") == "Question 5, part c, gap 2"
    assert plain_label("intro", "question") == "Question intro"


@pytest.fixture
def sat(app, client):
    """A Numbas-shaped attempt and a SCORM 1.2-shaped one, committed and finished, and the instructor signed in."""
    consumer = factories.consumer()
    resource = factories.exam_resource(consumer, factories.uploaded_exam())
    for lti_user_id, elements in (("student-1", NUMBAS), ("student-2", SCORM_12)):
        attempt = attempts.start(resource, factories.learner(consumer, lti_user_id, lti_user_id))
        attempts.open_session(attempt)
        batch = attempts.parse_batch({"batch_id": uuid.uuid4().hex, "sequence": 1, "end": "terminate",
                                      "elements": [{"key": k, "value": v} for k, v in elements]})
        attempts.commit(attempt.id, attempt.session_key, batch)
    instructor = factories.member(consumer, resource.context, "teacher-1", "Tom Teacher", role="instructor")
    factories.sign_in(client, instructor)
    return resource


def test_commits_store_each_item_s_name(sat):
    db.session.expire_all()
    stored = {row.item_id: row.label for row in QuestionScore.query}
    assert stored == {**NUMBAS_NAMES, **SCORM_12_NAMES}


def test_marks_and_re_marking_forms_show_names(client, sat):
    attempt_id = QuestionScore.query.filter_by(item_id="q0").one().attempt_id
    page = client.get(f"/dashboard/attempts/{attempt_id}").get_data(as_text=True)
    assert "<td>Question 1: Differentiation</td>" in page and "<td>Question 1, part b, gap 1</td>" in page
    assert '<option value="q0p1">Question 1, part b</option>' in page
    assert "Question q0" not in page and "Part q0p0" not in page
    page = client.post(f"/dashboard/attempts/{attempt_id}/remarks", follow_redirects=True,
                       data={"item": "q0p1", "score": "2", "reason": "equivalent form"}).get_data(as_text=True)
    assert "Question 1, part b re-marked to 2" in page


def test_statistics_and_the_questions_report_show_names(client, sat, run_jobs):
    page = client.get(f"/dashboard/resources/{sat.id}/statistics").get_data(as_text=True)
    for name in ("Question 2: Vectors", "Question 1, part b", "Question 1"):
        assert f"<td class=\"row-title\">{name}</td>" in page
    report = reports.request_report(sat, "questions", "Tom Teacher")
    run_jobs()
    report = db.session.get(Report, report.id)
    rows = list(csv.reader(io.StringIO(b"".join(reports.report_chunks(report)).decode())))
    # Items the packages never gave a number (gaps and steps without a result, "correct") have no figures.
    scored = ("q0", "q0p0", "q0p1", "q1", "q1p0", "obj_intro", "obj_final")
    named = {**NUMBAS_NAMES, **SCORM_12_NAMES}
    assert {row[0]: row[1] for row in rows[1:]} == {item_id: named[item_id] for item_id in scored}
