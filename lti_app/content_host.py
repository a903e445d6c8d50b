"""The content host: a second hostname of the same app that serves package files and nothing else.

With CONTENT_ORIGIN set (e.g. https://content.exams.example.edu), package files are served only
there, and that host answers every other path with a bare 404: no dashboard, no API, no cookie set
or read. Unset, package files are served from the app's own host (single-host mode). In both modes
they run in an opaque origin (docs/content-origin.md says why and how).
"""
from urllib.parse import urlsplit

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface

CONTENT_ENDPOINTS = frozenset({"player.file", "player.content_api"})


def content_origin() -> str | None:
    """scheme://host[:port] of the content host, or None in single-host mode."""
    configured = current_app.config.get("CONTENT_ORIGIN")
    if not configured:
        return None
    parts = urlsplit(configured)
    return f"{parts.scheme}://{parts.netloc}".lower()


def on_content_host() -> bool:
    origin = content_origin()
    return origin is not None and urlsplit(origin).netloc == request.host.lower()


def content_url(path: str) -> str:
    """Where the browser fetches a content path (one that starts with /) in this mode."""
    return (content_origin() or "") + path


def _gate():
    if on_content_host():
        if request.endpoint not in CONTENT_ENDPOINTS:
            return plain_error(404, "Not found.")
    elif content_origin() and request.endpoint in CONTENT_ENDPOINTS:
        return plain_error(404, "Package files are served from the content host.")
    return None


def plain_error(status: int, message: str):
    """An error answer that renders no page, so it needs no session (and no CSRF token in it)."""
    return current_app.response_class(message + "\n", status, mimetype="text/plain")


class SessionInterface(SecureCookieSessionInterface):
    """The cookie session, never opened on the content host: no cookie is read or set there."""

    def open_session(self, app, request):
        if on_content_host():
            return None  # Flask falls back to a null session, which is never saved
        return super().open_session(app, request)


def init_app(app):
    app.session_interface = SessionInterface()
    app.before_request(_gate)
