"""The administrator sign-in: failures counted per account and per address in Redis, then a 429."""
import pytest

from tests import factories

RIGHT = {"email": "boss@example.edu", "password": "correct horse"}


@pytest.fixture
def limited(make_app):
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT=3, LOGIN_FAILURES_PER_ADDRESS=5, LOGIN_FAILURE_WINDOW_SECONDS=600)
    with app.app_context():
        factories.admin(email=RIGHT["email"], password=RIGHT["password"])
        yield app


def sign_in(client, address="203.0.113.7", **fields):
    return client.post("/auth/login", data={**RIGHT, **fields}, environ_base={"REMOTE_ADDR": address})


def test_an_account_is_locked_after_its_failures_even_for_the_right_password(limited):
    client = limited.test_client()
    assert [sign_in(client, password="wrong").status_code for _ in range(3)] == [401, 401, 401]
    refused = sign_in(client, address="198.51.100.1")
    assert refused.status_code == 429 and b"Too many failed sign-ins" in refused.data
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert "/auth/login" in client.get("/dashboard/").location  # not signed in


def test_an_address_is_locked_after_failures_on_any_accounts(limited):
    client = limited.test_client()
    for n in range(5):
        assert sign_in(client, email=f"guess{n}@example.edu", password="wrong").status_code == 401
    assert sign_in(client).status_code == 429
    assert sign_in(client, address="198.51.100.1").status_code == 302  # another address still signs in


def test_a_right_password_clears_the_account_count(limited):
    client = limited.test_client()
    for _ in range(2):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 302
    assert [sign_in(client, password="wrong").status_code for _ in range(3)] == [401, 401, 401]
    assert sign_in(client).status_code == 429


def test_the_lock_ends_with_its_window(limited):
    from lti_app.extensions import jobs

    client = limited.test_client()
    for _ in range(3):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 429
    for key in jobs.redis.keys("examgate:limit:login-account:*"):
        jobs.redis.expire(key, 0)  # as if the window had passed
    assert sign_in(client).status_code == 302


@pytest.mark.browser
def test_a_locked_account_sees_why_in_chromium(make_app, browser):
    from tests.conftest import ARTIFACTS, serve

    app = make_app(SERVER_NAME=None, LOGIN_FAILURES_PER_ACCOUNT=2)
    with serve(app) as base:
        factories.admin(email=RIGHT["email"], password=RIGHT["password"])
        page = browser.new_page()
        for password in ("wrong", "wrong again", RIGHT["password"]):
            page.goto(f"{base}/auth/login")
            page.fill("input[name=email]", RIGHT["email"])
            page.fill("input[name=password]", password)
            with page.expect_navigation() as navigation:
                page.click("button[type=submit]")
        assert navigation.value.status == 429
        assert "Try again in 15 minutes" in page.inner_text("#login-wait")
        page.screenshot(path=str(ARTIFACTS / "login-locked.png"), full_page=True)
