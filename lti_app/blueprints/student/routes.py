"""The student's page for a resource: their attempts, start or resume."""
from flask import abort, render_template

from ...models import Resource
from ..viewer import current_viewer, get_or_404
from . import bp


@bp.get("/resources/<int:resource_id>")
def resource(resource_id):
    resource = get_or_404(Resource, resource_id)
    viewer = current_viewer()
    if not viewer.is_learner_on(resource):
        abort(404)
    return render_template("student/resource.html", resource=resource, viewer=viewer)
