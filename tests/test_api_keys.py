"""API keys: the CLI and the dashboard page that create (secret shown once), list and revoke them."""
import pytest

from lti_app.models import ApiKey
from lti_app.services import api_keys
from tests import factories


def test_cli_creates_and_revokes_a_key(runner):
    factories.admin("ops@example.edu")
    created = runner.invoke(args=["api-keys", "create", "OPS@example.edu", "--name", "nightly sync"])
    assert created.exit_code == 0, created.output
    key = ApiKey.query.one()
    assert created.output == f"api_key: {key.key_id}\nsecret: {key.secret}\n" and key.name == "nightly sync"
    revoked = runner.invoke(args=["api-keys", "revoke", key.key_id])
    assert revoked.exit_code == 0 and ApiKey.query.one().revoked_at is not None


def test_cli_refuses_an_unknown_administrator_or_key(runner):
    assert "no administrator" in runner.invoke(args=["api-keys", "create", "who@example.edu"]).output
    assert "no API key" in runner.invoke(args=["api-keys", "revoke", "egk_missing"]).output
    assert ApiKey.query.count() == 0


@pytest.fixture
def signed_in(client):
    admin = factories.admin("dash@example.edu", superuser=False)
    client.post("/auth/login", data={"email": "dash@example.edu", "password": "admin-password"})
    return admin


def test_the_dashboard_shows_a_new_secret_once(client, signed_in):
    created = client.post("/dashboard/api-keys", data={"name": "course setup"})
    key = ApiKey.query.one()
    assert created.status_code == 200
    assert key.secret in created.text and key.key_id in created.text and key.admin_id == signed_in.id
    page = client.get("/dashboard/api-keys")
    assert page.status_code == 200 and key.key_id in page.text and key.secret not in page.text


def test_the_dashboard_revokes_only_the_administrators_own_keys(client, signed_in):
    theirs = factories.api_key("other@example.edu")
    ours = api_keys.create_key("dash@example.edu")
    assert client.post(f"/dashboard/api-keys/{theirs.key_id}/revoke").status_code == 404
    revoked = client.post(f"/dashboard/api-keys/{ours.key_id}/revoke", follow_redirects=True)
    assert revoked.status_code == 200 and "revoked" in revoked.text
    assert theirs.key_id not in revoked.text
    assert {key.key_id: key.revoked_at is not None for key in ApiKey.query} == {
        theirs.key_id: False, ours.key_id: True}


def test_people_from_an_lms_have_no_api_keys_page(client):
    factories.consumer()
    factories.launch(client, person=factories.INSTRUCTOR)
    assert client.get("/dashboard/api-keys").status_code == 404
