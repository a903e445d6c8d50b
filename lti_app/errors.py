"""Error pages for people, JSON for the API; never a stack trace."""
import logging

import redis
from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .content_host import on_content_host, plain_error

log = logging.getLogger(__name__)


class UserFacingError(Exception):
    """A refusal to show as it is: `message` is written for the person who made the request."""

    status = 400
    code = "bad_request"

    def __init__(self, message, status=None, code=None, param=None):
        super().__init__(message)
        self.message = message
        self.status = status or self.status
        self.code = code or self.code
        self.param = param


def wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status, title, message, code=None, param=None):
    if on_content_host():
        return plain_error(status, message)
    if wants_json():
        body = {"error": {"code": code or title.lower().replace(" ", "_"), "message": message, "param": param}}
        return jsonify(body), status
    return render_template("error.html", status=status, title=title, message=message), status


def refuse_nul_characters():
    """No text stored or searched may hold U+0000 (PostgreSQL refuses it): refuse it in the address or a
    form field before anything reads it. Uploaded files are not fields and are left alone."""
    # Only a form's body is read here: reading another (a player's commit) would fix its size limit too early.
    fields = (request.args, request.form) if request.want_form_data_parsed else (request.args,)
    for values in fields:
        for name, value in values.items(multi=True):
            name, value = name or "", value or ""  # a multipart part can come without a name or a value
            if "\x00" in name or "\x00" in value:
                shown = name.replace("\x00", "")
                raise UserFacingError(f"The {shown or 'unnamed'} field contains a NUL character (U+0000), which "
                                      "Examgate does not accept. Remove it and try again.", 422,
                                      "invalid_parameter", shown)


def register_error_handlers(app):
    app.before_request(refuse_nul_characters)

    @app.errorhandler(UserFacingError)
    def user_facing(error):
        return error_response(error.status, error.code.replace("_", " ").capitalize(), error.message,
                              error.code, error.param)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.headers.get("HX-Request"):
            return "", 400, {"HX-Refresh": "true"}
        return error_response(400, "Form expired", "The form had expired. Reload the page and try again.")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        # The body over the limit is never read: whatever draws the page (the viewer's launch token is
        # looked for in the form) finds an empty form instead of raising this error again.
        request.form = request.files = ImmutableMultiDict()
        limit = app.config.get("MAX_CONTENT_LENGTH")
        size = f" of {limit // (1024 * 1024)} MB" if limit else ""
        return error_response(413, "Upload too large", f"The request is over the upload limit{size}.",
                              "too_large")

    @app.errorhandler(redis.exceptions.ConnectionError)
    @app.errorhandler(redis.exceptions.TimeoutError)
    def redis_unreachable(error):
        log.error("Redis unreachable on %s %s: %s", request.method, request.path, type(error).__name__)
        page, status = error_response(503, "Examgate is busy", "Examgate cannot reach its job store (Redis) "
                                      "just now, so it cannot finish this request. Please try again in a minute.",
                                      "service_unavailable")
        response = app.make_response((page, status))
        response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error):
        return error_response(error.code, error.name, error.description)

    @app.errorhandler(Exception)
    def unexpected(error):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "Something went wrong",
                              "Examgate hit an unexpected error. Nothing you sent was lost; please try again.")
