"""Setting LTI 1.3 up: registrations by CLI, dashboard and Dynamic Registration; configuration helpers;
the roster button."""
import html
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lti_app.models import Lti13Registration
from lti_app.services.consumers import create_admin
from tests import factories
from tests.lms.lti13_platform import LocalPlatform
from tests.lms.outcome_service import unused_port

# The LTI substitution variables for a copied link's and course's earlier ids (LTI 1.3 core, Appendix C).
HISTORY_VARIABLES = {"resource_link_history": "$ResourceLink.id.history", "context_history": "$Context.id.history"}


@pytest.fixture
def consumer(app):
    return factories.consumer()


@pytest.fixture
def admin_client(client, consumer):
    create_admin("boss@example.edu", "correct horse", superuser=True)
    client.post("/auth/login", data={"email": "boss@example.edu", "password": "correct horse"})
    return client


REGISTER = ["lti13", "register", "--consumer", "test-key", "--issuer", "https://lms.example.edu",
            "--client-id", "abc", "--deployment", "1", "--deployment", "2",
            "--login-url", "https://lms.example.edu/auth", "--token-url", "https://lms.example.edu/token",
            "--keyset-url", "https://lms.example.edu/jwks"]


def test_cli_registers_a_platform(runner, consumer):
    result = runner.invoke(args=REGISTER)
    assert result.exit_code == 0, result.output
    row = Lti13Registration.query.one()
    assert (row.consumer_id, row.client_id, row.deployment_ids) == (consumer.id, "abc", ["1", "2"])
    again = runner.invoke(args=REGISTER[:8] + ["--deployment", "3"] + REGISTER[10:])
    assert again.exit_code == 0 and Lti13Registration.query.one().deployment_ids == ["1", "2", "3"]


def test_cli_refuses_an_unknown_consumer_and_bad_urls(runner, consumer):
    assert "No consumer" in runner.invoke(args=REGISTER[:3] + ["nope"] + REGISTER[4:]).output
    bad = runner.invoke(args=REGISTER[:-1] + ["ftp://lms/jwks"])
    assert bad.exit_code != 0 and "http(s) URL" in bad.output and Lti13Registration.query.count() == 0


def test_dashboard_page_adds_and_deletes_registrations(admin_client, consumer):
    page = admin_client.get(f"/dashboard/consumers/{consumer.id}/lti13")
    assert page.status_code == 200 and b"/lti/register?invite=" in page.data
    saved = admin_client.post(f"/dashboard/consumers/{consumer.id}/lti13", data={
        "issuer": "https://canvas.instructure.com", "client_id": "1000001", "deployment_ids": "d1 d2",
        "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
        "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks"}, follow_redirects=True)
    assert b"1000001" in saved.data
    row = Lti13Registration.query.one()
    assert row.deployment_ids == ["d1", "d2"]
    admin_client.post(f"/dashboard/consumers/{consumer.id}/lti13/{row.id}/delete")
    assert Lti13Registration.query.count() == 0


def test_registrations_page_is_for_administrators_only(client, consumer):
    factories.launch(client, person=factories.INSTRUCTOR)
    assert client.get(f"/dashboard/consumers/{consumer.id}/lti13").status_code == 404


def test_dynamic_registration_registers_on_both_sides(app, client, consumer):
    from lti_app.services import registrations

    with LocalPlatform("http://examgate.test") as platform:
        invite = registrations.invite_token(consumer)
        reply = client.get("/lti/register", query_string={
            "invite": invite, "openid_configuration": f"{platform.url}/.well-known/openid-configuration",
            "registration_token": "registration-token"})
        assert reply.status_code == 200, reply.data
        assert b"org.imsglobal.lti.close" in reply.data
        [sent] = platform.tool_registrations
    row = Lti13Registration.query.one()
    assert (row.issuer, row.client_id, row.deployment_ids) == (platform.url, "dynamic-client", ["dynamic-deployment"])
    assert row.consumer_id == consumer.id and row.key_set_url == f"{platform.url}/jwks"
    assert sent["initiate_login_uri"] == "http://examgate.test/lti/login"
    assert sent["redirect_uris"] == ["http://examgate.test/lti/launch"]
    assert sent["jwks_uri"] == "http://examgate.test/lti/jwks.json"
    assert sent["scope"] == "https://purl.imsglobal.org/spec/lti-ags/scope/score"
    assert sent["https://purl.imsglobal.org/spec/lti-tool-configuration"]["custom_parameters"] == HISTORY_VARIABLES


