"""Finding the Viewer of a request: session cookie first, else a launch token in the request."""
from flask import abort, request, session

from .. import tokens
from ..access import Viewer
from ..extensions import db
from ..models import Admin, Launch, User

LAUNCH_TOKEN_PARAM = "lt"


def current_viewer() -> Viewer:
    # Kept on the request, not on g: an app context (and its g) can outlive one request, as in tests.
    if not hasattr(request, "examgate_viewer"):
        request.examgate_viewer = _from_launch_token() or _from_session() or Viewer()
    return request.examgate_viewer


def _from_session():
    if session.get("admin_id"):
        admin = db.session.get(Admin, session["admin_id"])
        return Viewer(admin=admin) if admin else None
    if session.get("user_id"):
        user = db.session.get(User, session["user_id"])
        return Viewer(user=user) if user else None
    return None


def _from_launch_token():
    token = (request.args.get(LAUNCH_TOKEN_PARAM) or request.form.get(LAUNCH_TOKEN_PARAM)
             or request.headers.get("X-Launch-Token"))
    launch_id = tokens.read("launch", token)
    launch = db.session.get(Launch, launch_id) if launch_id else None
    return Viewer(user=launch.user, launch=launch) if launch else None


def launch_token(launch) -> str:
    return tokens.sign("launch", launch.id)


def sign_in_user(user):
    session.clear()
    session["user_id"] = user.id


def sign_in_admin(admin):
    session.clear()
    session["admin_id"] = admin.id


def get_or_404(model, row_id):
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return row
