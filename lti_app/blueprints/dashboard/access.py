"""The access changes tab: a later deadline, extra attempts or more time for named students."""
from flask import flash, redirect, url_for

from ...errors import UserFacingError
from ...services import access_changes
from . import bp
from .forms import AccessChangeForm, first_error
from .layout import resource_or_404, resource_tab, who


@bp.route("/resources/<int:resource_id>/access", methods=["GET", "POST"])
def access_changes_tab(resource_id):
    resource = resource_or_404(resource_id)
    form = AccessChangeForm()
    if form.validate_on_submit():
        try:
            _grant(resource, form)
            return redirect(url_for("dashboard.access_changes_tab", resource_id=resource.id), 303)
        except UserFacingError as error:
            flash(error.message, "error")
    elif form.errors:
        flash(first_error(form), "error")
    return resource_tab(resource, "dashboard/_access.html", form=form, changes=access_changes.changes_for(resource),
                        allowance=access_changes.allowance)


def _grant(resource, form):
    students = access_changes.find_students(resource, form.students.data.splitlines())
    access_changes.grant(resource, students, available_until=form.utc(form.available_until),
                         extra_attempts=form.extra_attempts.data or 0, extra_minutes=form.extra_minutes.data or 0,
                         reason=form.reason.data, by=who())
    flash(f"Access changed for {', '.join(student.display_name for student in students)}.", "ok")
