"""The instructor and administrator dashboard."""
from flask import abort, redirect, render_template, request, url_for

from ...models import Resource
from ..viewer import current_viewer, get_or_404
from . import bp


@bp.before_request
def signed_in():
    if not current_viewer().is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))


@bp.get("/")
def home():
    return render_template("dashboard/home.html", viewer=current_viewer())


@bp.get("/resources/<int:resource_id>")
def resource(resource_id):
    resource = get_or_404(Resource, resource_id)
    if not current_viewer().teaches(resource.context):
        abort(404)
    return render_template("dashboard/resource.html", resource=resource, viewer=current_viewer())
