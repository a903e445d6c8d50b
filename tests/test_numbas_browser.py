"""The real Numbas exam (../shared/scorm-samples/numbas-stability-test.zip) in headless Chromium, in both
content modes: started, answered, left, resumed where it was, finished; the score Examgate records, and
would send to the LMS, is the one Numbas shows.

The shared sample does not start as it is, in any player: its index.html embeds the exam in Numbas's
editor source format (`name: Stability Test`, unquoted, True/False), and an old version of it (questions
outside question groups, variables as bare definitions), while its Numbas 10 runtime drops a first `//`
line and reads the rest as JSON ("SyntaxError: Expected property name or '}' in JSON"). So the test rebuilds
the package with the exam as the runtime reads it (tests/packages/numbas_source.py); the runtime and
every other file stay as they are. MathJax, which every Numbas exam loads from a CDN, is served from
the npm copy in tests/npm (`make test` installs it) with the CORS header the CDN sends.
"""
import os
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lti_app.models import Outcome, QuestionScore
from lti_app.scorm.package import zip_folder
from lti_app.services import exams
from tests import factories
from tests.conftest import ARTIFACTS, serve
from tests.content_modes import MODES, in_mode
from tests.packages import numbas_source
from tests.test_player_browser import all_saved, launch, package_frame, server_attempt

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO.parent / "shared" / "scorm-samples" / "numbas-stability-test.zip"
NPM = REPO / "tests" / "npm" / "node_modules"
CDN = "https://cdn.jsdelivr.net/npm/"
EXAM_SCRIPT = re.compile(r'(<script type="application/numbas-exam">)(.*?)(</script>)', re.S)
SHOWN_SCORE = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)")


def upgraded(exam):
    """The sample's exam in the current layout: its questions in one group, each variable an object."""
    exam["question_groups"] = [{"questions": exam.pop("questions")}]
    for question in exam["question_groups"][0]["questions"]:
        question["variables"] = {name: {"name": name, "definition": str(definition)}
                                 for name, definition in question["variables"].items()}
    return exam


def runnable_sample(folder) -> bytes:
    """The shared sample, unpacked in `folder`, with its embedded exam rewritten as the runtime reads it."""
    with zipfile.ZipFile(SAMPLE) as archive:
        archive.extractall(folder)
    index = Path(folder) / "index.html"

    def as_json(match):
        exam = upgraded(numbas_source.parse(match.group(2)))
        return match.group(1) + numbas_source.runtime_source(exam) + match.group(3)

    page, count = EXAM_SCRIPT.subn(as_json, index.read_text(encoding="utf-8"), count=1)
    assert count == 1, "the sample's index.html no longer embeds its exam"
    index.write_text(page, encoding="utf-8")
    return zip_folder(folder)


def cdn_file(url):
    """The npm copy of a CDN file: .../npm/mathjax@4/x is mathjax/x (and @scope/name@4/x is @scope/name/x)."""
    path = url.split("?")[0].removeprefix(CDN)
    return NPM / re.sub(r"^(@[^/]+/)?([^/@]+)@[^/]+", r"\1\2", path)


def serve_cdn(route):
    file = cdn_file(route.request.url)
    cors = {"Access-Control-Allow-Origin": "*"}
    if not file.is_file():
        route.fulfill(status=404, headers=cors)
        return
    kind = "application/json" if file.suffix == ".json" else "text/javascript"
    route.fulfill(status=200, body=file.read_bytes(), headers={**cors, "Content-Type": kind})


@pytest.fixture(params=MODES)
def numbas(make_app, request, tmp_path):
    if not SAMPLE.is_file():
        pytest.skip(f"{SAMPLE} is missing: CI keeps shared/ beside the checkout")
    if not (NPM / "mathjax").is_dir():
        message = "tests/npm/node_modules is missing: run `npm ci --prefix tests/npm` (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    app = make_app(SERVER_NAME=None)
    with serve(app) as url:
        url = in_mode(app, url, request.param)
        version = exams.upload(runnable_sample(tmp_path / "sample"), title="Stability Test")
        factories.exam_resource(factories.consumer(), version, link_id="numbas")
        yield app, url, request.param


def open_exam(browser, url):
    context, page = launch(browser, url, "numbas")
    context.route(f"{CDN}**", serve_cdn)
    return context, page


def exam_frame(page):
    frame = page.frame_locator("#player-frame")
    frame.locator("#endBtn:visible").first.wait_for()
    return frame


def part(frame, path):
    return frame.locator(f"section.part:visible:has(#{path}-input)")


