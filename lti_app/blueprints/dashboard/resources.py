"""The resource page and its own tabs: overview (with who is sitting the exam now), students, settings."""
from flask import flash, redirect, render_template, request, url_for

from ...errors import UserFacingError
from ...models.base import utcnow
from ...services import activity, live, resources, roster
from . import bp
from .forms import SettingsForm, first_error
from .layout import resource_or_404, resource_tab, who


@bp.get("/resources/<int:resource_id>")
def resource(resource_id):
    resource = resource_or_404(resource_id)
    return resource_tab(resource, "dashboard/_overview.html", counts=activity.counts(resource),
                        recent=activity.recent(resource), **_sitting_now(resource))


@bp.get("/resources/<int:resource_id>/live")
def live_now(resource_id):
    """The overview's live view, polled by itself; a person who opens the address gets the overview."""
    if not request.headers.get("HX-Request"):
        return resource(resource_id)
    row = resource_or_404(resource_id)
    return render_template("dashboard/_live.html", resource=row, **_sitting_now(row))


def _sitting_now(resource):
    now = utcnow()
    return {"live": live.live_view(resource, now), "now": now}


@bp.get("/resources/<int:resource_id>/students")
def students(resource_id):
    resource = resource_or_404(resource_id)
    return resource_tab(resource, "dashboard/_students.html", students=activity.students(resource),
                        learners=roster.never_started(resource), roster_offered=roster.offers_roster(resource.context))


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
