"""An instructor walks through the dashboard in a real Chromium against a real server, and the main
pages are photographed at desktop and phone widths (tests/artifacts/)."""
import re

import pytest

from lti_app.extensions import db
from lti_app.models import Attempt
from tests import factories
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}



def run_jobs(app):
    from rq import SimpleWorker

    from lti_app.extensions import jobs

    db.session.remove()  # read what the server's requests committed, not this thread's older snapshot
    SimpleWorker([jobs.queue], connection=jobs.redis).work(burst=True)


def sign_in_link(app, base, user, next_url):
    from lti_app.blueprints.auth.routes import one_time_link

    with app.test_request_context(base_url=base):
        return one_time_link(user, next_url)


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(WIDTHS["desktop"])


def test_instructor_walkthrough(live_server, browser):
    app, base = live_server
    world = factories.classroom()
    low = factories.attempt(world.resource, world.classmate,
                            questions={"q0": (0, 2), "q0p0": (0, 1), "q0p1": (0, 1), "q1": (0, 3)})
    low_id, resource_id = low.id, world.resource.id  # the rows leave this thread's session when jobs run
    page = browser.new_page(viewport=WIDTHS["desktop"])
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(sign_in_link(app, base, world.instructor, "/dashboard/"))
    assert page.locator("h1").inner_text() == "Dashboard"
    shoot(page, "home")

    # find a student with the search box
    page.fill("input[name=q]", "Ada")
    page.locator("#search-results").get_by_role("link", name="Ada Learner").click()
    page.wait_for_url(re.compile(r"/dashboard/users/\d+$"))
    assert page.locator("h1").inner_text() == "Ada Learner"

    # open an attempt's timeline
    page.locator("main table").first.get_by_role("link", name="Attempt 1").click()
    assert "Saved 1 value (save 1)" in page.locator(".timeline").inner_text()
    assert page.locator("#attempt-score").inner_text() == "80% · 4 / 5"  # of the package's total
    shoot(page, "attempt")

    # override a part's score: the new score and the outcome queued
    page.select_option("#remark-form select[name=item]", "q0p1")
    page.fill("#remark-form input[name=score]", "1")
    page.fill("#remark-form textarea[name=reason]", "Accepted an equivalent answer")
    page.click("#remark-form button[type=submit]")
    page.wait_for_selector("text=Question 1, part b re-marked to 1")
    assert page.locator("#attempt-score").inner_text() == "100% · 5 / 5"
    assert "queued" in page.locator("#outcome-state").inner_text()
    assert "Accepted an equivalent answer" in page.locator("#mark-q0p1").inner_text()

    # discount a part for everyone: the classmate's score moves
    page.goto(f"{base}/dashboard/resources/{resource_id}/attempts")
    shoot(page, "attempts")
    form = page.locator("form[action$='/discounts']")
    form.locator("select[name=item]").select_option("q1")
    form.locator("select[name=mode]").select_option("full_marks")
    form.locator("button").click()
    page.wait_for_selector("text=Every attempt is being re-marked")
    run_jobs(app)
    page.get_by_role("link", name="Attempts").click()
    page.wait_for_selector(".job >> text=1 score changed")
    assert "Question 2: full marks for everyone" in page.locator(".card", has_text="Discounted parts").inner_text()
    assert page.locator(f"#attempt-{low_id} .score").inner_text() == "60%"

    # delete an attempt from its own page, and restore it from the list
    assert page.locator(f"#attempt-{low_id}").get_by_role("button").count() == 0
    page.locator(f"#attempt-{low_id}").get_by_role("link", name="Details").click()
    page.get_by_role("button", name="Delete this attempt").click()
    page.wait_for_selector(f"#deleted-{low_id}")
    assert page.locator(f"#attempt-{low_id}").count() == 0
    assert db.session.get(Attempt, low_id) is not None
    page.locator(f"#deleted-{low_id}").get_by_role("button", name="Restore").click()
    page.wait_for_selector(f"#attempt-{low_id}")
    assert page.locator(f"#deleted-{low_id}").count() == 0

    # grant an extra attempt
    page.get_by_role("link", name="Access changes").click()
    page.wait_for_url(re.compile(r"/access$"))
    page.fill("textarea[name=students]", "ada")
    page.fill("input[name=extra_attempts]", "1")
    page.fill("textarea[name=reason]", "Was ill on the day")
    page.get_by_role("button", name="Grant").click()
    page.wait_for_selector("text=Access changed for Ada Learner")
    row = page.locator("tbody tr", has_text="Ada Learner").inner_text()
    assert "+1 attempt" in row and "2 attempts" in row
    shoot(page, "access")

    for name, path in (("overview", ""), ("students", "/students"), ("settings", "/settings")):
        page.goto(f"{base}/dashboard/resources/{resource_id}{path}")
        shoot(page, name)
    page.fill("input[name=q]", "quiz")
    page.wait_for_selector("#search-results a")
    shoot(page, "search")
    page.keyboard.press("Escape")
    assert page.locator("#search-results a").count() == 0

    # on a phone the navigation folds behind a menu button
    page.set_viewport_size(WIDTHS["phone"])
    assert not page.get_by_role("link", name="Courses").is_visible()
    page.get_by_role("button", name="Menu").click()
    assert page.get_by_role("link", name="Courses").is_visible()
    page.close()