def test_dynamic_registration_needs_a_valid_invite(client, consumer):
    reply = client.get("/lti/register", query_string={"invite": "forged", "openid_configuration": "http://x"})
    assert reply.status_code == 403 and Lti13Registration.query.count() == 0


def test_canvas_configurations(client):
    lti13 = client.get("/lti/config/lti13.json").get_json()
    assert lti13["oidc_initiation_url"] == "http://examgate.test/lti/login"
    assert lti13["target_link_uri"] == "http://examgate.test/lti/launch"
    assert lti13["public_jwk_url"] == "http://examgate.test/lti/jwks.json"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in lti13["scopes"]
    xml = client.get("/lti/config/canvas.xml")
    assert xml.headers["Content-Type"].startswith("application/xml")
    launch_url = ET.fromstring(xml.data).findtext("{http://www.imsglobal.org/xsd/imsbasiclti_v1p0}launch_url")
    assert launch_url == "http://examgate.test/lti/launch"


def test_every_configuration_asks_for_the_link_and_course_history(client):
    """Canvas's LTI 1.3 JSON and LTI 1.1 XML ask for the course copy history (the registration request
    is checked in test_dynamic_registration_registers_on_both_sides)."""
    assert client.get("/lti/config/lti13.json").get_json()["custom_fields"] == HISTORY_VARIABLES
    custom = ET.fromstring(client.get("/lti/config/canvas.xml").data).find(
        "{http://www.imsglobal.org/xsd/imsbasiclti_v1p0}custom")
    properties = {p.get("name"): p.text for p in custom.findall("{http://www.imsglobal.org/xsd/imslticm_v1p0}property")}
    assert properties == HISTORY_VARIABLES


def test_the_readme_names_the_history_variables():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for name, variable in HISTORY_VARIABLES.items():
        assert f"{name}={variable}" in readme


def test_lti11_custom_exam_attaches_the_exam(client, consumer):
    factories.exam("Algebra test", "algebra-test")
    factories.launch(client, custom_exam="algebra-test")
    from lti_app.models import Resource

    assert Resource.query.one().exam.slug == "algebra-test"


@pytest.mark.parametrize("configuration, token, status, words", [
    ("/jwks", "registration-token", 502, "The LMS's OpenID configuration has no issuer."),
    ("/.well-known/openid-configuration", "wrong-token", 502, "The LMS refused the registration: HTTP 401"),
    ("unreachable", "registration-token", 502, "The LMS did not answer for its OpenID configuration"),
    ("file:///etc/passwd", "registration-token", 400, "The LMS gave no usable URL for its OpenID configuration."),
])
def test_a_dynamic_registration_that_fails_says_why_and_registers_nothing(client, consumer, configuration, token,
                                                                          status, words):
    from lti_app.services import registrations

    with LocalPlatform("http://examgate.test") as platform:
        url = {"unreachable": f"http://127.0.0.1:{unused_port()}/config"}.get(
            configuration, configuration if "://" in configuration else platform.url + configuration)
        reply = client.get("/lti/register", query_string={
            "invite": registrations.invite_token(consumer), "openid_configuration": url,
            "registration_token": token})
    assert reply.status_code == status and words in html.unescape(reply.get_data(as_text=True))
    assert Lti13Registration.query.count() == 0


def test_a_dynamic_registration_cannot_take_another_consumers_client(client, consumer):
    from lti_app.services import registrations

    other = factories.consumer(name="Other LMS", key="other-key")
    with LocalPlatform("http://examgate.test") as platform:
        theirs = registrations.register(other, platform.url, "dynamic-client", ["d"], f"{platform.url}/authorize",
                                        f"{platform.url}/token", f"{platform.url}/jwks")
        reply = client.get("/lti/register", query_string={
            "invite": registrations.invite_token(consumer),
            "openid_configuration": f"{platform.url}/.well-known/openid-configuration",
            "registration_token": "registration-token"})
    assert reply.status_code == 422
    assert "That issuer and client id are registered for another consumer." in reply.get_data(as_text=True)
    [row] = Lti13Registration.query.all()
    assert (row.id, row.consumer_id, row.deployment_ids) == (theirs.id, other.id, ["d"])


def test_the_roster_of_a_course_without_names_and_roles_is_refused_with_the_reason(client):
    world = factories.classroom()  # LTI 1.1 launches offer no roster service
    factories.sign_in(client, world.instructor)
    reply = client.post(f"/dashboard/resources/{world.resource.id}/roster")
    assert reply.status_code == 200  # said in the card the instructor clicked (htmx swaps only 2xx answers)
    assert "The LMS has not offered this course's roster to Examgate" in html.unescape(reply.get_data(as_text=True))
