from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from . import exams, registrations, routes  # noqa: E402,F401
