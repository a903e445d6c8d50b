"""Security headers on every response.

nosniff: a browser never guesses a type (a package's .txt is never run as a script).
Referrer-Policy same-origin: URLs carry launch tokens (?lt=...), which must not reach other sites'
logs through the Referer header; Examgate's own form posts still send it (CSRF checks read it).
CSP frame-ancestors on pages: only Examgate and the registered LMSs may frame them. A redirect is no
page (a browser shows nothing of it and applies the policy of where it lands), so it gets none and
reads no LMS origins: every launch answers with one. Package files set their own CSP (a sandbox, see
blueprints/player).
"""
from .services import frame_ancestors


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if _is_page(response) and "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = "frame-ancestors " + " ".join(
            ["'self'", *frame_ancestors.allowed()])
    return response


def _is_page(response):
    return response.mimetype == "text/html" and not 300 <= response.status_code < 400


def init_app(app):
    app.after_request(_security_headers)
