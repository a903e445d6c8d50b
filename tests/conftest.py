"""One app and one database per test: a SQLite file, or a fresh schema on the real PostgreSQL
when TEST_DATABASE_URL is set; real Redis (flushed) when REDIS_URL is set, else fakeredis.
Jobs are queued as in production and run by the `run_jobs` fixture.

As in production, every request and every job runs in its own app context and database session,
with the end-of-request clean-up; the test's own session is ended around each of them, so what the
test reads afterwards is what was committed. A route that forgets to commit fails its test."""
import contextvars
import os
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from flask import current_app, has_app_context
from flask.testing import FlaskClient

from config import database_url
from lti_app import create_app
from lti_app.extensions import db, jobs

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("REDIS_URL")
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def app_settings(tmp_path, **overrides):
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'examgate.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "JOBS_INLINE": False,
        "PACKAGE_CACHE_DIR": str(tmp_path / "package-cache"),
        "OUTCOME_RETRY_INTERVALS": [0, 0, 0],
        "SERVER_NAME": "examgate.test",
        "WTF_CSRF_ENABLED": False,
    }
    settings.update(overrides)
    return settings


def end_test_transaction():
    """End the test's own transaction, so its next read sees what the requests and jobs committed.
    Changes the test made but did not commit would be invisible to them: that is the test's bug."""
    if not has_app_context():
        return
    unsaved = db.session.new | db.session.dirty | db.session.deleted
    assert not unsaved, f"the test changed {unsaved} without committing before a request or job"
    db.session.rollback()


def in_own_context(call, *args, **kwargs):
    """Run `call` with no app or request context inherited from the test, as a fresh request would."""
    end_test_transaction()
    try:
        return contextvars.Context().run(call, *args, **kwargs)
    finally:
        end_test_transaction()


class Client(FlaskClient):
    """Flask's test client reuses an app context the test has pushed, and with it the test's database
    session; this one gives each request its own, as a real server does. A streamed body is read
    inside that context too, as a server reads it before the request ends."""

    def open(self, *args, **kwargs):
        return in_own_context(super().open, *args, **{**kwargs, "buffered": True})


@pytest.fixture
def database_uri(tmp_path):
    """A database for one test, dropped afterwards."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'examgate.sqlite3'}"
        return
    url = database_url({"DATABASE_URL": TEST_DATABASE_URL})
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def make_app(tmp_path, database_uri):
    """Build the app with extra settings; the database schema is created once per test."""
    created = []

    def build(**overrides):
        app = create_app(app_settings(tmp_path, SQLALCHEMY_DATABASE_URI=database_uri, **overrides))
        app.test_client_class = Client
        with app.app_context():
            if not created:
                db.create_all()
                created.append(app)
                if not overrides.get("REDIS_URL"):
                    jobs.redis.flushdb()
        return app

    yield build
    for app in created:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def run_jobs(app):
    """Run every queued job (and retries due now) in this process, as a worker would."""
    from rq import SimpleWorker

    def run():
        app_of_jobs = current_app._get_current_object()

        class Worker(SimpleWorker):
            """Each job in its own app context, as the production worker runs it."""

            def perform_job(self, *args, **kwargs):
                def perform():
                    with app_of_jobs.app_context():
                        return SimpleWorker.perform_job(self, *args, **kwargs)
                return in_own_context(perform)

        worker = Worker([jobs.queue], connection=jobs.redis)
        worker.work(burst=True, with_scheduler=True)
        return worker

    return run


@contextmanager
def serve(app):
    """`app` served over real HTTP on 127.0.0.1 in a thread, inside its app context; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with app.app_context():
            yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def live_server(make_app):
    """The app served over real HTTP on 127.0.0.1 in a thread; yields (app, base URL)."""
    app = make_app(SERVER_NAME=None)
    with serve(app) as url:
        yield app, url


@pytest.fixture
def browser():
    """Headless Debian Chromium driven by Playwright; screenshots go to tests/artifacts/."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
