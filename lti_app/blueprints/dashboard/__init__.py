"""The instructor and administrator dashboard: one module per page group."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from . import (access, admin, attempts, exams, layout, outcomes, receipts, registrations,  # noqa: E402,F401
               remarking, resources, search, timeline)
