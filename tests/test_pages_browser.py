"""Every student page and every dashboard page, in a real Chromium at 1280 px and at 390 px (a phone):
nothing wider than the screen, every link and tab answering 200, and no serious or critical
accessibility violation found by axe-core. Screenshots go to tests/artifacts/pages/, named after who looks, the page and the width."""
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from lti_app.extensions import db
from lti_app.models import Outcome
from tests import factories
from tests.conftest import ARTIFACTS
from tests.test_player_browser import RIGHT, all_saved, answer, launch, quiz

pytestmark = pytest.mark.browser
PAGES = ARTIFACTS / "pages"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
AXE = Path(__file__).parent / "npm" / "node_modules" / "axe-core" / "axe.min.js"  # `make test` installs it
MOST_PAGES = 60
# The widest a time is written ("Dec 28, 2025, 10:15 PM UTC"), so the tour does not depend on the hour it runs.
WIDEST_TIME = datetime(2025, 12, 28, 22, 15, tzinfo=timezone.utc)
NOT_PAGES = re.compile(r"/(download|logout)$|\.(csv|json|jsonl|zip)$")

# Elements that stick out of the viewport, or scroll sideways inside a box: both hide something.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const hidden = el => { const s = getComputedStyle(el); return s.visibility === 'hidden' || s.clip !== 'auto'
    || s.clipPath !== 'none' || el.closest('.visually-hidden'); };
  const found = [];
  if (document.documentElement.scrollWidth > width + 1) found.push('page: ' + document.documentElement.scrollWidth + 'px wide');
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || hidden(el)) continue;
    const s = getComputedStyle(el);
    if (/(auto|scroll)/.test(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
      found.push(name(el) + ' scrolls sideways (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
    else if (box.right > width + 1 || box.left < -1) {
      const clipper = el.parentElement && el.parentElement.closest('*');
      let inside = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
        if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(p).overflowX)) { inside = true; break; }
      if (!inside) found.push(name(el) + ' reaches ' + Math.round(box.right) + 'px');
    }
  }
  return found;
}"""


@pytest.fixture(autouse=True)
def axe_installed():
    """Without axe-core the tour checks no accessibility: a skip on a laptop, a failure in CI."""
    if not AXE.exists():
        missing = f"{AXE} is missing: run `npm ci --prefix tests/npm` (or `make test`)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)


@pytest.fixture
def school(live_server):
    """A course running the demo quiz: an instructor, finished and unfinished attempts, a score for the LMS,
    and an administrator."""
    app, base = live_server
    consumer = factories.consumer()
    resource = factories.exam_resource(consumer, factories.uploaded_exam(), link_id="quiz-2004", max_attempts=2)
    instructor = factories.member(consumer, resource.context, "teacher-1", "Tom Teacher", role="instructor")
    questions = {"q0": (1, 1), "q0p0": (1, 1), "q1": (1, 2), "q1p0": (1, 1), "q1p1": (0, 1)}
    cmi = [("cmi.objectives.0.id", "q0"), ("cmi.objectives.0.description", "Addition"),
           ("cmi.interactions.0.id", "q0p0"), ("cmi.interactions.0.result", "1"), ("cmi.score.raw", "2")]
    for number, name in enumerate(("Bob Classmate", "Cleo Long-Named-Student Featherstonehaugh", "Dev Patel")):
        student = factories.member(consumer, resource.context, f"student-{number + 2}", name)
        attempt = factories.attempt(resource, student, questions, cmi, status="open" if number == 2 else "finished",
                                    started_at=WIDEST_TIME)
        factories.launch_row(resource, student, attempt=attempt)
    factories.member(consumer, resource.context, "student-9", "Rosa Roster", source="roster")
    db.session.add(Outcome(consumer_id=consumer.id, resource_id=resource.id, user_id=student.id, score=0.857142857,
                           state="failed", description="User is no longer in course"))
    db.session.commit()
    admin = factories.admin("admin@example.edu", "admin-password", superuser=True)
    return app, base, resource, instructor, admin


def check_page(page, name, roles=("desktop", "phone")):
    """Screenshots at each width, nothing sticking out, no serious accessibility violation."""
    PAGES.mkdir(parents=True, exist_ok=True)
    problems = []
    for label in roles:
        page.set_viewport_size(WIDTHS[label])
        page.screenshot(path=str(PAGES / f"{name}-{label}.png"), full_page=True)
        problems += [f"{name} at {label}: {found}" for found in page.evaluate(OVERFLOW)]
        problems += [f"{name} at {label}: {found}" for found in axe_violations(page)]
    page.set_viewport_size(WIDTHS["desktop"])
    return problems


def axe_violations(page):
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                                'wcag22aa', 'best-practice']})""")
    return [f"axe {v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def links_of(page, base):
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return {href.split("#")[0] for href in hrefs if href.startswith(base)}


def tour(page, base, start, prefix, who):
    """Visit every page under `prefix` reachable from `start` as `who`; returns (problems, every link seen)."""
    problems, seen, queue, links = [], set(), [start], set()
    while queue and len(seen) < MOST_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(url)
        if response.status != 200:
            problems.append(f"{url} answered {response.status}")
            continue
        problems += check_page(page, who + "-" + re.sub(r"[^a-z0-9]+", "-", path).strip("-"))
        found = links_of(page, base)
        links |= found
        queue += [link for link in sorted(found) if urlsplit(link).path.startswith(prefix)
                  and not NOT_PAGES.search(urlsplit(link).path)]
    return problems, links


def broken_links(page, links):
    return [f"{link} answered {status}" for link in sorted(links)
            if (status := page.request.get(link, max_redirects=0).status) not in (200, 302, 303)]


def test_student_pages(school, browser):
    app, base, resource, *_ = school
    context, page = launch(browser, base, "quiz-2004")
    problems = check_page(page, "student-before")
    page.click("#start-attempt")
    frame = quiz(page)
    problems += check_page(page, "student-player")
    for question, part in (("q0", "q0p0"), ("q1", "q1p0")):
        answer(frame, question, {part: RIGHT[part]})
    frame.locator("#finish").click()
    frame.locator('#status[data-state="finished"]').wait_for()
    all_saved(page)
    page.goto(page.url.split("/attempts/")[0] + f"/resources/{resource.id}?lt=" + page.url.split("lt=")[1])
    problems += check_page(page, "student-finished")
    links = links_of(page, base)
    page.get_by_role("link", name="Review attempt 1").click()
    quiz(page)
    problems += check_page(page, "student-review")
    problems += broken_links(page, links | links_of(page, base))
    assert not problems, "\n".join(problems)
    context.close()


def test_instructor_dashboard_pages(school, browser):
    from tests.test_dashboard_browser import sign_in_link

    app, base, resource, instructor, _ = school
    page = browser.new_page(viewport=WIDTHS["desktop"])
    page.goto(sign_in_link(app, base, instructor, "/dashboard/"))
    problems, links = tour(page, base, f"{base}/dashboard/", "/dashboard/", "instructor")
    problems += broken_links(page, links)
    assert not problems, "\n".join(problems)
    page.close()


def test_administrator_dashboard_pages(school, browser):
    *_, admin = school
    app, base = school[0], school[1]
    page = browser.new_page(viewport=WIDTHS["desktop"])
    page.goto(f"{base}/auth/login")
    problems = check_page(page, "login")
    page.fill("input[name=email]", "admin@example.edu")
    page.fill("input[name=password]", "admin-password")
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    found, links = tour(page, base, f"{base}/dashboard/", "/dashboard/", "admin")
    problems += found + broken_links(page, links)
    assert not problems, "\n".join(problems)
    page.close()


def tab_to(page, selector, most=40):
    """Press Tab until `selector` has the focus, as a keyboard user would; fails if it never does."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
            return
    pytest.fail(f"{selector} is not reached with the Tab key")


def test_keyboard_alone_sits_the_exam_and_walks_the_dashboard(school, browser):
    from tests.test_dashboard_browser import sign_in_link

    app, base, resource, instructor, _ = school
    context, page = launch(browser, base, "quiz-2004")
    tab_to(page, ".skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    tab_to(page, "#start-attempt")
    page.keyboard.press("Enter")
    quiz(page)
    status = page.locator("#player-status")
    assert (status.get_attribute("role"), status.get_attribute("aria-live")) == ("status", "polite")
    assert page.locator("#player-wait").get_attribute("role") == "alert"
    tab_to(page, "#player-back")
    context.close()

    page = browser.new_page(viewport=WIDTHS["desktop"])
    page.goto(sign_in_link(app, base, instructor, f"/dashboard/resources/{resource.id}"))
    tab_to(page, "#tab-attempts_tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attempts$"))
    page.locator("#tab-attempts_tab.active").wait_for()
    assert page.evaluate("() => document.activeElement.id") == "tab-attempts_tab"  # the swap kept the focus
    tab_to(page, "a[aria-label^='Details of attempt']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dashboard/attempts/\d+$"))
    tab_to(page, "#remark-form select[name=item]")
    page.close()
