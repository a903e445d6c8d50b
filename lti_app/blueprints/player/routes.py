"""The player: the page holding the SCORM API, the package's files, and the commit endpoint.

Files and commits authenticate with a signed per-attempt token in the URL, never a cookie, so the
player works inside an LMS iframe with third-party cookies blocked. The token names the attempt,
the window's session key (a newer window replaces it) and the mode (normal or review).
"""
import json

from flask import abort, jsonify, render_template, request, send_from_directory, url_for

from ... import tokens
from ...errors import UserFacingError
from ...extensions import csrf
from ...models import Attempt
from ...scorm.package import content_type_for
from ...services import access_changes, attempts, exams, live
from ..viewer import LAUNCH_TOKEN_PARAM, current_viewer, get_or_404
from . import bp

PLAYER_TOKEN = "player"
FILE_MAX_AGE = 24 * 3600
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
    review = not as_student or attempt.status != "open" or request.args.get("mode") == REVIEW
    if review and not attempts.may_review(attempt, as_student):
        raise UserFacingError("Reviewing finished attempts is not allowed for this exam.", 403, "no_review")
    session_key = "" if review else attempts.open_session(attempt)
    token = tokens.sign(PLAYER_TOKEN, {"a": attempt.id, "s": session_key, "m": REVIEW if review else "normal"})
    back = "student.resource" if as_student else "dashboard.resource"
    return render_template("player/play.html", attempt=attempt, review=review,
                           deadline=None if review else access_changes.attempt_deadline(attempt),
                           settings=_settings(attempt, token, review),
                           back_url=url_for(back, resource_id=attempt.resource_id,
                                            **{LAUNCH_TOKEN_PARAM: request.args.get(LAUNCH_TOKEN_PARAM)}))


def _settings(attempt, token, review):
    state, next_sequence = attempts.resume_state(attempt)
    version = attempt.exam_version
    return {
        "attemptId": attempt.id,
        "version": version.scorm_version,
        "mode": REVIEW if review else "normal",
        "entry": "resume" if state else "ab-initio",
        "learner": {"id": attempt.user.lti_user_id, "name": attempt.user.display_name},
        "state": state,
        "nextSequence": next_sequence,
        "commitUrl": url_for("player.commit", attempt_id=attempt.id, token=token),
        "launchUrl": _launch_url(attempt, token, version.launch_path),
        "autocommitSeconds": 5,
    }


def _launch_url(attempt, token, launch_path):
    path, _, query = launch_path.partition("?")
    url = url_for("player.file", attempt_id=attempt.id, token=token, path=path)
    return f"{url}?{query}" if query else url


@bp.get("/play/<int:attempt_id>/<token>/files/<path:path>")
def file(attempt_id, token, path):
    attempt = get_or_404(Attempt, _session(attempt_id, token)["a"])
    folder = exams.unpacked_folder(attempt.exam_version)
    response = send_from_directory(folder, path, mimetype=content_type_for(path), max_age=FILE_MAX_AGE)
    response.cache_control.private = True
    response.cache_control.public = False
    return response


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
    try:
        return json.loads(request.get_data(cache=False) or b"null")
    except ValueError:
        raise UserFacingError("The commit is not JSON.", 400, "bad_commit") from None