def save_part(frame, path, answer):
    frame.locator(f"#{path}-input").fill(answer)
    part(frame, path).get_by_role("button", name="Save answer").click()


def stored(page, app, check, what):
    """Wait until the server's attempt satisfies `check` (the player sends what the package set every few
    seconds, and at once on Commit and Terminate)."""
    for _ in range(120):
        if check(server_attempt(app, "numbas")):
            return server_attempt(app, "numbas")
        page.wait_for_timeout(250)
    raise AssertionError(f"the server never held {what}")


def api_values(page, keys):
    return package_frame(page).evaluate("keys => keys.map(k => window.API_1484_11.GetValue(k))", keys)


def total(frame, marks):
    """Numbas's running total in its question list."""
    return expect(frame.locator("#questionList:visible .examScore").first).to_have_text(re.compile(rf"\b{marks}\b"))


def shown_scores(frame):
    """The score per question and in total on Numbas's results page: {"Question 1": (2.0, 9.0), ...}."""
    rows = frame.locator("table:visible tr:has(td)").all_inner_texts()
    scores = {}
    for row in rows:
        name, _, score = row.partition("\t")
        found = SHOWN_SCORE.search(score)
        if found:
            scores[name.strip()] = tuple(float(n) for n in found.groups())
    return scores


def go_to_question(frame, number):
    frame.locator(f'#questionList:visible a[data-number="{number}"]').first.click()


def test_started_answered_left_resumed_and_finished_with_the_score_numbas_shows(numbas, browser):
    app, url, mode = numbas
    context, page = open_exam(browser, url)
    page.click("#start-attempt")
    frame = exam_frame(page)
    # The TeX is typeset, and spoken: MathJax's speech rules (sre/mathmaps/*.json) loaded too.
    expect(frame.locator("mjx-container:visible").first).to_have_attribute("has-speech", "true")
    save_part(frame, "q0p0", "x^2+sin(y)")
    save_part(frame, "q0p1", "0.345")
    save_part(frame, "q0p2", "goodbye")
    go_to_question(frame, 4)
    total(frame, "2/18")
    keys = ["cmi.location", "cmi.suspend_data", "cmi.score.raw"]
    held = api_values(page, keys)
    stored(page, app, lambda attempt: [attempt.state.get(key) for key in keys] == held, dict(zip(keys, held)))
    all_saved(page)
    page.screenshot(path=ARTIFACTS / f"numbas-{mode}-answered.png")
    context.close()  # left, as when the tab is closed: Numbas neither suspends nor terminates
    left = server_attempt(app, "numbas")
    assert left.status == "open" and (left.raw_score, left.max_score) == (2, 18)

    context, page = open_exam(browser, url)
    page.click("text=Resume")
    page.frame_locator("#player-frame").get_by_role("button", name="Resume").click()
    frame = exam_frame(page)
    expect(frame.locator("#questionList:visible li.questionSelector.active .name").first).to_have_text("Question 4")
    total(frame, "2/18")
    page.screenshot(path=ARTIFACTS / f"numbas-{mode}-resumed.png")
    go_to_question(frame, 1)
    expect(frame.locator("#q0p0-input")).to_have_value("x^2+sin(y)")
    expect(frame.locator("#q0p2-input")).to_have_value("goodbye")
    go_to_question(frame, 4)
    question = frame.locator("section.part.type-1_n_2:visible").first
    question.get_by_role("radio", name="Correct", exact=True).check()
    question.get_by_role("button", name="Save answer").click()
    total(frame, "3/18")
    frame.locator("#endBtn:visible").first.click()
    frame.get_by_role("button", name="OK").click()
    frame.locator("tr.total:visible").first.wait_for()
    shown = shown_scores(frame)
    assert shown["Total"] == (3, 18)
    page.screenshot(path=ARTIFACTS / f"numbas-{mode}-finished.png")

    finished = stored(page, app, lambda attempt: attempt.status == "finished", "a finished attempt")
    all_saved(page)
    assert (finished.raw_score, finished.max_score) == shown["Total"]
    assert finished.score == pytest.approx(3 / 18)
    questions = QuestionScore.query.filter_by(attempt_id=finished.id, kind="question")
    recorded = {f"Question {int(q.item_id[1:]) + 1}": (q.raw, q.max) for q in questions if q.max}
    assert recorded == {name: score for name, score in shown.items() if name != "Total"}
    assert len(recorded) == 3
    assert Outcome.query.one().score == pytest.approx(3 / 18)  # what the LMS is sent
    context.close()
