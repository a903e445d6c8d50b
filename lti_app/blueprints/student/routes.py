"""The student's page for a resource: the exam, when it is open, their attempts; start, resume, review."""
from flask import abort, redirect, render_template, request, url_for

from ...extensions import csrf
from ...models import Remark, Resource
from ...services import attempts, marking
from ..viewer import LAUNCH_TOKEN_PARAM, current_viewer, get_or_404, protect_form
from . import bp


def _learner_resource(resource_id):
    resource = get_or_404(Resource, resource_id)
    if not current_viewer().is_learner_on(resource):
        abort(404)
    return resource


@bp.get("/resources/<int:resource_id>")
def resource(resource_id):
    viewer = current_viewer()
    if not viewer.is_authenticated:
        return render_template("player/no_session.html"), 401
    resource = _learner_resource(resource_id)
    attempts.end_overdue(resource_id=resource.id, user_id=viewer.user.id)
    rows = attempts.student_attempts(resource, viewer.user)
    remarked = {r.attempt_id for r in Remark.query.filter(Remark.attempt_id.in_([a.id for a in rows]))}
    totals = {attempt.id: marking.attempt_total(attempt) for attempt in rows if attempt.score is not None}
    # within the grace after its deadline an attempt is still open on the server, but no longer resumable
    time_up = {attempt.id for attempt in rows if attempt.status == "open" and attempts.past_deadline(attempt)}
    return render_template("student/resource.html", resource=resource, viewer=viewer, attempts=rows,
                           remarked=remarked, totals=totals, time_up=time_up, access=attempts.access(resource, viewer.user),
                           lt=request.values.get(LAUNCH_TOKEN_PARAM))


@bp.post("/resources/<int:resource_id>/attempts")
@csrf.exempt  # protect_form: a launch token, or the CSRF token of a cookie session
def start(resource_id):
    viewer = current_viewer()
    if not viewer.is_authenticated:
        return render_template("player/no_session.html"), 401
    protect_form(viewer)
    attempt = attempts.start(_learner_resource(resource_id), viewer.user)
    return redirect(url_for("player.play", attempt_id=attempt.id,
                            **{LAUNCH_TOKEN_PARAM: request.form.get(LAUNCH_TOKEN_PARAM)}), 303)
