"""The attempts tab (sorted, filtered, paged, with a score graphic per attempt), deleting and restoring."""
from flask import flash, redirect, request, url_for

from ...services import attempt_lists, attempts, marking, remarking
from . import bp
from .forms import DiscountForm
from .layout import attempt_or_404, resource_or_404, resource_tab, who


@bp.get("/resources/<int:resource_id>/attempts")
def attempts_tab(resource_id):
    resource = resource_or_404(resource_id)
    attempts.end_overdue(resource_id=resource.id)
    query = attempt_lists.AttemptQuery.from_args(request.args)
    discount_form = DiscountForm()
    discount_form.item.choices = items = attempt_lists.resource_items(resource)
    return resource_tab(
        resource, "dashboard/_attempts.html", query=query, listing=attempt_lists.attempts_page(resource, query),
        deleted=attempt_lists.deleted_attempts(resource), discount_form=discount_form,
        discounts=marking.active_discounts(resource.id).values(), item_names=items,
        remark_job=remarking.latest_job(resource))


@bp.post("/attempts/<int:attempt_id>/delete")
def delete_attempt(attempt_id):
    attempt = attempt_or_404(attempt_id)
    if attempt.deleted_at is None:
        attempts.delete_attempt(attempt, who())
        flash(f"Attempt {attempt.number} by {attempt.user.display_name} deleted. It is listed under "
              "deleted attempts, where you can restore it.", "ok")
    return redirect(url_for("dashboard.attempts_tab", resource_id=attempt.resource_id), 303)


@bp.post("/attempts/<int:attempt_id>/restore")
def restore_attempt(attempt_id):
    attempt = attempt_or_404(attempt_id)
    if attempt.deleted_at is not None:
        attempts.restore_attempt(attempt, who())
        flash(f"Attempt {attempt.number} by {attempt.user.display_name} restored.", "ok")
    return redirect(url_for("dashboard.attempts_tab", resource_id=attempt.resource_id), 303)
