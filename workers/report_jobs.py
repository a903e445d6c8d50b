"""RQ entry points for reports; the worker class provides the app context."""
from lti_app.services import reports


def build_report(report_id):
    reports.build_report(report_id)


def delete_old_reports():
    return reports.delete_old_reports()
