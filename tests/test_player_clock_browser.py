"""The player bar in headless Chromium: the countdown in the student's time zone, the 5- and 1-minute
warnings, the end at zero, the finish message with its receipt code, and a package that never starts."""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from lti_app.extensions import db
from lti_app.models import Attempt
from lti_app.models.base import utcnow
from lti_app.services import exams, receipts
from tests import factories
from tests.conftest import ARTIFACTS, serve
from tests.packages.build import MINIMAL_MANIFEST, quiz2004_zip, zip_files
from tests.test_player_browser import all_saved, answer, launch, quiz

pytestmark = pytest.mark.browser
ZONE = "America/Sao_Paulo"  # UTC-3 all year: the times shown must not be UTC
CLOSES = (utcnow() + timedelta(days=3)).replace(hour=1, minute=30, second=0, microsecond=0)  # 22:30 the day before there
# A package whose page waits on a script that never loads (as Numbas on MathJax from an unreachable CDN).
NEVER_STARTS = zip_files({"imsmanifest.xml": MINIMAL_MANIFEST, "index.html": (
    b'<html><body><p id="loading">Loading...</p><script src="http://127.0.0.1:9/unreachable.js"></script>'
    b"<script>if (window.MathJax) { parent.API_1484_11.Initialize(''); }</script></body></html>")})


@pytest.fixture
def server(make_app):
    app = make_app(SERVER_NAME=None, DEADLINE_GRACE_SECONDS=0, PACKAGE_START_SECONDS=2)
    with serve(app) as url:
        consumer = factories.consumer()
        quiz_version = exams.upload(quiz2004_zip(), title="Quiz 2004")
        factories.exam_resource(consumer, quiz_version, link_id="untimed")
        factories.exam_resource(consumer, quiz_version, link_id="six-minutes", time_limit_minutes=6,
                                available_until=CLOSES)
        factories.exam_resource(consumer, quiz_version, link_id="one-minute", time_limit_minutes=1)
        factories.exam_resource(consumer, exams.upload(NEVER_STARTS, title="Never starts"), link_id="broken")
        yield url, app


def start(browser, base_url, link_id, started_ago=None):
    """Launch, start the attempt, and (to reach the end of its time at once) move its start back."""
    context, page = launch(browser, base_url, link_id, timezone_id=ZONE, locale="en-GB")
    page.click("#start-attempt")
    page.wait_for_url("**/attempts/*/play*")
    if started_ago is not None:
        attempt = the_attempt(link_id)
        attempt.started_at = utcnow() - started_ago
        db.session.commit()
        page.reload()
    return context, page


def the_attempt(link_id):
    db.session.remove()
    return Attempt.query.join(Attempt.resource).filter_by(lti_resource_link_id=link_id).one()


def local(moment):
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%H:%M")


def test_five_minutes_left_is_announced(server, browser):
    base_url, _ = server
    context, page = start(browser, base_url, "six-minutes", started_ago=timedelta(seconds=62))
    quiz(page)
    deadline = the_attempt("six-minutes").started_at + timedelta(minutes=6)
    notice = page.locator("#player-notice")
    notice.filter(has_text="5 minutes left").wait_for()
    assert f"the exam ends at {local(deadline)}" in notice.inner_text()
    assert re.fullmatch(rf"Time left 4:5\d · ends {local(deadline)}", page.locator("#player-clock").inner_text())
    assert notice.get_attribute("aria-live") == "polite"
    page.screenshot(path=ARTIFACTS / "player-clock-5-minutes.png")
    context.close()


