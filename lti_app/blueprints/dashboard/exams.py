"""A resource's exam: its versions, and uploading a new package to replace it."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import Length

from ...errors import UserFacingError
from ...extensions import csrf
from ...models import Resource
from ...services import exams
from ..viewer import LAUNCH_TOKEN_PARAM, current_viewer, get_or_404, protect_form
from . import bp


class PackageForm(FlaskForm):
    class Meta:
        csrf = False  # protect_form checks it, or the launch token

    package = FileField("SCORM package (.zip)")
    title = StringField("Exam title", validators=[Length(max=300)])
    move_unfinished = BooleanField("Make existing unfinished attempts use this version")
    lt = HiddenField()


def _taught_resource(resource_id):
    resource = get_or_404(Resource, resource_id)
    if not current_viewer().teaches(resource.context):
        abort(404)
    return resource


@bp.route("/resources/<int:resource_id>/exam", methods=["GET", "POST"])
@csrf.exempt
def exam_package(resource_id):
    resource = _taught_resource(resource_id)
    form = PackageForm(lt=request.values.get(LAUNCH_TOKEN_PARAM))
    if request.method == "POST":
        protect_form(current_viewer())
        try:
            version = exams.upload_for_resource(
                resource, form.package.data.read() if form.package.data else b"",
                title=form.title.data or "", by=current_viewer().name, move_unfinished=form.move_unfinished.data,
                may_change_shared=_may_change_shared(resource))
        except UserFacingError as error:
            return _page(resource, form, error.message), error.status
        flash(f"{version.exam.title} version {version.number} is now used by new attempts.", "success")
        return redirect(url_for("dashboard.exam_package", resource_id=resource.id,
                                **{LAUNCH_TOKEN_PARAM: form.lt.data or None}), 303)
    return _page(resource, form)


def _may_change_shared(resource):
    return resource.exam is not None and current_viewer().administers_exam(resource.exam)


def _page(resource, form, error=None):
    copies = (resource.exam is not None and not _may_change_shared(resource)
              and exams.is_shared(resource.exam, resource))
    return render_template("dashboard/exam_package.html", resource=resource, form=form, error=error,
                           versions=resource.exam.versions if resource.exam else [],
                           counts=exams.attempt_counts(resource), copies=copies)
