"""GET /demo: try a student and an instructor launch without an LMS (demo mode only)."""
from flask import Blueprint, abort, current_app, render_template, url_for

from ..services import demo

bp = Blueprint("demo", __name__, url_prefix="/demo")


@bp.before_request
def demo_only():
    if not current_app.config["DEMO_MODE"]:
        abort(404)


@bp.get("/")
def index():
    launch_url = url_for("launch.launch", _external=True)
    forms = {role: demo.launch_form(role, launch_url) for role in demo.DEMO_PEOPLE}
    return render_template("demo/index.html", launch_url=launch_url, forms=forms, people=demo.DEMO_PEOPLE)
