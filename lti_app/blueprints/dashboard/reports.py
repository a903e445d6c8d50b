"""The Reports tab: request a report, watch it build, download it."""
from flask import redirect, render_template, request, url_for

from ...errors import UserFacingError
from ...models import Report
from ...services import reports as report_service
from ..downloads import report_download
from ..viewer import get_or_404
from . import bp
from .forms import ReportRequestForm
from .layout import resource_or_404, resource_tab, who


@bp.get("/resources/<int:resource_id>/reports")
def reports(resource_id):
    resource = resource_or_404(resource_id)
    return resource_tab(resource, "dashboard/_reports.html", form=ReportRequestForm(),
                        reports=report_service.recent_reports(resource.id), labels=report_service.KIND_LABELS)


@bp.post("/resources/<int:resource_id>/reports")
def request_report(resource_id):
    resource = resource_or_404(resource_id)
    form = ReportRequestForm()
    if not form.validate_on_submit():
        raise UserFacingError("Choose one of the report kinds offered.", 422, "invalid_parameter", "kind")
    report = report_service.request_report(resource, form.kind.data, who())
    if request.headers.get("HX-Request"):
        return _row(resource, report)
    return redirect(url_for(".reports", resource_id=resource.id), 303)


@bp.get("/resources/<int:resource_id>/reports/<int:report_id>")
def report_row(resource_id, report_id):
    resource = resource_or_404(resource_id)
    return _row(resource, get_or_404(Report, report_id, resource_id=resource.id))


def _row(resource, report):
    return render_template("dashboard/_report_row.html", resource=resource, report=report,
                           labels=report_service.KIND_LABELS)


@bp.get("/resources/<int:resource_id>/reports/<int:report_id>/download")
def download_report(resource_id, report_id):
    resource = resource_or_404(resource_id)
    return report_download(get_or_404(Report, report_id, resource_id=resource.id))
