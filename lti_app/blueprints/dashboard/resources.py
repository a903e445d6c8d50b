"""The resource page and its own tabs: overview, students, settings."""
from flask import flash, redirect, url_for

from ...errors import UserFacingError
from ...services import activity, resources
from . import bp
from .forms import SettingsForm, first_error
from .layout import resource_or_404, resource_tab, who


@bp.get("/resources/<int:resource_id>")
def resource(resource_id):
    resource = resource_or_404(resource_id)
    return resource_tab(resource, "dashboard/_overview.html", counts=activity.counts(resource),
                        recent=activity.recent(resource))


@bp.get("/resources/<int:resource_id>/students")
def students(resource_id):
    resource = resource_or_404(resource_id)
    return resource_tab(resource, "dashboard/_students.html", students=activity.students(resource))


@bp.route("/resources/<int:resource_id>/settings", methods=["GET", "POST"])
def settings(resource_id):
    resource = resource_or_404(resource_id)
    form = SettingsForm(obj=resource)
    if form.validate_on_submit():
        try:
            resources.update_settings(resource, by=who(), **form.settings())
            flash("Settings saved.", "ok")
            return redirect(url_for("dashboard.settings", resource_id=resource.id), 303)
        except UserFacingError as error:
            flash(error.message, "error")
    elif form.errors:
        flash(first_error(form), "error")
    return resource_tab(resource, "dashboard/_settings.html", form=form)
