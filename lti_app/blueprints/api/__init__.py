"""The admin JSON API at /api/v1/: every operation is signed (see lti_app/api/signing.py)."""
from flask import Blueprint

from ...extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # authentication is the request's signature, not a session

from . import routes  # noqa: E402,F401
