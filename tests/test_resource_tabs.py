"""The navigation bar and the resource tabs: every entry names a real endpoint, and every resource page
(outcomes and exam package included) is inside the resource layout with its breadcrumb and tab bar."""
import re

import pytest

from lti_app.blueprints.dashboard.layout import NAV, RESOURCE_TABS
from tests import factories


@pytest.mark.parametrize("entry", NAV + RESOURCE_TABS, ids=lambda entry: entry.endpoint)
def test_every_entry_names_an_existing_endpoint(app, entry):
    assert entry.endpoint in app.view_functions, f"{entry.label!r} names no view: {entry.endpoint}"


@pytest.fixture
def world(app, client):
    world = factories.classroom()
    factories.sign_in(client, world.instructor)
    return world


@pytest.mark.parametrize("tab", RESOURCE_TABS, ids=lambda tab: tab.label)
def test_every_tab_is_shown_and_answers_inside_the_resource_layout(app, client, world, tab):
    with app.test_request_context():
        from flask import url_for

        url = url_for(tab.endpoint, resource_id=world.resource.id)
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    tab_links = re.findall(r'<nav class="tabs" aria-label="Resource">(.*?)</nav>', html, re.S)
    assert tab_links, "no resource tab bar"
    assert all(f">{other.label}</a>" in tab_links[0] for other in RESOURCE_TABS)
    assert f'aria-current="page" class="active">{tab.label}</a>' in tab_links[0]
    assert f'href="/dashboard/contexts/{world.context.id}"' in html  # the breadcrumb back to the course
