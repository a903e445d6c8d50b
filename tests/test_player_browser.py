"""End to end in headless Chromium: launch, answer, suspend, resume elsewhere, finish; and a network cut."""
import html

import pytest

from lti_app.extensions import db
from lti_app.models import Attempt, QuestionScore, Resource
from lti_app.services import exams
from tests import factories
from tests.conftest import ARTIFACTS, serve
from tests.packages.build import quiz12_zip, quiz2004_zip

pytestmark = pytest.mark.browser
RIGHT = {"q0p0": "5", "q1p0": "16", "q1p1": "2", "q2p0": "b", "q3p0": "15", "q3p1": "16"}


@pytest.fixture
def server(make_app):
    """The app on a real HTTP server on 127.0.0.1, against this test's database."""
    app = make_app(SERVER_NAME=None)
    with serve(app) as url:
        consumer = factories.consumer()
        factories.exam_resource(consumer, exams.upload(quiz2004_zip(), title="Quiz 2004"), link_id="quiz-2004")
        factories.exam_resource(consumer, exams.upload(quiz12_zip(), title="Quiz 1.2"), link_id="quiz-12")
        yield url, app


def launch(browser, base_url, link_id):
    """A new browser context, launched from an auto-submitting LTI form as an LMS page would post it."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"JavaScript error on {page.url}: {error}"))
    form = factories.signed_launch(url=f"{base_url}/lti/launch", resource_link_id=link_id)
    fields = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in form.items())
    page.set_content(f'<form method="post" action="{base_url}/lti/launch">{fields}</form>'
                     "<script>document.forms[0].submit()</script>")
    page.wait_for_url(f"{base_url}/resources/*")
    return context, page


def quiz(page):
    frame = page.frame_locator("#player-frame")
    frame.locator('#status[data-state="ready"]').wait_for()
    return frame


def answer(frame, question, answers):
    for part, value in answers.items():
        if part == "q2p0":
            frame.locator(f"#{part}").select_option(value)
        else:
            frame.locator(f"#{part}").fill(value)
    frame.locator(f"#submit-{question}").click()


def all_saved(page):
    page.locator("#player-status", has_text="All answers saved").wait_for()
    assert page.locator("#player-wait").is_hidden()


def server_attempt(app, link_id):
    db.session.remove()
    return Attempt.query.join(Attempt.resource).filter_by(lti_resource_link_id=link_id).one()


@pytest.mark.parametrize("link_id", ["quiz-2004", "quiz-12"])
def test_sit_suspend_resume_elsewhere_and_finish(server, browser, link_id):
    base_url, app = server
    context, page = launch(browser, base_url, link_id)
    page.click("#start-attempt")
    frame = quiz(page)
    answer(frame, "q0", {"q0p0": "5"})
    answer(frame, "q1", {"q1p0": "16", "q1p1": "3"})
    all_saved(page)
    page.screenshot(path=ARTIFACTS / f"player-{link_id}-answered.png")
    frame.locator("#save").click()
    frame.locator('#status[data-state="saved"]').wait_for()
    all_saved(page)
    context.close()
    suspended = server_attempt(app, link_id)
    assert suspended.status == "open" and suspended.time_spent_seconds > 0

    context, page = launch(browser, base_url, link_id)
    page.screenshot(path=ARTIFACTS / f"student-{link_id}-resume.png")
    page.click("text=Resume")
    frame = quiz(page)
    assert frame.locator("#q0p0").input_value() == "5" and frame.locator("#q1p1").input_value() == "3"
    assert "Marked: 1 / 2" in frame.locator("#feedback-q1").inner_text()
    answer(frame, "q2", {"q2p0": "b"})
    answer(frame, "q3", {"q3p0": "15", "q3p1": "16"})
    frame.locator("#finish").click()
    frame.locator('#status[data-state="finished"]').wait_for()
    all_saved(page)
    page.screenshot(path=ARTIFACTS / f"player-{link_id}-finished.png")

    attempt = server_attempt(app, link_id)
    assert attempt.status == "finished" and attempt.completion_status == "completed"
    assert attempt.success_status == "passed"
    assert attempt.score == pytest.approx(6 / 7)
    assert attempt.time_spent_seconds > suspended.time_spent_seconds
    questions = {q.item_id: (q.raw, q.max) for q in QuestionScore.query.filter_by(attempt_id=attempt.id, kind="question")}
    assert questions == {"q0": (1, 1), "q1": (1, 2), "q2": (1, 1), "q3": (3, 3)}
    parts = {q.item_id: q.raw for q in QuestionScore.query.filter_by(attempt_id=attempt.id, kind="part")}
    assert parts == {"q0p0": 1, "q1p0": 1, "q1p1": 0, "q2p0": 1, "q3p0": 2, "q3p1": 1}
    # SCORM 2004 lets the package name its questions and parts; SCORM 1.2 has no field for it.
    names = {q.item_id: q.label for q in QuestionScore.query.filter_by(attempt_id=attempt.id)}
    if link_id == "quiz-2004":
        assert names["q1"] == "Question 2: Powers and roots" and names["q1p1"] == "Question 2, part b: √x ="
    else:
        assert names["q1"] == "Question 2" and names["q1p1"] == "Question 2, part b"
    page.goto(page.url.split("/attempts/")[0] + f"/resources/{attempt.resource_id}?lt=" + page.url.split("lt=")[1])
    assert "86%" in page.locator("#attempt-1").inner_text()
    page.screenshot(path=ARTIFACTS / f"student-{link_id}-finished.png")

    page.click("text=Review")
    frame = quiz(page)
    assert frame.locator("#q3p0").input_value() == "15"
    assert "Review" in page.locator("#player-status").inner_text()
    frame.locator("#q3p0").fill("0")
    frame.locator("#submit-q3").click()
    page.screenshot(path=ARTIFACTS / f"player-{link_id}-review.png")
    context.close()
    assert server_attempt(app, link_id).score == pytest.approx(6 / 7)


def test_a_network_cut_mid_exam_loses_no_answer(server, browser):
    base_url, app = server
    context, page = launch(browser, base_url, "quiz-2004")
    page.click("#start-attempt")
    frame = quiz(page)
    answer(frame, "q0", {"q0p0": "5"})
    all_saved(page)
    context.set_offline(True)
    answer(frame, "q1", {"q1p0": "16", "q1p1": "2"})
    page.locator("#player-status", has_text="Not saved yet").wait_for()
    answer(frame, "q2", {"q2p0": "b"})
    page.screenshot(path=ARTIFACTS / "player-offline.png")
    assert server_attempt(app, "quiz-2004").state.get("cmi.objectives.2.score.raw") is None
    context.set_offline(False)
    all_saved(page)
    state = server_attempt(app, "quiz-2004").state
    assert [state[f"cmi.objectives.{n}.score.raw"] for n in range(3)] == ["1", "2", "1"]
    assert '"q1p1":"2"' in state["cmi.suspend_data"]
    context.close()


def test_a_second_window_takes_over_and_the_first_says_so(server, browser):
    base_url, app = server
    context, first = launch(browser, base_url, "quiz-2004")
    first.click("#start-attempt")
    answer(quiz(first), "q0", {"q0p0": "5"})
    all_saved(first)
    second = context.new_page()
    second.goto(first.url)
    answer(quiz(second), "q1", {"q1p0": "16", "q1p1": "2"})
    all_saved(second)
    answer(quiz(first), "q2", {"q2p0": "a"})
    first.locator("#player-message", has_text="another window").wait_for()
    first.screenshot(path=ARTIFACTS / "player-superseded.png")
    answer(quiz(second), "q3", {"q3p0": "15"})
    all_saved(second)
    state = server_attempt(app, "quiz-2004").state
    assert state["cmi.objectives.1.score.raw"] == "2" and state["cmi.objectives.3.score.raw"] == "2"
    assert "cmi.objectives.2.score.raw" not in state  # answered in the window that no longer saves
    context.close()


def test_numbas_keys_outside_the_data_model_are_kept_and_answered(server, browser):
    base_url, app = server
    context, page = launch(browser, base_url, "quiz-2004")
    page.click("#start-attempt")
    quiz(page)
    page.evaluate("""() => {
        const api = window.API_1484_11;
        for (const [key, value] of [["numbas.duration_extension.amount", "10"],
                                    ["cmi.interactions.0.staged_answer", "4.9"]]) {
            if (api.SetValue(key, value) !== "true" || api.GetLastError() !== "0") throw new Error(key);
        }
        api.Commit("");
    }""")
    all_saved(page)
    assert server_attempt(app, "quiz-2004").state["cmi.interactions.0.staged_answer"] == "4.9"
    page.reload()
    quiz(page)
    assert page.evaluate("() => window.API_1484_11.GetValue('numbas.duration_extension.amount')") == "10"
    assert page.evaluate("() => window.API_1484_11.GetValue('cmi.interactions.0.staged_answer')") == "4.9"
    context.close()


def test_an_instructor_replaces_the_exam_from_the_dashboard(server, browser, tmp_path):
    base_url, app = server
    package = tmp_path / "quiz12.zip"
    package.write_bytes(quiz12_zip())
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    form = factories.signed_launch(url=f"{base_url}/lti/launch", resource_link_id="quiz-2004",
                                   person=factories.INSTRUCTOR)
    fields = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in form.items())
    page.set_content(f'<form method="post" action="{base_url}/lti/launch">{fields}</form>'
                     "<script>document.forms[0].submit()</script>")
    page.wait_for_url(f"{base_url}/dashboard/resources/*")
    page.goto(page.url.replace("/resources/1?", "/resources/1/exam?"))
    page.set_input_files('input[name="package"]', str(package))
    page.check('input[name="move_unfinished"]')
    page.click("#upload-package")
    page.locator("#version-2", has_text="in use").wait_for()
    page.screenshot(path=ARTIFACTS / "dashboard-exam-package.png", full_page=True)
    db.session.remove()
    assert Resource.query.filter_by(lti_resource_link_id="quiz-2004").one().exam_version.scorm_version == "1.2"
    context.close()
