"""End to end in headless Chromium: launch, answer, suspend, resume elsewhere, finish; and a network cut.
Each test runs in both content modes: package files from the app's own host, or from a content host."""
import html
import re

import pytest

from lti_app.extensions import db
from lti_app.models import Attempt, CmiElement, Consumer, QuestionScore, Resource
from lti_app.services import exams
from tests import factories
from tests.conftest import ARTIFACTS, serve
from tests.content_modes import MODES, in_mode
from tests.packages.build import MINIMAL_MANIFEST, quiz12_zip, quiz2004_zip, zip_files

pytestmark = pytest.mark.browser
RIGHT = {"q0p0": "5", "q1p0": "16", "q1p1": "2", "q2p0": "b", "q3p0": "15", "q3p1": "16"}


@pytest.fixture(params=MODES)
def server(make_app, request):
    """The app on a real HTTP server, against this test's database, in each content mode."""
    app = make_app(SERVER_NAME=None)
    with serve(app) as url:
        url = in_mode(app, url, request.param)
        consumer = factories.consumer()
        factories.exam_resource(consumer, exams.upload(quiz2004_zip(), title="Quiz 2004", consumer_id=consumer.id), link_id="quiz-2004")
        factories.exam_resource(consumer, exams.upload(quiz12_zip(), title="Quiz 1.2", consumer_id=consumer.id), link_id="quiz-12")
        yield url, app


def launch(browser, base_url, link_id, **context_options):
    """A new browser context, launched from an auto-submitting LTI form as an LMS page would post it."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, **context_options)
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


def package_frame(page):
    """The package's launch document, to run script in as the package does."""
    return page.locator("#player-frame").element_handle().content_frame()


