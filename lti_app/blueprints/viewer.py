"""Finding the Viewer of a request: session cookie first, else a launch token in the request."""
from flask import abort, current_app, request, session

from .. import tokens
from ..access import Viewer
from ..extensions import csrf, db
from ..models import Admin, Launch, User

LAUNCH_TOKEN_PARAM = "lt"


VIEWER_KEY = "examgate.viewer"


def current_viewer() -> Viewer:
    # Kept on the request, not on g: g lives as long as the app context, which can span requests.
    if VIEWER_KEY not in request.environ:
        request.environ[VIEWER_KEY] = _from_launch_token() or _from_session() or Viewer()
    return request.environ[VIEWER_KEY]


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


def launch_token(launch_id: int) -> str:
    return tokens.sign("launch", launch_id)


def sign_in_user(user_id: int):
    session.clear()
    session["user_id"] = user_id


def sign_in_admin(admin):
    session.clear()
    session["admin_id"] = admin.id


def get_or_404(model, row_id, **owner):
    """The row, when it exists and belongs to the owner named (e.g. resource_id=3); else 404."""
    row = db.session.get(model, row_id)
    if row is None or any(getattr(row, name) != value for name, value in owner.items()):
        abort(404)
    return row


def protect_form(viewer):
    """For views exempt from cookie CSRF: a launch token in the form proves the request came from our
    own page (a cookie session inside an LMS iframe may not exist); otherwise check the CSRF token."""
    if viewer.launch is None and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
