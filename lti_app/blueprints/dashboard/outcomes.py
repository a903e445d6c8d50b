"""Scores sent to the LMS: per resource (instructors) and failures site-wide (administrators)."""
from flask import redirect, render_template, request, url_for

from ...models import Outcome
from ... import outcomes
from ..viewer import current_viewer, get_or_404
from . import bp
from .layout import admin_only, resource_or_404, resource_tab

IN_FLIGHT = ("pending", "sending", "retrying")


@bp.get("/resources/<int:resource_id>/outcomes")
def resource_outcomes(resource_id):
    return _outcomes_page(resource_or_404(resource_id))


@bp.post("/resources/<int:resource_id>/outcomes/<int:outcome_id>/resend")
def resend_outcome(resource_id, outcome_id):
    resource = resource_or_404(resource_id)
    outcomes.resend(get_or_404(Outcome, outcome_id, resource_id=resource.id))
    return _after_change(resource)


@bp.post("/resources/<int:resource_id>/outcomes/resend")
def resend_all_outcomes(resource_id):
    resource = resource_or_404(resource_id)
    outcomes.resend_all(resource)
    return _after_change(resource)


@bp.post("/resources/<int:resource_id>/outcomes/report")
def report_scores(resource_id):
    resource = resource_or_404(resource_id)
    outcomes.report_resource(resource)
    return _after_change(resource)


@bp.get("/outcomes/failures")
@admin_only
def outcome_failures():
    viewer = current_viewer()
    consumer_ids = None if viewer.admin.is_superuser else [c.id for c in viewer.admin.consumers]
    return render_template("dashboard/outcome_failures.html", viewer=viewer,
                           outcomes=outcomes.failing_outcomes(consumer_ids),
                           flagged=outcomes.flagged_consumers(consumer_ids))


def _outcomes_page(resource):
    rows = outcomes.resource_outcomes(resource)
    return resource_tab(resource, "dashboard/_outcomes_table.html", outcomes=rows,
                        in_flight=any(o.state in IN_FLIGHT for o in rows))


def _after_change(resource):
    if request.headers.get("HX-Request"):
        return _outcomes_page(resource)
    return redirect(url_for("dashboard.resource_outcomes", resource_id=resource.id), code=303)
