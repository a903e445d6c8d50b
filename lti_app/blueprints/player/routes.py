"""The player: the page holding the SCORM API, the package's files, and the commit endpoint.

Files and commits authenticate with signed per-attempt tokens in the URL, never a cookie, so the
player works inside an LMS iframe with third-party cookies blocked. The player token (commits)
names the attempt, the window's session key (a newer window replaces it) and the mode (normal or
review). The package's own documents never see it: their URLs carry a content token, which only
lets them read the package's files and the attempt's state, in an opaque origin.
"""
import json
import re
from functools import cache
from pathlib import Path

from flask import abort, current_app, jsonify, render_template, request, send_from_directory, url_for
from werkzeug.security import safe_join

from ... import tokens
from ...content_host import content_url, plain_error
from ...errors import UserFacingError
from ...extensions import csrf, db
from ...models import Attempt
from ...scorm import runtime
from ...models.base import utcnow
from ...scorm.package import content_type_for
from ...services import access_changes, attempts, exams, live
from ..viewer import LAUNCH_TOKEN_PARAM, current_viewer, get_or_404
from . import bp

PLAYER_TOKEN = "player"
CONTENT_TOKEN = "content"
CONTENT_SANDBOX = "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads"
CONTENT_SCRIPTS = ("vendor/cross-frame-api.min.js", "js/content-api.js")
SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)
FILE_MAX_AGE = 24 * 3600
MAX_COMMIT_BYTES = 4 * 2**20  # above any batch an attempt may store (attempts.MAX_STATE_CHARS)
REVIEW = "review"


@bp.get("/attempts/<int:attempt_id>/play")
def play(attempt_id):
    """Open an attempt: its student sits it (this window takes over saving), or it is reviewed."""
    viewer = current_viewer()
    if not viewer.is_authenticated:
        return render_template("player/no_session.html"), 401
    attempt = get_or_404(Attempt, attempt_id)
    as_student = (viewer.user is not None and attempt.user_id == viewer.user.id
                  and viewer.is_learner_on(attempt.resource))
    if not (as_student or viewer.teaches(attempt.resource.context)) or (as_student and attempt.deleted_at):
        abort(404)
    attempts.end_if_overdue(attempt)
    review = not as_student or attempt.status != "open" or request.args.get("mode") == REVIEW
    if review and not attempts.may_review(attempt, as_student):
        if attempt.end_reason == "time_up":
            raise UserFacingError("Time is up: this attempt has ended, and what you saved in time was handed in.",
                                  409, "time_up")
        raise UserFacingError("Reviewing finished attempts is not allowed for this exam.", 403, "no_review")
    session_key = "" if review else attempts.open_session(attempt)
    token = tokens.sign(PLAYER_TOKEN, {"a": attempt.id, "s": session_key, "m": _mode(review)})
    back = "student.resource" if as_student else "dashboard.resource"
    return render_template("player/play.html", attempt=attempt, review=review,
                           settings=_settings(attempt, token, review), clock=_clock(attempt, token, review),
                           back_url=url_for(back, resource_id=attempt.resource_id,
                                            **{LAUNCH_TOKEN_PARAM: request.args.get(LAUNCH_TOKEN_PARAM)}))


def _settings(attempt, token, review):
    state, next_sequence = attempts.resume_state(attempt)
    version, mode = attempt.exam_version, _mode(review)
    entry = "resume" if state else "ab-initio"
    content_token = tokens.sign(CONTENT_TOKEN, {
        "a": attempt.id, "m": mode, "e": entry, "d": attempt.deleted_at is not None,
        "o": request.host_url.rstrip("/"),  # the player's origin: the package's documents talk to it only
    })
    return {
        "attemptId": attempt.id,
        "version": version.scorm_version,
        "mode": mode,
        "lms": _lms_values(attempt, mode, entry),
        "state": state,
        "nextSequence": next_sequence,
        "commitUrl": url_for("player.commit", attempt_id=attempt.id, token=token),
        "launchUrl": content_url(_launch_path(attempt, content_token, version.launch_path)),
        "autocommitSeconds": 5,
    }


def _mode(review):
    return REVIEW if review else "normal"


def _lms_values(attempt, mode, entry):
    return runtime.lms_values(attempt.exam_version.scorm_version, mode, entry,
                              attempt.user.lti_user_id, attempt.user.display_name)


def _clock(attempt, token, review):
    """What player_clock.js needs: the deadline, the server's time (the student's clock may be wrong),
    how long a package may take to start, and where to report one that does not."""
    deadline = None if review else access_changes.attempt_deadline(attempt)
    return {"review": review, "deadline": deadline.isoformat() if deadline else None,
            "serverNow": utcnow().isoformat(), "startSeconds": current_app.config["PACKAGE_START_SECONDS"],
            "notStartedUrl": url_for("player.not_started", attempt_id=attempt.id, token=token)}


def _launch_path(attempt, content_token, launch_path):
    path, _, query = launch_path.partition("?")
    url = url_for("player.file", attempt_id=attempt.id, token=content_token, path=path)
    return f"{url}?{query}" if query else url


# --- the package's files, in an opaque origin (docs/content-origin.md) ---------------------------

