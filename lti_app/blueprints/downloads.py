"""Streamed downloads shared by the dashboard and the admin API."""
from flask import Response, stream_with_context

from ..services import reports


def report_download(report) -> Response:
    """A ready report's file, streamed as an attachment; refused (409) while it is not ready."""
    chunks = reports.report_chunks(report)
    headers = {"Content-Disposition": f'attachment; filename="{report.filename}"',
               "Content-Length": str(report.file.size)}
    return Response(stream_with_context(chunks), content_type=reports.content_type(report), headers=headers)
