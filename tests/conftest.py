"""One app and one database per test: a SQLite file, or a fresh schema on the real PostgreSQL
when TEST_DATABASE_URL is set; real Redis (flushed) when REDIS_URL is set, else fakeredis.
Jobs are queued as in production and run by the `run_jobs` fixture."""
import os
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

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
        worker = SimpleWorker([jobs.queue], connection=jobs.redis)
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
