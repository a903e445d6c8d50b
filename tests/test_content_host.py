"""CONTENT_ORIGIN: package files are served only from the content host, which answers nothing else
and neither reads nor sets a cookie."""
import json
import re
from urllib.parse import urlsplit

import pytest

from tests import factories

CONTENT = "https://content.examgate.test"


@pytest.fixture
def app(make_app):
    app = make_app(CONTENT_ORIGIN=CONTENT + "/")
    with app.app_context():
        yield app


@pytest.fixture
def launch_url(app, client):
    """The content URL of a student's new attempt, opened on the main host."""
    factories.exam_resource(factories.consumer(), factories.uploaded_exam())
    launched = factories.launch(client)
    started = client.post("/resources/1/attempts", data={"lt": re.search(r"lt=([^&]+)", launched.location).group(1)})
    page = client.get(started.location)
    settings = json.loads(re.search(rb'id="player-settings">(.*?)</script>', page.data, re.S).group(1))
    return settings["launchUrl"]


def on_content_host(client, path, method="GET", **options):
    return client.open(path, method=method, base_url=CONTENT, **options)


def test_package_files_are_served_from_the_content_host_only(client, launch_url):
    assert launch_url.startswith(f"{CONTENT}/play/1/")
    path = urlsplit(launch_url).path
    page = on_content_host(client, path)
    assert page.status_code == 200 and b"Examgate demo quiz" in page.data
    assert page.headers["Content-Security-Policy"].startswith("sandbox")
    assert on_content_host(client, path.replace("files/index.html", "api.js")).status_code == 200
    assert client.get(path).status_code == 404  # not on the main host


@pytest.mark.parametrize("method, path", [
    ("GET", "/dashboard/"), ("GET", "/dashboard/api-keys"), ("GET", "/api/v1/consumers"), ("POST", "/lti/launch"),
    ("GET", "/auth/login"), ("POST", "/auth/login"), ("GET", "/healthz"), ("GET", "/static/js/player.js"),
    ("GET", "/resources/1"), ("GET", "/attempts/1/play"), ("POST", "/play/1/commit"), ("GET", "/nothing-here"),
])
def test_the_content_host_answers_nothing_else(app, launch_url, method, path):
    superuser = app.session_interface.get_signing_serializer(app).dumps(
        {"admin_id": factories.admin(superuser=True).id})
    client = app.test_client()
    for domain in ("examgate.test", "content.examgate.test"):
        client.set_cookie("session", superuser, domain=domain)
    assert client.get("/dashboard/api-keys").status_code == 200  # on the main host
    answer = on_content_host(client, path, method=method)
    assert answer.status_code == 404 and answer.mimetype == "text/plain"
    assert "Set-Cookie" not in answer.headers


def test_the_content_host_neither_reads_nor_sets_cookies_on_its_own_paths(client, launch_url):
    path = urlsplit(launch_url).path
    for url in (path, path.replace("files/index.html", "api.js"), path.replace("index.html", "missing.js")):
        answer = on_content_host(client, url, headers={"Cookie": "session=forged"})
        assert "Set-Cookie" not in answer.headers and "Vary" not in answer.headers
