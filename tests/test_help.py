"""Examgate's own help at /help/…: every help link of every page leads to a page and section that exist."""
import re
from pathlib import Path

import pytest

from lti_app import __version__
from lti_app.extensions import db
from lti_app.blueprints.help import PAGES
from tests import factories
from tests.test_dashboard_access import _routes, world  # noqa: F401  (the classroom with a row for every id)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
HREF = re.compile(r'href="([^"]*)"')
TEMPLATE_HELP_LINK = re.compile(r"url_for\('help\.page'(?:, name='([^']+)')?(?:, _anchor='([^']+)')?\)")


class Links:
    """Follows links once each: the page must answer 200 and hold the element the #fragment names."""

    def __init__(self, client):
        self.client, self.pages = client, {}

    def follow(self, href, source):
        path, _, anchor = href.partition("#")
        if path not in self.pages:
            self.pages[path] = self.client.get(path)
        page = self.pages[path]
        assert page.status_code == 200, f"{source} links to {href}: {page.status_code}"
        if anchor:
            assert f'id="{anchor}"' in page.text, f"{source} links to {href}: no such section"


def help_links(page):
    return [href for href in HREF.findall(page.text) if href.startswith("/help")]


def test_every_help_link_of_every_page_is_live(app, client, world):  # noqa: F811
    links = Links(app.test_client())
    for method, url, endpoint in _routes(app, world.ids):
        if method != "GET" or endpoint == "player.file":
            continue
        admin_only = getattr(app.view_functions[endpoint], "admin_only", False)
        factories.sign_in(client, world.admin if admin_only else
                          world.instructor if endpoint.startswith("dashboard.") else world.student)
        page = client.get(url)
        if "<footer" in page.text:
            assert help_links(page), f"{url} has no help link"
        for href in help_links(page):
            links.follow(href, url)


def test_student_pages_link_to_student_help(app, client, world):  # noqa: F811
    factories.sign_in(client, world.student)
    world.attempt.status = "open"
    db.session.commit()
    for url in (f"/resources/{world.resource.id}", f"/attempts/{world.attempt.id}/play"):
        page = client.get(url)
        assert [href for href in help_links(page) if href.startswith("/help/students")], url


def test_signed_out_pages_link_to_help(client):
    links = Links(client)
    for url in ("/auth/login", "/no-such-page"):
        page = client.get(url)
        assert help_links(page), url
        for href in help_links(page):
            links.follow(href, url)


def test_help_links_written_in_templates_exist(client):
    """Also those of pages no crawl reaches (LTI 1.3 deep linking and registration)."""
    links = Links(client)
    for template in TEMPLATES.rglob("*.html"):
        for name, anchor in TEMPLATE_HELP_LINK.findall(template.read_text()):
            assert (name or "index") in PAGES, f"{template.name}: no help page {name}"
            links.follow(f"/help/{name}" + (f"#{anchor}" if anchor else ""), template.name)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_link_in_the_help_is_live(client, name):
    links = Links(client)
    address = "/help/" if name == "index" else f"/help/{name}"
    page = client.get(address)
    assert page.status_code == 200
    ids = re.findall(r' id="([^"]+)"', page.text)
    assert len(ids) == len(set(ids)), f"{address}: a section id twice"
    for href in HREF.findall(page.text):
        if href.startswith(("https://", "http://", "mailto:")):
            continue  # another site's: not ours to check
        assert href.startswith(("/", "#")), f"/help/{name} links to {href}, which is not served"
        links.follow(address + href if href.startswith("#") else href, address)


def test_help_for_each_reader():
    readers = {"students": ["sitting an exam", "time limits", "what is saved", "receipts"],
               "dashboard": ["re-marking", "reports", "statistics", "attempts"],
               "administrators": ["upgrading", "backing up postgresql", "registering an lms", "admin api"]}
    for name, subjects in readers.items():
        text = PAGES[name].read_text().lower()
        assert all(subject in text for subject in subjects), name


def test_an_unknown_page_is_404(client):
    assert client.get("/help/../config").status_code == 404
    assert client.get("/help/nothing-here").status_code == 404


def test_the_version_comes_from_one_place_and_links_to_the_changelog(client):
    page = client.get("/auth/login")
    assert f'<a href="/help/changelog" title="What changed">{__version__}</a>' in page.text
    changelog = (PAGES["changelog"]).read_text()
    assert re.search(r"^## (\d+\.\d+\.\d+)$", changelog, re.MULTILINE)[1] == __version__
    assert client.get("/help/changelog").status_code == 200
