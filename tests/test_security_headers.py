"""Headers on every response: nosniff, a Referrer-Policy that keeps launch tokens on Examgate, and a
CSP frame-ancestors that lets the registered LMSs (and only them) frame Examgate's pages."""
import pytest

from lti_app.extensions import db
from lti_app.models import Consumer, Lti13Registration
from tests import factories

MOODLE = "https://moodle.example.edu"


def frame_ancestors(response):
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("frame-ancestors ")
    return policy.split()[1:]


@pytest.mark.parametrize("path", ["/auth/login", "/healthz", "/static/js/player.js", "/no-such-page",
                                  "/lti/jwks.json", "/api/v1/consumers"])
def test_every_response_is_nosniff_and_keeps_its_address_to_itself(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_may_be_framed_by_examgate_only_until_an_lms_launches(client):
    assert frame_ancestors(client.get("/auth/login")) == ["'self'"]
    assert frame_ancestors(client.get("/no-such-page")) == ["'self'"]  # error pages too
    assert "Content-Security-Policy" not in client.get("/healthz").headers  # JSON is never framed


def test_a_verified_launch_registers_its_lms_as_a_frame_ancestor(app, client):
    factories.consumer()
    forged = factories.signed_launch(launch_presentation_return_url="https://evil.example/return")
    forged["oauth_signature"] = "forged"
    assert client.post("/lti/launch", data=forged, headers={"Origin": "https://evil.example"}).status_code == 401
    assert frame_ancestors(client.get("/auth/login")) == ["'self'"]

    landed = client.post("/lti/launch", headers={"Origin": "https://canvas.example.edu"}, data=factories.signed_launch(
        launch_presentation_return_url=f"{MOODLE}/mod/lti/return.php?course=2"))
    assert landed.status_code == 302
    assert frame_ancestors(client.get(landed.location)) == ["'self'", "https://canvas.example.edu", MOODLE]
    db.session.expire_all()
    assert Consumer.query.one().frame_origins == [MOODLE, "https://canvas.example.edu"]
    factories.launch(client, launch_presentation_return_url=f"{MOODLE}/other", user_id="student-2")
    db.session.expire_all()
    assert Consumer.query.one().frame_origins == [MOODLE, "https://canvas.example.edu"]  # learnt once


def test_a_redirect_is_no_page_and_reads_no_lms_origins(client, monkeypatch):
    from lti_app.services import frame_ancestors as origins

    factories.consumer()
    monkeypatch.setattr(origins, "allowed", lambda: pytest.fail("a redirect read the LMS origins"))
    landed = client.post("/lti/launch", headers={"Origin": MOODLE}, data=factories.signed_launch())
    assert landed.status_code == 302 and "Content-Security-Policy" not in landed.headers
    assert landed.headers["X-Content-Type-Options"] == "nosniff"


def test_lti13_issuers_the_setting_and_only_enabled_consumers_count(make_app):
    app = make_app(FRAME_ANCESTORS=["https://portal.example.edu"])
    with app.app_context():
        consumer = factories.consumer()
        consumer.frame_origins = [MOODLE]
        db.session.add(Lti13Registration(consumer_id=consumer.id, issuer="https://canvas.instructure.com",
                                         client_id="tool-1", auth_login_url="https://x/login",
                                         auth_token_url="https://x/token", key_set_url="https://x/jwks"))
        db.session.commit()
        client = app.test_client()
        assert frame_ancestors(client.get("/auth/login")) == [
            "'self'", "https://canvas.instructure.com", MOODLE, "https://portal.example.edu"]
        consumer.enabled = False
        db.session.commit()
        assert MOODLE not in frame_ancestors(client.get("/auth/login"))


def test_another_process_allows_the_origin_a_launch_just_learnt(make_app):
    serving, launching = make_app(), make_app()  # two processes over one database and one Redis
    launching.extensions["examgate_jobs"] = serving.extensions["examgate_jobs"]
    with serving.app_context():
        factories.consumer()
    pages = serving.test_client()
    assert frame_ancestors(pages.get("/auth/login")) == ["'self'"]  # this process now keeps the list
    landed = launching.test_client().post("/lti/launch", headers={"Origin": MOODLE}, data=factories.signed_launch())
    assert frame_ancestors(pages.get(landed.location)) == ["'self'", MOODLE]


def test_pages_read_the_lms_origins_again_only_after_a_change(app, client):
    from tests.test_commit_statements import statements

    consumer = factories.consumer()
    client.get("/auth/login")
    with statements() as sent:
        assert frame_ancestors(client.get("/auth/login")) == ["'self'"]
    assert sent == []
    consumer.frame_origins = [MOODLE]
    db.session.commit()
    with statements() as sent:
        assert frame_ancestors(client.get("/auth/login")) == ["'self'", MOODLE]
    assert len(sent) == 2  # the consumers' origins and the LTI 1.3 issuers


def test_without_redis_pages_read_the_lms_origins_every_time(app, client, monkeypatch):
    from redis.exceptions import ConnectionError

    from lti_app.extensions import jobs

    consumer = factories.consumer()
    client.get("/auth/login")

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(jobs.redis, "get", unreachable)
    monkeypatch.setattr(jobs.redis, "set", unreachable)
    consumer.frame_origins = [MOODLE]
    db.session.commit()
    assert frame_ancestors(client.get("/auth/login")) == ["'self'", MOODLE]
