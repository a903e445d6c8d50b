"""Signing out, and the one-time links that open the dashboard in a window of its own: they work once,
for five minutes, and only lead to a page of Examgate."""
import time

import pytest
from itsdangerous import TimestampSigner

from lti_app.blueprints.auth.routes import ONE_TIME_LINK_AGE, one_time_link
from tests import factories


@pytest.fixture
def world(app):
    return factories.classroom()


def link(app, user, next_url):
    with app.test_request_context():
        return one_time_link(user, next_url).removeprefix("http://examgate.test")


def signed_out(client):
    response = client.get("/dashboard/")
    return response.status_code == 302 and "/auth/login" in response.location


def text(response):
    return response.get_data(as_text=True)


def test_a_link_signs_in_once_and_leads_to_its_page(app, client, world):
    url = link(app, world.instructor, f"/dashboard/resources/{world.resource.id}")
    response = client.get(url)
    assert response.status_code == 302 and response.location == f"/dashboard/resources/{world.resource.id}"
    assert "Week 1 quiz" in text(client.get(response.location))
    stranger = app.test_client()
    reused = stranger.get(url)
    assert reused.status_code == 403 and "already used or is too old" in text(reused)
    assert signed_out(stranger)


def test_a_link_older_than_five_minutes_is_refused(app, client, world, monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - ONE_TIME_LINK_AGE - 1)
    url = link(app, world.instructor, "/dashboard/")
    monkeypatch.undo()
    response = client.get(url)
    assert response.status_code == 403 and "already used or is too old" in text(response)
    assert signed_out(client)


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_a_link_leads_nowhere_outside_examgate(app, client, world, next_url):
    response = client.get(link(app, world.instructor, next_url))
    assert response.status_code == 302 and response.location == "/dashboard/"


def test_a_forged_link_is_refused(client, world):
    response = client.get("/auth/once/not-a-token")
    assert response.status_code == 403 and "Launch Examgate from your LMS again" in text(response)


def test_signing_out_ends_the_session(app, client, world):
    factories.sign_in(client, world.instructor)
    assert client.get("/dashboard/").status_code == 200
    response = client.post("/auth/logout")
    assert response.status_code == 302 and response.location == "/auth/login"
    assert signed_out(client)
    assert client.get("/auth/logout").status_code == 405  # a link cannot sign anyone out
