"""Configuration from environment variables only (12-factor). Defaults run a laptop demo.

SETTINGS is the one list of what Examgate reads from the environment. Adding a setting is one line
here and one row in the README's settings table (tests/test_settings.py checks they agree).
"""
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


class SettingError(ValueError):
    """An environment variable holds a value Examgate cannot use; the message names it."""


def database_url(environ=os.environ):
    url = environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'examgate.sqlite3'}"
    # PaaS add-ons hand out postgres:// URLs, which SQLAlchemy no longer accepts.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _text(value):
    return value or None


def _seconds_list(value):
    return [float(s) for s in value.split(",") if s.strip()]


def _bool(value):
    return value.lower() in ("1", "true", "yes", "on")


def _origins(value):
    """Space- or comma-separated origins."""
    return value.replace(",", " ").split()


def _path(value):
    """A folder; a relative one is relative to the project root."""
    return str(ROOT / value)


@dataclass(frozen=True)
class Setting:
    """An environment variable: `default` as the README shows it (None: unset), `read` turns the text into
    the value, `key` is the app.config key when it differs from the name, `choices` the only values allowed."""
    name: str
    default: str | None
    read: Callable = _text
    key: str | None = None
    choices: tuple = ()

    def value(self, environ):
        text = environ.get(self.name) or self.default
        if text is None:
            return None
        if self.choices and text not in self.choices:
            raise SettingError(f"{self.name}={text!r}: use one of {', '.join(self.choices)}")
        try:
            return self.read(text)
        except ValueError as error:
            raise SettingError(f"{self.name}={text!r}: {error}") from None


SETTINGS = (
    Setting("DATABASE_URL", None, lambda url: database_url({"DATABASE_URL": url}), key="SQLALCHEMY_DATABASE_URI"),
    Setting("REDIS_URL", None),
    Setting("SECRET_KEY", "examgate-laptop-only-secret"),
    Setting("PREFERRED_URL_SCHEME", "http", choices=("http", "https")),
    Setting("TRUSTED_PROXIES", "0", int),
    Setting("LOG_LEVEL", "INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR")),
    Setting("EXAMGATE_DEMO", "0", _bool, key="DEMO_MODE"),
    Setting("PACKAGE_STORAGE", "database", choices=("database",)),
    Setting("PACKAGE_CACHE_DIR", "instance/package-cache", _path),
    Setting("MAX_UPLOAD_BYTES", "104857600", int, key="MAX_CONTENT_LENGTH"),
    Setting("PACKAGE_MAX_UNPACKED_BYTES", "209715200", int),
    Setting("PACKAGE_MAX_FILES", "5000", int),
    Setting("LTI_TIMESTAMP_WINDOW_SECONDS", "300", int),
    Setting("LTI_HTTP_TIMEOUT_SECONDS", "10", float),
    Setting("OUTCOME_TIMEOUT_SECONDS", "10", float),
    Setting("OUTCOME_RETRY_INTERVALS", "10,30,60,300,900,1800,3600", _seconds_list),
    Setting("OUTCOME_SWEEP_SECONDS", "60", int),
    Setting("SMTP_URL", None),
    Setting("MAIL_FROM", "examgate@localhost"),
    Setting("LOGIN_FAILURES_PER_ACCOUNT", "10", int),
    Setting("LOGIN_FAILURES_PER_ADDRESS", "50", int),
    Setting("LOGIN_FAILURE_WINDOW_SECONDS", "900", int),
    Setting("CONTENT_ORIGIN", None),
    Setting("FRAME_ANCESTORS", None, _origins),
    Setting("DEADLINE_GRACE_SECONDS", "120", int),
    Setting("OVERDUE_SWEEP_SECONDS", "60", int),
    Setting("PACKAGE_START_SECONDS", "45", int),
)


def from_environment(environ=os.environ):
    values = {setting.key or setting.name: setting.value(environ) for setting in SETTINGS}
    https = values["PREFERRED_URL_SCHEME"] == "https"
    return values | {
        "SQLALCHEMY_DATABASE_URI": values["SQLALCHEMY_DATABASE_URI"] or database_url({}),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_SECURE": https,
        # An LMS shows the tool in an iframe: the session cookie must be sent cross-site there.
        "SESSION_COOKIE_SAMESITE": "None" if https else "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
    }
