"""Settings read from the environment, seen where they matter: the session cookie inside an LMS
iframe, a PaaS's postgres:// URL, and jobs run inline when there is no Redis."""
import pytest
from sqlalchemy import create_engine, text

from config import database_url
from lti_app import create_app
from lti_app.extensions import db
from lti_app.models import Report
from lti_app.services.reports import request_report
from tests import factories
from tests.conftest import TEST_DATABASE_URL, app_settings


@pytest.mark.parametrize("scheme, cookie", [("https", "; Secure; HttpOnly; Path=/; SameSite=None"),
                                            ("http", "; HttpOnly; Path=/; SameSite=Lax")])
def test_the_session_cookie_crosses_sites_only_over_https(make_app, monkeypatch, scheme, cookie):
    monkeypatch.setenv("PREFERRED_URL_SCHEME", scheme)
    app = make_app(TRUSTED_PROXIES=1)
    with app.app_context():
        factories.consumer()
        url = f"{scheme}://examgate.test/lti/launch"
        response = app.test_client().post("/lti/launch", data=factories.signed_launch(url=url),
                                          headers={"X-Forwarded-Proto": scheme, "X-Forwarded-For": "10.0.0.1"})
        assert response.status_code == 302
        [session_cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
        assert session_cookie.endswith(cookie)


def test_a_paas_postgres_url_is_read_as_postgresql():
    assert database_url({"DATABASE_URL": "postgres://u:p@db.example:5432/examgate"}) == (
        "postgresql+psycopg://u:p@db.example:5432/examgate")
    assert database_url({"DATABASE_URL": "postgresql://u@h/x"}) == "postgresql+psycopg://u@h/x"
    assert database_url({"DATABASE_URL": "sqlite:///x.db"}) == "sqlite:///x.db"


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs the real PostgreSQL")
def test_a_paas_postgres_url_connects(monkeypatch):
    paas_url = "postgres://" + TEST_DATABASE_URL.split("://", 1)[1]
    monkeypatch.setenv("DATABASE_URL", paas_url)
    engine = create_engine(create_app({"TESTING": True}).config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as connection:
        assert connection.execute(text("select 1")).scalar() == 1
    engine.dispose()


def test_without_redis_jobs_run_inline(tmp_path, database_uri, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings = {k: v for k, v in app_settings(tmp_path).items() if k != "JOBS_INLINE"}  # the default
    app = create_app({**settings, "REDIS_URL": None, "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        db.create_all()
        resource = factories.resource(factories.context(factories.consumer()))
        report_id = request_report(resource, "scores", "Tom Teacher").id
        db.session.remove()
        assert db.session.get(Report, report_id).state == "ready"  # no worker ran
        db.session.remove()
        db.engine.dispose()
