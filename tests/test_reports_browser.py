"""An instructor requests a report in Chromium, watches it build, downloads and opens it; the
Statistics tab is photographed at desktop and phone widths (tests/artifacts/)."""
import csv
import io
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rq import SimpleWorker

from lti_app.extensions import db, jobs
from lti_app.models import Resource
from tests import factories
from tests.conftest import ARTIFACTS, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def server(make_app):
    app = make_app(SERVER_NAME=None, WTF_CSRF_ENABLED=True)
    with serve(app) as url:
        yield app, url



def instructor_page(browser, base, width=1280, height=900):
    """A browser signed in by a real LTI 1.1 instructor launch."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    form = factories.signed_launch(url=f"{base}/lti/launch", person=factories.INSTRUCTOR)
    response = context.request.post(f"{base}/lti/launch", form=form)
    assert response.ok, response.text()
    return context.new_page()


def a_class(resource):
    version = factories.exam("Browser quiz", slug="browser-quiz").latest_version
    resource.exam_id, resource.exam_version_id = version.exam_id, version.id
    db.session.commit()
    for n, (score, minutes) in enumerate([(0.9, 25), (0.6, 41), (0.3, 12), (0.75, 33)]):
        student = factories.user(resource.consumer, f"s{n}", f"Student {n}")
        factories.attempt(resource, student, {"q0": (round(score * 2), 2), "q1": (round(score * 3), 3)},
                          score=score, minutes=minutes,
                          started_at=datetime(2026, 3, 2 + n, 9, tzinfo=timezone.utc))


def test_request_watch_download_and_open_a_report(server, browser):
    app, base = server
    factories.consumer()
    page = instructor_page(browser, base)
    resource = Resource.query.one()
    a_class(resource)
    page.goto(f"{base}/dashboard/resources/{resource.id}/reports")
    page.select_option("select[name=kind]", "attempts")
    page.click("text=Build report")
    row = page.locator("tr.report").first
    row.wait_for()
    assert row.get_attribute("data-state") == "queued" and "0%" in row.inner_text()
    SimpleWorker([jobs.queue], connection=jobs.redis).work(burst=True)  # the server app's queue
    page.wait_for_selector("tr.report[data-state=ready]", timeout=10_000)
    assert page.locator("tr.report").count() == 1
    with page.expect_download() as download_info:
        page.click("text=Download")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text())))
    assert [(r["user_id"], r["score"], r["q0"], r["q1"], r["time_spent"]) for r in rows] == [
        ("s0", "0.9", "2", "3", "0:25:00"), ("s1", "0.6", "1", "2", "0:41:00"),
        ("s2", "0.3", "1", "1", "0:12:00"), ("s3", "0.75", "2", "2", "0:33:00")]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "reports-desktop.png", full_page=True)


@pytest.mark.parametrize("name, width, height", [("desktop", 1280, 900), ("phone", 390, 844)])
def test_statistics_tab_screenshots(server, browser, name, width, height):
    app, base = server
    factories.consumer()
    page = instructor_page(browser, base, width, height)
    resource = Resource.query.one()
    a_class(resource)
    page.goto(f"{base}/dashboard/resources/{resource.id}/statistics")
    assert page.locator("svg[role=img]").count() == 4
    assert page.locator("text=From 4 finished attempts").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"statistics-{name}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
