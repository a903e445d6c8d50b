"""An unconfigured link in a real Chromium: the instructor launching it lands on the set-up page and copies
last year's set-up (search, then one click on its row); a student launching it is told to wait.
Screenshots in tests/artifacts/ (course-copy-*.png)."""
import html
import re

import pytest

from lti_app.extensions import db
from lti_app.models import Resource
from tests import factories
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def lms_launch(browser, base_url, person, size="desktop"):
    """A new browser page, launched on this year's new link from an auto-submitting LTI form."""
    page = browser.new_page(viewport=WIDTHS[size])
    page.on("pageerror", lambda error: pytest.fail(f"JavaScript error on {page.url}: {error}"))
    form = factories.signed_launch(url=f"{base_url}/lti/launch", person=person, resource_link_id="link-2026",
                                   resource_link_title="Week 1 quiz", context_id="course-2026",
                                   context_title="Algebra 2026")
    fields = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in form.items())
    page.set_content(f'<form method="post" action="{base_url}/lti/launch">{fields}</form>'
                     "<script>document.forms[0].submit()</script>")
    page.wait_for_url(re.compile(r"/(dashboard/)?resources/\d+"))
    return page


def shoot(page, name):
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"course-copy-{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than {label}"
    page.set_viewport_size(WIDTHS["desktop"])


@pytest.fixture
def courses(live_server):
    app, base = live_server
    consumer = factories.consumer()
    teacher = factories.user(consumer, "teacher-1", "Tom Teacher")
    for lti_id, title, quiz, settings in (
            ("course-2024", "Algebra 2024", "Week 1 quiz", {"max_attempts": 3}),
            ("course-2025", "Algebra 2025", "Week 1 quiz", {"max_attempts": 1, "time_limit_minutes": 45}),
            ("course-2025b", "Geometry 2025", "Triangles test", {})):
        context = factories.context(consumer, lti_id, title)
        factories.enrol(teacher, context, role="instructor")
        factories.resource(context, quiz, link_id=f"{lti_id}-{quiz}".replace(" ", "-"), **settings)
    source_id = Resource.query.filter_by(lti_resource_link_id="course-2025-Week-1-quiz").one().id
    return app, base, source_id


def test_an_instructor_copies_last_years_set_up(courses, browser):
    app, base, source_id = courses
    page = lms_launch(browser, base, factories.INSTRUCTOR)
    assert re.search(r"/dashboard/resources/\d+/exam\?lt=", page.url)
    page.get_by_role("heading", name="Set this exam up").wait_for()
    shoot(page, "set-up")

    page.fill("#setup-search", "algebra 2025")
    rows = page.locator("#copy-sources tbody tr")
    rows.filter(has_text="Geometry").wait_for(state="detached")
    assert rows.count() == 1
    page.screenshot(path=str(ARTIFACTS / "course-copy-searched-desktop.png"), full_page=True)
    rows.get_by_role("button", name="Copy the set-up of Week 1 quiz (Algebra 2025)").click()

    page.wait_for_url(re.compile(r"/dashboard/resources/\d+\?lt="))
    assert "Set up as a copy of Week 1 quiz (Algebra 2025)" in page.locator("#copied-from").inner_text()
    assert "Week 1 quiz" in page.locator("p.muted").first.inner_text()
    shoot(page, "copied")
    db.session.remove()
    copy = Resource.query.filter_by(lti_resource_link_id="link-2026").one()
    assert (copy.copied_from_id, copy.max_attempts, copy.time_limit_minutes) == (source_id, 1, 45)
    page.close()


def test_a_student_is_told_the_exam_is_not_set_up_yet(courses, browser):
    app, base, source_id = courses
    page = lms_launch(browser, base, factories.LEARNER, size="phone")
    assert "Your instructor hasn't set this exam up yet" in page.locator("#not-set-up").inner_text()
    shoot(page, "student-waits")
    page.close()