@bp.get("/play/<int:attempt_id>/<token>/files/<path:path>")
def file(attempt_id, token, path):
    _, attempt = _content_grant(attempt_id, token)
    if attempt is None:
        return plain_error(404, "This exam page has expired or its address is wrong.")
    folder = exams.unpacked_folder(attempt.exam_version)
    mimetype = content_type_for(path)
    if mimetype in runtime.HTML_TYPES:
        response = _page(folder, path, mimetype, url_for("player.content_api", attempt_id=attempt_id, token=token))
    else:
        response = send_from_directory(folder, path, mimetype=mimetype, max_age=FILE_MAX_AGE)
        response.cache_control.private = True
        response.cache_control.public = False
    return _as_content(response)


def _page(folder, path, mimetype, script_url):
    """An HTML file of the package with the SCORM API script put first; never cached."""
    try:
        page = Path(safe_join(str(folder), path) or "").read_bytes()
    except (OSError, TypeError):
        abort(404)
    response = current_app.response_class(runtime.with_api_script(page, script_url), mimetype=mimetype)
    response.cache_control.no_store = True
    return response


@bp.get("/play/<int:attempt_id>/<token>/api.js")
def content_api(attempt_id, token):
    """The API script of the package's documents: scorm-again's CrossFrameAPI, our glue, and the
    values the package reads first (the attempt's state: never cached)."""
    grant, attempt = _content_grant(attempt_id, token)
    if attempt is None:
        return plain_error(404, "This exam page has expired or its address is wrong.")
    state, _ = attempts.resume_state(attempt)
    version = attempt.exam_version.scorm_version
    config = {"playerOrigin": grant["o"], "version": version,
              "values": runtime.first_values(state, version, _lms_values(attempt, grant["m"], grant["e"]))}
    script = f"{_content_scripts()}\nexamgateContentApi({json.dumps(config)});\n"
    response = current_app.response_class(script, mimetype="text/javascript")
    response.cache_control.no_store = True
    return _as_content(response)


def _content_grant(attempt_id, token):
    """The content token's grant and its attempt; (None, None) for a wrong or stale token, or an
    attempt deleted (or restored) since the token was signed."""
    grant = tokens.read(CONTENT_TOKEN, token)
    attempt = db.session.get(Attempt, attempt_id) if grant and grant.get("a") == attempt_id else None
    if attempt is None or (attempt.deleted_at is not None) != grant["d"]:
        return None, None
    return grant, attempt


def _as_content(response):
    """Whatever the package's files do, they do it in an opaque origin, with no referrer to leak the URL."""
    response.headers["Content-Security-Policy"] = CONTENT_SANDBOX
    response.headers["Referrer-Policy"] = "no-referrer"
    # An opaque origin fetching its own package's files is a cross-origin request.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@cache
def _content_scripts():
    static = Path(current_app.static_folder)
    scripts = [(static / name).read_text() for name in CONTENT_SCRIPTS]
    return "\n".join(SOURCE_MAP.sub("", script) for script in scripts)


@bp.post("/play/<int:attempt_id>/commit")
@csrf.exempt  # sendBeacon can send no header: the signed token in the URL is the protection
def commit(attempt_id):
    session = None
    try:
        session = _session(attempt_id, request.args.get("token"))
        if session["m"] == REVIEW:
            raise UserFacingError("This attempt is open for review: nothing is saved.", 409, "review_session")
        batch = attempts.parse_batch(_json_body())
        return jsonify(attempts.commit(attempt_id, session["s"], batch).as_json())
    except UserFacingError as error:
        if session is not None:  # a window of this attempt, refused: its instructor's live view shows it
            live.save_refused(attempt_id, error.code, error.message)
        return _refusal(error)


@bp.post("/play/<int:attempt_id>/not-started")
@csrf.exempt  # as the commit: the signed token in the URL is the protection
def not_started(attempt_id):
    """The player reports a package that never called Initialize."""
    try:
        session = _session(attempt_id, request.args.get("token"))
        if session["m"] == REVIEW:
            raise UserFacingError("This attempt is open for review: nothing is recorded.", 409, "review_session")
        attempts.package_not_started(attempt_id, session["s"])
        return jsonify(result=True)
    except UserFacingError as error:
        return _refusal(error)


def _refusal(error):
    return jsonify(result=False, error={"code": error.code, "message": error.message,
                                        "param": error.param}), error.status


def _session(attempt_id, token):
    session = tokens.read(PLAYER_TOKEN, token)
    if not session or session.get("a") != attempt_id:
        raise UserFacingError("This exam page has expired or its address is wrong. "
                              "Launch the exam again from your LMS.", 404, "bad_token")
    return session


def _json_body():
    """The batch, whatever the content type: a beacon sends text/plain."""
    # Read at most one byte past the limit, whatever looked at the request's stream before.
    body = request.stream.read(MAX_COMMIT_BYTES + 1)
    if len(body) > MAX_COMMIT_BYTES:
        raise UserFacingError(f"This save is over {MAX_COMMIT_BYTES // 2**20} MB; it was not saved.", 413,
                              "commit_too_large")
    try:
        return json.loads(body or b"null")
    except RecursionError:
        raise UserFacingError("The commit is nested too deeply.", 400, "bad_commit") from None
    except ValueError:
        raise UserFacingError("The commit is not JSON.", 400, "bad_commit") from None
