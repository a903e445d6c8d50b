"""The live view: who is sitting the exam now, when each last saved, whose saves are failing; it refreshes itself."""
import json
import re
from datetime import timedelta

import pytest

from lti_app.extensions import db
from lti_app.models import Attempt, Resource
from lti_app.models.base import utcnow
from tests import factories
from tests.test_player import batch, launched, open_player  # noqa: F401 (launched is a fixture)


def live(client, resource_id):
    return client.get(f"/dashboard/resources/{resource_id}/live", headers={"HX-Request": "true"}).get_data(as_text=True)


@pytest.fixture
def teacher(app, launched):
    """The instructor of the launched student's course, signed in on a client of their own."""
    resource = Resource.query.one()
    instructor = factories.member(resource.consumer, resource.context, "teacher-1", "Tom Teacher", role="instructor")
    client = app.test_client()
    factories.sign_in(client, instructor)
    return client


def others(resource):
    """Bob saved 10 s ago, Cleo 5 minutes ago, Dev 2 hours ago (not sitting now); Eve has finished."""
    now = utcnow()
    for name, saved, status in (("Bob", 10, "open"), ("Cleo", 300, "open"), ("Dev", 7200, "open"),
                                ("Eve", 20, "finished")):
        attempt = factories.attempt(resource, factories.user(resource.consumer, name.lower(), name), status=status,
                                    started_at=now - timedelta(hours=3))
        attempt.last_commit_at = now - timedelta(seconds=saved)
    db.session.commit()


def test_the_live_view_shows_who_sits_now_and_whose_saves_fail(client, launched, teacher):
    resource = Resource.query.one()
    others(resource)
    first = open_player(client, launched)
    assert client.post(first["commitUrl"], data=json.dumps(batch(cmi__location="q1"))).status_code == 200
    open_player(client, launched, attempt_id=first["attemptId"])  # a second window takes over; the first one's saves are refused
    refused = client.post(first["commitUrl"], data=json.dumps(batch(2, cmi__location="q2")))
    assert refused.status_code == 409

    fragment = live(teacher, resource.id)
    assert "<html" not in fragment and 'hx-trigger="every 5s"' in fragment
    assert f'hx-get="/dashboard/resources/{resource.id}/live"' in fragment
    rows = re.findall(r'<tr id="live-\d+" class="(\w+)">\s*<td class="row-title"><a [^>]*>([^<]+)</a>', fragment)
    assert rows == [("failing", "Ada Learner"), ("quiet", "Cleo"), ("saving", "Bob")]
    assert "3 sitting now" in fragment and "1 whose saves are failing" in fragment
    assert "opened in another window" in fragment and "5 min ago" in fragment
    assert "1 more unfinished attempt with no save in the last" in fragment  # Dev; Eve has finished

    # The window that took over saves: Ada's saves work again.
    second = open_player(client, launched, attempt_id=first["attemptId"])
    assert client.post(second["commitUrl"], data=json.dumps(batch(3, cmi__location="q3"))).status_code == 200
    assert re.search(r'class="saving">\s*<td class="row-title"><a [^>]*>Ada Learner', live(teacher, resource.id))


def test_a_review_window_refused_is_not_a_failing_save(client, launched, teacher):
    settings = open_player(client, launched)
    client.post(settings["commitUrl"], data=json.dumps(batch(cmi__location="q1")))
    review = open_player(teacher, None, attempt_id=1)  # the instructor looks at the attempt as it stands
    assert review["mode"] == "review"
    assert teacher.post(review["commitUrl"], data=json.dumps(batch(2))).status_code == 409
    assert "saves are failing" not in live(teacher, 1) and 'class="saving"' in live(teacher, 1)


def test_the_overview_holds_the_live_view_and_its_address_leads_there(teacher):
    page = teacher.get("/dashboard/resources/1").get_data(as_text=True)
    assert 'id="live"' in page and "Nobody is sitting the exam right now" in page
    response = teacher.get("/dashboard/resources/1/live")
    assert response.status_code == 200 and "<html" in response.get_data(as_text=True)
    assert "Recent activity" in response.get_data(as_text=True)


def test_only_the_resource_s_staff_see_it(client, launched):
    assert client.get("/dashboard/resources/1/live", headers={"HX-Request": "true"}).status_code in (403, 404)


@pytest.mark.browser
def test_the_live_view_refreshes_itself(live_server, browser):
    from tests.test_dashboard_browser import sign_in_link

    app, base = live_server
    consumer = factories.consumer()
    resource = factories.exam_resource(consumer, factories.uploaded_exam())
    instructor = factories.member(consumer, resource.context, "teacher-1", "Tom Teacher", role="instructor")
    page = browser.new_page()
    page.goto(sign_in_link(app, base, instructor, f"/dashboard/resources/{resource.id}"))
    assert "Nobody is sitting the exam right now" in page.locator("#live").inner_text()
    attempt = factories.attempt(resource, factories.learner(consumer), status="open")
    attempt.last_commit_at = utcnow()
    db.session.commit()
    page.locator("#live tr", has_text="Ada Learner").wait_for(timeout=15_000)  # no reload: htmx polled
    assert "saving" in page.locator(f"#live-{attempt.id}").inner_text()
    assert db.session.get(Attempt, attempt.id).status == "open"
    page.close()


def test_a_refused_save_is_answered_even_when_redis_is_down(client, launched, teacher, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    from lti_app.services import live as live_service

    class DownRedis:
        def __getattr__(self, name):
            raise RedisConnectionError("Redis is down")

    first = open_player(client, launched)
    open_player(client, launched, attempt_id=first["attemptId"])
    monkeypatch.setattr(live_service, "jobs", type("Jobs", (), {"redis": DownRedis()})())
    refused = client.post(first["commitUrl"], data=json.dumps(batch(cmi__location="q2")))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "superseded"
    assert "Ada Learner" in live(teacher, 1)  # listed, without the refusals Redis would have told
