"""GET /healthz: 200 when the database and Redis answer, 503 naming the one that does not."""
from flask import Blueprint, jsonify
from sqlalchemy import text

from ..extensions import db, jobs

bp = Blueprint("health", __name__)


def _check(probe):
    try:
        probe()
        return "ok"
    except Exception as error:  # any failure to answer is what this endpoint reports
        return f"down: {type(error).__name__}"


@bp.get("/healthz")
def healthz():
    checks = {
        "database": _check(lambda: db.session.execute(text("SELECT 1"))),
        "redis": _check(jobs.redis.ping),
    }
    healthy = all(state == "ok" for state in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", checks=checks), 200 if healthy else 503