def test_one_minute_left_then_the_attempt_ends_at_zero(server, browser):
    base_url, _ = server
    context, page = start(browser, base_url, "one-minute", started_ago=timedelta(seconds=48))
    frame = quiz(page)
    page.locator("#player-notice", has_text="1 minute left").wait_for()
    page.screenshot(path=ARTIFACTS / "player-clock-1-minute.png")
    answer(frame, "q0", {"q0p0": "5"})
    all_saved(page)
    deadline = the_attempt("one-minute").started_at + timedelta(minutes=1)
    page.locator("#player-clock", has_text="Time is up").wait_for(timeout=20000)
    notice = page.locator("#player-notice")
    assert f"Time is up: your attempt ended at {local(deadline)}" in notice.inner_text()
    assert page.evaluate("() => document.getElementById('player-frame').inert")
    page.screenshot(path=ARTIFACTS / "player-clock-time-up.png")
    # nothing set after the end is saved
    frame.locator("body").evaluate("""() => { const api = window.API_1484_11;
        api.SetValue('cmi.objectives.1.id', 'q1'); api.SetValue('cmi.objectives.1.score.raw', '2'); api.Commit(''); }""")
    all_saved(page)
    page.goto(page.url.split("/attempts/")[0] + "/resources/" + str(the_attempt("one-minute").resource_id)
              + "?lt=" + page.url.split("lt=")[1])
    attempt = the_attempt("one-minute")  # read by the student page: time is up, so it ended
    assert attempt.status == "finished" and attempt.end_reason == "time_up" and attempt.finished_at == deadline
    assert attempt.state["cmi.objectives.0.score.raw"] == "1" and "cmi.objectives.1.score.raw" not in attempt.state
    assert "Resume" not in page.content()
    context.close()


def test_finishing_says_handed_in_with_the_score_and_the_receipt_code(server, browser):
    base_url, _ = server
    context, page = start(browser, base_url, "untimed")
    frame = quiz(page)
    assert page.locator("#player-clock").is_hidden()  # no time limit, no clock
    for question, answers in (("q0", {"q0p0": "5"}), ("q1", {"q1p0": "16", "q1p1": "3"}), ("q2", {"q2p0": "b"}),
                              ("q3", {"q3p0": "15", "q3p1": "16"})):
        answer(frame, question, answers)
    frame.locator("#finish").click()
    notice = page.locator("#player-notice")
    notice.filter(has_text="Handed in").wait_for()
    all_saved(page)
    attempt = the_attempt("untimed")
    code = receipts.receipt_code(attempt)
    assert notice.inner_text().startswith(f"Handed in at {local(attempt.finished_at)} — your score 6 / 7.")
    assert page.locator("#player-receipt").inner_text() == code
    page.screenshot(path=ARTIFACTS / "player-handed-in.png")
    context.close()


def test_save_and_leave_says_until_when_the_student_can_come_back(server, browser):
    base_url, _ = server
    context, page = launch(browser, base_url, "six-minutes", timezone_id=ZONE, locale="en-GB")
    availability = page.locator("#availability").inner_text()
    local_close = CLOSES.astimezone(ZoneInfo(ZONE))
    assert f"Open until {local_close:%-d %b %Y}, {local_close:%H:%M} GMT-3." in availability
    assert "You have 6 minutes from the moment you start" in availability
    page.screenshot(path=ARTIFACTS / "student-time-limit.png")
    page.click("#start-attempt")
    frame = quiz(page)
    answer(frame, "q0", {"q0p0": "5"})
    frame.locator("#save").click()
    notice = page.locator("#player-notice", has_text="Saved — you can come back until")
    notice.wait_for()
    deadline = the_attempt("six-minutes").started_at + timedelta(minutes=6)
    assert local(deadline) in notice.inner_text() and the_attempt("six-minutes").status == "open"
    page.screenshot(path=ARTIFACTS / "player-saved.png")
    context.close()


def test_a_package_that_never_starts_is_reported_to_the_student_and_the_instructor(server, browser):
    base_url, app = server
    context, page = start(browser, base_url, "broken")
    notice = page.locator("#player-notice", has_text="The exam has not started")
    notice.wait_for()
    assert notice.get_attribute("role") == "status"
    page.screenshot(path=ARTIFACTS / "player-not-started.png")
    for _ in range(50):  # the report is sent with the message
        if the_attempt("broken").package_not_started_at is not None:
            break
        page.wait_for_timeout(100)
    attempt = the_attempt("broken")
    assert attempt.package_not_started_at is not None
    instructor = factories.member(attempt.resource.consumer, attempt.resource.context, "teacher-1", "Tom Teacher",
                                  role="instructor")
    client = app.test_client()
    factories.sign_in(client, instructor)
    dashboard = client.get(f"/dashboard/attempts/{attempt.id}").get_data(as_text=True)
    assert 'id="package-not-started"' in dashboard and "The exam package did not start" in dashboard
    context.close()
