"""Times in the viewer's time zone: pages send UTC <time> elements and pickers, the browser shows them in
its own zone and names it, and dates typed in that zone are stored in UTC. And no 404 for /favicon.ico."""
import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from lti_app.blueprints.moments import when
from lti_app.extensions import db
from lti_app.models import Resource
from tests import factories
from tests.conftest import ARTIFACTS

UTC = timezone.utc


def stored(resource_id):
    db.session.expire_all()
    return db.session.get(Resource, resource_id)


def test_a_time_is_sent_in_utc_and_says_so():
    moment = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    assert when(moment) == '<time datetime="2026-07-01T08:30:00Z">2026-07-01 08:30 UTC</time>'
    assert when(moment.replace(tzinfo=None)) == when(moment)
    assert when(None) == "–"


@pytest.mark.parametrize("zone, typed, utc", [
    ("", "2026-07-01T10:00", datetime(2026, 7, 1, 10, 0, tzinfo=UTC)),  # no script: UTC, as the label says
    ("Europe/Paris", "2026-07-01T10:00", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),  # summer time
    ("Europe/Paris", "2026-12-01T10:00", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
    ("America/New_York", "2026-12-01T10:00", datetime(2026, 12, 1, 15, 0, tzinfo=UTC)),
])
def test_settings_typed_in_the_viewers_zone_are_stored_in_utc(client, zone, typed, utc):
    world = factories.classroom()
    factories.sign_in(client, world.instructor)
    response = client.post(f"/dashboard/resources/{world.resource.id}/settings", data={
        "report_mode": "immediately", "grading_method": "highest", "available_until": typed,
        "attempts": "one", "time_limit_minutes": 0, "timezone": zone})
    assert response.status_code == 303
    assert stored(world.resource.id).available_until == utc


def test_an_unknown_zone_is_refused_and_nothing_changes(client):
    world = factories.classroom()
    factories.sign_in(client, world.instructor)
    response = client.post(f"/dashboard/resources/{world.resource.id}/settings", data={
        "report_mode": "immediately", "grading_method": "highest", "available_until": "2026-07-01T10:00",
        "attempts": "one", "time_limit_minutes": 0, "timezone": "Mars/Olympus"})
    assert response.status_code == 200 and "unknown time zone" in response.text
    assert stored(world.resource.id).available_until is None


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.browser
def test_the_browser_shows_and_takes_times_in_its_own_zone(live_server, browser):
    from tests.test_dashboard_browser import sign_in_link

    app, base = live_server
    world = factories.classroom()
    resource_id = world.resource.id
    world.resource.available_until = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    db.session.commit()
    context = browser.new_context(viewport={"width": 1100, "height": 900}, timezone_id="Europe/Paris")
    page = context.new_page()
    missing = []
    page.on("response", lambda response: response.status == 404 and missing.append(response.url))
    page.goto(sign_in_link(app, base, world.instructor, f"/dashboard/resources/{resource_id}/settings"))

    until = page.locator("input[name=available_until]")
    assert until.input_value() == "2026-07-01T10:00"
    assert "(Europe/Paris)" in page.locator("label", has=until).inner_text()
    header_time = page.locator("main time").first
    assert re.search(r"10:00.*(CEST|GMT\+2)", header_time.inner_text())
    assert header_time.get_attribute("title") == "2026-07-01 08:00 UTC"
    page.screenshot(path=str(ARTIFACTS / "local-times-settings.png"), full_page=True)

    until.fill("2026-12-01T18:30")
    page.get_by_role("button", name="Save settings").click()
    page.locator(".flash", has_text="Settings saved").wait_for()
    assert stored(resource_id).available_until == datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    # htmx runs local-times.js on the new tab when it settles, a moment after the flash is in sight
    expect(page.locator("input[name=available_until]")).to_have_value("2026-12-01T18:30")
    assert not missing, missing
    context.close()


def test_the_replay_time_is_read_in_the_viewers_zone(client):
    world = factories.classroom()
    factories.sign_in(client, world.instructor)
    page = client.get(f"/dashboard/attempts/{world.attempt.id}?at=2026-07-01T10:00:00&timezone=Europe/Paris")
    assert '<time datetime="2026-07-01T08:00:00Z">' in page.text
    assert 'name="at" step="1" value="2026-07-01T08:00:00"' in page.text  # UTC, with an empty timezone field
