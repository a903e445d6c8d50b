"""A resource's exam: its versions, uploading a new package, attaching one from the catalogue, or
copying another resource's set-up (what an instructor launching an unconfigured link lands on)."""
from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import Length

from ...errors import UserFacingError
from ...extensions import csrf
from ...services import course_copy, deep_linking, exams
from ..viewer import LAUNCH_TOKEN_PARAM, current_viewer, protect_form
from . import bp
from .layout import resource_or_404, resource_tab, who

CHOICES_SHOWN = 20


class PackageForm(FlaskForm):
    class Meta:
        csrf = False  # protect_form checks it, or the launch token

    package = FileField("SCORM package (.zip)")
    title = StringField("Exam title", validators=[Length(max=300)])
    move_unfinished = BooleanField("Make existing unfinished attempts use this version")
    lt = HiddenField()


@bp.route("/resources/<int:resource_id>/exam", methods=["GET", "POST"])
@csrf.exempt
def exam_package(resource_id):
    resource = resource_or_404(resource_id)
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
        return _to(resource, "dashboard.exam_package")
    return _page(resource, form)


@bp.get("/resources/<int:resource_id>/exam/choices")
def setup_choices(resource_id):
    """The search box's answer: the set-ups and exams matching what was typed."""
    resource = resource_or_404(resource_id)
    return render_template("dashboard/_setup_choices.html", resource=resource, **_choices(resource))


@bp.post("/resources/<int:resource_id>/exam/attach")
@csrf.exempt
def attach_exam(resource_id):
    resource = resource_or_404(resource_id)
    protect_form(current_viewer())
    exam = exams.attach_from_catalogue(resource, request.form.get("exam_id", type=int), by=who())
    flash(f"{exam.title} is now used by new attempts.", "success")
    return _to(resource, "dashboard.exam_package")


@bp.post("/resources/<int:resource_id>/exam/copy")
@csrf.exempt
def copy_setup(resource_id):
    resource = resource_or_404(resource_id)
    protect_form(current_viewer())
    source = resource_or_404(request.form.get("source_id", 0, type=int))
    course_copy.choose_copy(source, resource, by=who())
    flash(f"Copied: {resource.exam.title} with the same settings. Check the dates under Settings.", "success")
    return _to(resource, "dashboard.resource")


def _to(resource, endpoint):
    return redirect(url_for(endpoint, resource_id=resource.id,
                            **{LAUNCH_TOKEN_PARAM: request.values.get(LAUNCH_TOKEN_PARAM) or None}), 303)


def _choices(resource):
    text = request.args.get("q", "")[:200]
    return dict(q=text, lt=request.values.get(LAUNCH_TOKEN_PARAM), shown=CHOICES_SHOWN,
                sources=course_copy.copy_sources(current_viewer(), resource, text, CHOICES_SHOWN),
                catalogue=deep_linking.catalogue(resource.consumer_id, text, CHOICES_SHOWN))


def _may_change_shared(resource):
    return resource.exam is not None and current_viewer().administers_exam(resource.exam)


def _page(resource, form, error=None):
    copies = (resource.exam is not None and not _may_change_shared(resource)
              and exams.is_shared(resource.exam, resource))
    return resource_tab(resource, "dashboard/_exam_package.html", form=form, error=error,
                        versions=resource.exam.versions if resource.exam else [],
                        counts=exams.attempt_counts(resource), copies=copies, **_choices(resource))
