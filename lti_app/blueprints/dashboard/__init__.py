"""The instructor and administrator dashboard: one module per page group."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from . import (access, admin, api_keys, attempts, exams, layout, outcomes, receipts,  # noqa: E402,F401
               registrations, remarking, reports, resources, search, statistics, timeline)
