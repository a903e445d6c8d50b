"""Checking a completion receipt code a student shows."""
from flask import render_template, request

from ...services import receipts
from ..viewer import current_viewer
from . import bp


@bp.get("/receipts")
def receipts_page():
    code = request.args.get("code", "").strip()
    attempt = receipts.check_receipt(code) if code else None
    if attempt is not None and not current_viewer().teaches(attempt.resource.context):
        attempt = None  # a genuine code for someone else's resource says nothing here
    return render_template("dashboard/receipts.html", code=code, attempt=attempt)
