"""Configuration from environment variables only (12-factor). Defaults run a laptop demo."""
import os
from pathlib import Path

INSTANCE = Path(__file__).resolve().parent / "instance"


def database_url(environ=os.environ):
    url = environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'examgate.sqlite3'}"
    # PaaS add-ons hand out postgres:// URLs, which SQLAlchemy no longer accepts.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _int(name, default):
    return int(os.environ.get(name, default))


def _seconds_list(name, default):
    return [float(s) for s in os.environ.get(name, default).split(",") if s.strip()]


def _bool(name, default="0"):
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def from_environment():
    scheme = os.environ.get("PREFERRED_URL_SCHEME", "http")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", "examgate-laptop-only-secret"),
        "SQLALCHEMY_DATABASE_URI": database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "PACKAGE_STORAGE": os.environ.get("PACKAGE_STORAGE", "database"),
        "PACKAGE_CACHE_DIR": os.environ.get("PACKAGE_CACHE_DIR", str(INSTANCE / "package-cache")),
        "PACKAGE_MAX_UNPACKED_BYTES": _int("PACKAGE_MAX_UNPACKED_BYTES", 200 * 1024 * 1024),
        "PACKAGE_MAX_FILES": _int("PACKAGE_MAX_FILES", 5000),
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_BYTES", 100 * 1024 * 1024),
        "PREFERRED_URL_SCHEME": scheme,
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "DEMO_MODE": _bool("EXAMGATE_DEMO"),
        "LTI_TIMESTAMP_WINDOW_SECONDS": _int("LTI_TIMESTAMP_WINDOW_SECONDS", 300),
        "LTI_HTTP_TIMEOUT_SECONDS": float(os.environ.get("LTI_HTTP_TIMEOUT_SECONDS", "10")),
        "OUTCOME_TIMEOUT_SECONDS": float(os.environ.get("OUTCOME_TIMEOUT_SECONDS", "10")),
        "OUTCOME_RETRY_INTERVALS": _seconds_list("OUTCOME_RETRY_INTERVALS", "10,30,60,300,900,1800,3600"),
        "OUTCOME_SWEEP_SECONDS": _int("OUTCOME_SWEEP_SECONDS", 60),
        # Saves sent before time ran out may arrive this much later and still count.
        "DEADLINE_GRACE_SECONDS": _int("DEADLINE_GRACE_SECONDS", 120),
        "OVERDUE_SWEEP_SECONDS": _int("OVERDUE_SWEEP_SECONDS", 60),
        # How long the player waits for the exam package to call Initialize before telling the student.
        "PACKAGE_START_SECONDS": _int("PACKAGE_START_SECONDS", 45),
        "SESSION_COOKIE_SECURE": scheme == "https",
        # An LMS shows the tool in an iframe: the session cookie must be sent cross-site there.
        "SESSION_COOKIE_SAMESITE": "None" if scheme == "https" else "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "SMTP_URL": os.environ.get("SMTP_URL") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "examgate@localhost"),
        "DOCS_URL": os.environ.get("DOCS_URL", "https://github.com/examgate/examgate/blob/main/docs/"),
    }