def all_saved(page):
    """Every call the package has made is with the player, and every batch with the server.

    A package's calls reach the player as messages, later than the script that made them returns (from
    another process when the content host serves the package). The player answers a greeting after the
    messages sent before it, so once the answer is back the player has flushed the calls, and the bar's
    "All answers saved" is about them."""
    package_frame(page).evaluate("""() => new Promise(resolve => {
        if (!window.API_1484_11 && !window.API) return resolve();  // not a package document yet
        window.addEventListener("message", function answered(event) {
            if (event.source !== window.parent || !event.data || event.data.examgate !== "player") return;
            window.removeEventListener("message", answered);
            resolve();
        });
        window.parent.postMessage({ examgate: "hello" }, "*");
    })""")
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
    package_frame(page).evaluate("""() => {
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
    frame = package_frame(page)
    assert frame.evaluate("() => window.API_1484_11.GetValue('numbas.duration_extension.amount')") == "10"
    assert frame.evaluate("() => window.API_1484_11.GetValue('cmi.interactions.0.staged_answer')") == "4.9"
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


# A package whose SCO is a nested frame that finds the API as pipwerks (Numbas, most authoring tools)
# does, and reads its saved state synchronously right after Initialize, as Numbas resumes.
NESTED_OUTER = b"""<!doctype html><html><head><title>Outer</title></head>
<body><iframe id="sco" src="sco/inner.html" style="width:100%;height:300px"></iframe></body></html>"""
NESTED_INNER = b"""<!doctype html><html><head><meta charset="utf-8"><title>Inner</title>
<script>
function findAPI(win) {
  for (var tries = 0; win && tries < 500; tries++) {
    try { if (win.API_1484_11) return win.API_1484_11; } catch (e) { /* another origin: keep climbing */ }
    if (win.parent == null || win.parent === win) return null;
    win = win.parent;
  }
  return null;
}
var api = findAPI(window);
function show(id, text) { document.getElementById(id).textContent = text; }
window.onload = function () {
  if (!api || api.Initialize("") !== "true") return show("state", "no API");
  var entry = api.GetValue("cmi.entry"), saved = api.GetValue("cmi.suspend_data");
  var location = api.GetValue("cmi.location"), role = api.GetValue("numbas.user_role");
  show("state", [entry, saved || "-", location || "-", role || "-", api.GetValue("cmi.objectives._count")].join("|"));
  document.body.dataset.ready = "yes";
};
function answer() {
  api.SetValue("cmi.objectives.0.id", "q0");
  api.SetValue("cmi.suspend_data", '{"answers":{"q0":"42"}}');
  api.SetValue("cmi.location", "q1");
  api.SetValue("numbas.user_role", "student");
  show("count", api.GetValue("cmi.objectives._count"));
  api.Commit("");
}
function finish() {
  api.SetValue("cmi.objectives.0.score.raw", "3");
  api.SetValue("cmi.objectives.0.score.max", "4");
  api.SetValue("cmi.score.raw", "3");
  api.SetValue("cmi.score.max", "4");
  api.SetValue("cmi.score.scaled", "0.75");
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.success_status", "passed");
  api.SetValue("cmi.exit", "normal");
  api.Terminate("");
  show("state", "finished");
}
</script></head>
<body><p id="state">loading</p><p id="count"></p>
<button id="answer" onclick="answer()">Answer</button>
<button id="finish" onclick="finish()">Finish</button></body></html>"""


def open_nested(browser, base_url, button):
    """Launch, click `button` on the student page; the page and the SCO's frame once it has read its state."""
    context, page = launch(browser, base_url, "nested")
    page.click(button)
    inner = page.frame_locator("#player-frame").frame_locator("#sco")
    inner.locator('body[data-ready="yes"]').wait_for()
    return context, page, inner


def test_a_nested_frame_finds_the_api_and_resumes_where_it_was(server, browser):
    base_url, app = server
    package = zip_files({"imsmanifest.xml": MINIMAL_MANIFEST, "index.html": NESTED_OUTER,
                         "sco/inner.html": NESTED_INNER})
    factories.exam_resource(Consumer.query.one(), exams.upload(package, title="Nested"), link_id="nested")
    context, page, inner = open_nested(browser, base_url, "#start-attempt")
    assert inner.locator("#state").inner_text() == "ab-initio|-|-|-|0"
    inner.locator("#answer").click()
    assert inner.locator("#count").inner_text() == "1"
    all_saved(page)
    context.close()

    context, page, inner = open_nested(browser, base_url, "text=Resume")
    assert inner.locator("#state").inner_text() == 'resume|{"answers":{"q0":"42"}}|q1|student|1'
    inner.locator("#finish").click()
    all_saved(page)
    page.screenshot(path=ARTIFACTS / f"player-nested-{base_url.split(':')[1].strip('/')}-finished.png")
    attempt = server_attempt(app, "nested")
    assert attempt.status == "finished" and attempt.score == pytest.approx(0.75)
    context.close()


def test_a_refused_answer_is_reported_and_the_rest_keep_flowing(server, browser):
    base_url, app = server
    context, page = launch(browser, base_url, "quiz-2004")
    refusals = []
    page.expose_function("recordRefusal", lambda param: refusals.append(param))
    page.click("#start-attempt")
    frame = quiz(page)
    page.evaluate("document.addEventListener('examgate:refused', e => window.recordRefusal(e.detail.param))")
    package_frame(page).evaluate("""() => {
        const api = window.API_1484_11;
        api.SetValue("cmi.location", "q9");
        api.SetValue("cmi.suspend_data", "before\\u0000after");
        api.SetValue("numbas.invented", "x".repeat(70000));
        api.Commit("");
    }""")
    page.locator("#player-message", has_text="was not saved").wait_for()
    answer(frame, "q0", {"q0p0": "5"})
    all_saved(page)
    page.screenshot(path=ARTIFACTS / "player-refused-answer.png")
    state = server_attempt(app, "quiz-2004").state
    assert CmiElement.query.filter_by(key="cmi.location", value="q9").count() == 1  # sent with the refused ones
    assert state["cmi.objectives.0.score.raw"] == "1" and "numbas.invented" not in state
    assert "\x00" not in state.get("cmi.suspend_data", "")
    assert len(refusals) == 2 and all(re.fullmatch(r"elements\.\d+\.value", param) for param in refusals)
    frame.locator("#finish").click()
    all_saved(page)
    assert server_attempt(app, "quiz-2004").status == "finished"
    context.close()


EVENTS = """for (const name of ["examgate:initialized", "examgate:receipt", "examgate:refused"]) {
    document.addEventListener(name, (event) => {
        window.examgateEvents = window.examgateEvents || [];
        window.examgateEvents.push([name, event.detail && event.detail.batch_id ? "batch" : null]);
    });
}"""


def test_the_player_s_events_for_other_scripts_and_time_up(server, browser):
    """The contract with the page's other scripts (countdown, finish messages): events on document."""
    base_url, app = server
    context, page = launch(browser, base_url, "quiz-2004")
    context.add_init_script(EVENTS)
    page.click("#start-attempt")
    frame = quiz(page)
    answer(frame, "q0", {"q0p0": "5"})
    all_saved(page)
    events = page.evaluate("window.examgateEvents")
    assert events[0] == ["examgate:initialized", None] and ["examgate:receipt", "batch"] in events
    package = package_frame(page)
    package.evaluate("() => window.API_1484_11.SetValue('cmi.location', 'before the end')")
    page.evaluate("document.dispatchEvent(new CustomEvent('examgate:time-up'))")
    all_saved(page)
    assert server_attempt(app, "quiz-2004").state["cmi.location"] == "before the end"  # pending values went
    package.evaluate("() => { const api = window.API_1484_11; api.SetValue('cmi.location', 'too late'); api.Commit(''); }")
    page.wait_for_timeout(1000)  # the relayed calls have long arrived: nothing may have been sent
    assert server_attempt(app, "quiz-2004").state["cmi.location"] == "before the end"
    context.close()
