"""Re-marking: override one score, discount a part for the whole resource, re-mark every attempt."""
from flask import flash, redirect, render_template, url_for

from ...errors import UserFacingError
from ...models import Discount, RemarkJob
from ...services import attempt_lists, marking, remarking
from ..viewer import get_or_404
from . import bp
from .forms import DiscountForm, RemarkForm, first_error
from .layout import attempt_or_404, percent, resource_or_404, who


@bp.post("/attempts/<int:attempt_id>/remarks")
def remark(attempt_id):
    attempt = attempt_or_404(attempt_id)
    form = RemarkForm()
    form.item.choices = {mark.item_id: mark.label for mark in marking.item_marks(attempt)}
    if not form.validate_on_submit():
        flash(first_error(form), "error")
    else:
        try:
            remarking.override(attempt, form.item.data, form.score.data, form.reason.data, who())
            flash(f"{form.item.choices[form.item.data]} re-marked to {form.score.data:g}; the attempt now scores "
                  f"{percent(attempt.score)}.", "ok")
        except UserFacingError as error:
            flash(error.message, "error")
    return redirect(url_for("dashboard.attempt", attempt_id=attempt.id), 303)


@bp.post("/resources/<int:resource_id>/discounts")
def discount(resource_id):
    resource = resource_or_404(resource_id)
    form = DiscountForm()
    form.item.choices = {form.item.data: form.item.data}  # any item: the service checks it exists
    if not form.validate_on_submit():
        flash(first_error(form), "error")
    else:
        try:
            row, _ = remarking.discount(resource, form.item.data, form.mode.data, who())
            name = attempt_lists.resource_items(resource).get(row.item_id, row.item_id)
            flash(f"{name}: {remarking.DISCOUNT_MODES[row.mode]}. Every attempt is being re-marked.", "ok")
        except UserFacingError as error:
            flash(error.message, "error")
    return redirect(url_for("dashboard.attempts_tab", resource_id=resource.id), 303)


@bp.post("/discounts/<int:discount_id>/withdraw")
def withdraw_discount(discount_id):
    row = get_or_404(Discount, discount_id)
    resource = resource_or_404(row.resource_id)
    if row.removed_at is None:
        remarking.remove_discount(row, resource, who())
        name = attempt_lists.resource_items(resource).get(row.item_id, row.item_id)
        flash(f"Discount of {name} withdrawn. Every attempt is being re-marked.", "ok")
    return redirect(url_for("dashboard.attempts_tab", resource_id=resource.id), 303)


@bp.post("/resources/<int:resource_id>/remark")
def remark_all(resource_id):
    resource = resource_or_404(resource_id)
    remarking.remark_all(resource, who())
    flash("Every attempt is being re-marked.", "ok")
    return redirect(url_for("dashboard.attempts_tab", resource_id=resource.id), 303)


@bp.get("/remark-jobs/<int:job_id>")
def remark_job(job_id):
    """The job's status, polled by the page while it runs."""
    job = get_or_404(RemarkJob, job_id)
    resource_or_404(job.resource_id)
    return render_template("partials/remark_job.html", remark_job=job)
