"""Examgate: an LTI exam host. create_app builds the Flask application."""
import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import config

from . import content_host, headers
from .extensions import csrf, db, jobs, migrate

ROOT = Path(__file__).resolve().parent.parent
__version__ = "0.1.0"


def create_app(test_config=None):
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    _make_sqlite_folder(app.config["SQLALCHEMY_DATABASE_URI"])
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    from . import models  # noqa: F401  (registers the tables with the metadata)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    jobs.init_app(app)
    content_host.init_app(app)
    headers.init_app(app)

    from .blueprints import register_blueprints
    from .cli import register_commands
    from .errors import register_error_handlers

    register_blueprints(app)
    register_commands(app)
    register_error_handlers(app)
    from .services.marking import attempt_notes

    app.jinja_env.globals.update(examgate_version=__version__, attempt_notes=attempt_notes)
    return app


def _make_sqlite_folder(url):
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
