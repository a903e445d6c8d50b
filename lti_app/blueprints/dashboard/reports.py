"""The Reports tab: request a report, watch it build, download it."""
from flask import Response, abort, redirect, render_template, request, stream_with_context, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ...errors import UserFacingError
from ...models import Report
from ...services import reports as report_service
from ..viewer import current_viewer, get_or_404, taught_resource_or_404
from . import bp


class ReportRequestForm(FlaskForm):
    kind = SelectField("Report", choices=[SelectChoice(kind, label) for kind, label in report_service.KIND_LABELS.items()])


def _report_of(resource, report_id):
    report = get_or_404(Report, report_id)
    if report.resource_id != resource.id:
        abort(404)
    return report


@bp.get("/resources/<int:resource_id>/reports")
def reports(resource_id):
    resource = taught_resource_or_404(resource_id)
    template = "dashboard/_reports.html" if request.headers.get("HX-Request") else "dashboard/reports.html"
    body = render_template(template, resource=resource, form=ReportRequestForm(),
                           reports=report_service.recent_reports(resource.id), labels=report_service.KIND_LABELS)
    return body, {"Vary": "HX-Request"}


@bp.post("/resources/<int:resource_id>/reports")
def request_report(resource_id):
    resource = taught_resource_or_404(resource_id)
    form = ReportRequestForm()
    if not form.validate_on_submit():
        raise UserFacingError("Choose one of the report kinds offered.", 422, "invalid_parameter", "kind")
    report = report_service.request_report(resource, form.kind.data, current_viewer().name)
    if request.headers.get("HX-Request"):
        return _row(resource, report), {"Vary": "HX-Request"}
    return redirect(url_for(".reports", resource_id=resource.id), 303)


@bp.get("/resources/<int:resource_id>/reports/<int:report_id>")
def report_row(resource_id, report_id):
    resource = taught_resource_or_404(resource_id)
    return _row(resource, _report_of(resource, report_id))


def _row(resource, report):
    return render_template("dashboard/_report_row.html", resource=resource, report=report,
                           labels=report_service.KIND_LABELS)


@bp.get("/resources/<int:resource_id>/reports/<int:report_id>/download")
def download_report(resource_id, report_id):
    resource = taught_resource_or_404(resource_id)
    report = _report_of(resource, report_id)
    chunks = report_service.report_chunks(report)
    headers = {"Content-Disposition": f'attachment; filename="{report.filename}"',
               "Content-Length": str(report.file.size)}
    return Response(stream_with_context(chunks), content_type=report_service.content_type(report), headers=headers)
