"""Reports: requested from the dashboard or the API, built by a worker into a stored file, kept 30 days.

The Report row is the truth about a build (state, progress, error); the RQ job only delivers it."""
import logging
import tempfile
from datetime import timedelta

from sqlalchemy import delete, func, or_, select

from ..errors import UserFacingError
from ..extensions import db, jobs
from ..models import Attempt, CmiElement, ExamVersion, Outcome, Report, User
from ..models.base import utcnow
from ..models.reports import REPORT_KINDS
from ..reports import attempts, full_data, questions, scores
from ..reports.writers import write_csv, write_json_lines
from . import results, storage

log = logging.getLogger(__name__)

KEEP_DAYS = 30
BUILD_TIMEOUT_SECONDS = 3600
KIND_LABELS = {
    "scores": "Scores sent to the LMS", "attempts": "Attempts", "full_data": "Full data (JSON lines)",
    "questions": "Question statistics",
}
CSV, JSON_LINES = "text/csv; charset=utf-8", "application/x-ndjson; charset=utf-8"


def request_report(resource, kind, requested_by) -> Report:
    """Queue a build; the row is committed before the job exists, so the worker always finds it."""
    if kind not in REPORT_KINDS:
        raise UserFacingError(f"There is no report of kind {kind!r}.", 422, "invalid_parameter", "kind")
    report = Report(resource_id=resource.id, kind=kind, requested_by=requested_by or "")
    db.session.add(report)
    db.session.commit()
    jobs.enqueue("workers.report_jobs.build_report", report.id, job_timeout=BUILD_TIMEOUT_SECONDS)
    log.info("report %s (%s) requested for resource %s by %s", report.id, kind, resource.id, requested_by)
    return report


def recent_reports(resource_id, now=None):
    since = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    return (Report.query.filter(Report.resource_id == resource_id, Report.created_at >= since)
            .order_by(Report.created_at.desc(), Report.id.desc()).all())


def content_type(report):
    return JSON_LINES if report.kind == "full_data" else CSV


def build_report(report_id):
    """Run by the worker: running → ready, or failed with the error (and the error raised again)."""
    report = db.session.get(Report, report_id)
    if report is None or report.state == "ready":
        return
    report.state, report.progress, report.error = "running", 0, None
    db.session.commit()
    try:
        stored = _build_and_store(report)
    except Exception as error:
        _mark_failed(report_id, error)
        raise
    report.file_id, report.filename = stored.id, _filename(report)
    report.state, report.progress, report.finished_at = "ready", 100, utcnow()
    db.session.commit()
    log.info("report %s (%s) for resource %s ready: %s bytes", report.id, report.kind,
             report.resource_id, stored.size)


def _build_and_store(report):
    progress = _Progress(report)
    with tempfile.TemporaryFile() as out:
        BUILDERS[report.kind](report.resource_id, out, progress)
        out.seek(0)
        return storage.store_stream(out)


def _mark_failed(report_id, error):
    db.session.rollback()
    report = db.session.get(Report, report_id)
    report.state, report.finished_at = "failed", utcnow()
    report.error = (f"{error}" if isinstance(error, UserFacingError) else f"{type(error).__name__}: {error}")[:2000]
    db.session.commit()
    log.warning("report %s (%s) for resource %s failed: %s", report.id, report.kind, report.resource_id,
                type(error).__name__)


def _filename(report):
    extension = "jsonl" if report.kind == "full_data" else "csv"
    return f"resource-{report.resource_id}-{report.kind}-{report.created_at:%Y%m%d-%H%M%S}.{extension}"


class _Progress:
    """Keeps the row's percentage up to date, committing only when the whole percent changes.
    Callers commit between batches, never while a cursor is open."""

    def __init__(self, report):
        self.report = report

    def __call__(self, done, total):
        percent = min(99, done * 100 // total) if total else 99
        if percent != self.report.progress:
            self.report.progress = percent
            db.session.commit()


def _attempts_report(resource_id, out, progress):
    question_ids = results.question_ids(resource_id)
    total = results.count_attempts(resource_id)

    def rows():
        done = 0
        for batch in results.attempt_batches(resource_id):
            yield from (attempts.row(result, question_ids) for result in batch)
            done += len(batch)
            progress(done, total)

    write_csv(out, attempts.header(question_ids), rows())


def _questions_report(resource_id, out, progress):
    figures = questions.QuestionStatistics()
    total, done = results.count_attempts(resource_id, finished_only=True), 0
    for batch in results.attempt_batches(resource_id, finished_only=True):
        for result in batch:
            figures.add(result)
        done += len(batch)
        progress(done, total)
    write_csv(out, questions.HEADER, (questions.row(item) for item in figures.figures()))


def _full_data_report(resource_id, out, progress):
    total = results.count_attempts(resource_id)

    def records():
        done = 0
        for batch in results.attempt_batches(resource_id):
            by_id = {result.attempt_id: result for result in batch}
            elements = db.session.execute(
                select(CmiElement.attempt_id, CmiElement.sequence, CmiElement.batch_id, CmiElement.key,
                       CmiElement.value, CmiElement.client_time, CmiElement.server_time)
                .where(CmiElement.attempt_id.in_(by_id)).order_by(CmiElement.attempt_id, CmiElement.id)
                .execution_options(yield_per=2000))
            for element in elements:
                result = by_id[element.attempt_id]
                yield full_data.record(result.attempt_id, result.user_lti_id, result.number, element)
            done += len(batch)
            progress(done, total)

    write_json_lines(out, records())


def _scores_report(resource_id, out, progress):
    total = db.session.scalar(select(func.count()).select_from(_students(resource_id).subquery()))

    def rows():
        done, last_id = 0, 0
        while batch := _student_scores(resource_id, last_id):
            yield from (scores.row(student) for _, student in batch)
            done, last_id = done + len(batch), batch[-1][0]
            progress(done, total)

    write_csv(out, scores.HEADER, rows())


def _students(resource_id):
    """Students with an outcome on the resource or an attempt that is not deleted."""
    with_attempts = select(Attempt.user_id).where(Attempt.resource_id == resource_id,
                                                  Attempt.deleted_at.is_(None))
    with_outcomes = select(Outcome.user_id).where(Outcome.resource_id == resource_id)
    return select(User.id).where(or_(User.id.in_(with_attempts), User.id.in_(with_outcomes)))


def _student_scores(resource_id, after_user_id):
    attempt_count = (select(func.count(Attempt.id))
                     .where(Attempt.resource_id == resource_id, Attempt.user_id == User.id,
                            Attempt.deleted_at.is_(None)).scalar_subquery())
    rows = db.session.execute(
        select(User.id, User.lti_user_id, User.name, User.email, attempt_count.label("attempts"),
               Outcome.score, Outcome.state, Outcome.sent_score, Outcome.sent_at, Outcome.last_status,
               Outcome.code_major, Outcome.description)
        .outerjoin(Outcome, (Outcome.user_id == User.id) & (Outcome.resource_id == resource_id))
        .where(User.id.in_(_students(resource_id)), User.id > after_user_id)
        .order_by(User.id).limit(results.BATCH_SIZE)).all()
    return [(row.id, scores.StudentScore(*row[1:])) for row in rows]


BUILDERS = {
    "scores": _scores_report, "attempts": _attempts_report, "full_data": _full_data_report,
    "questions": _questions_report,
}


def report_chunks(report):
    """The stored file of a ready report, chunk by chunk, for a streamed download."""
    if report.state != "ready" or report.file_id is None:
        raise UserFacingError("This report is not ready to download.", 409, "not_ready")
    return storage.iter_chunks(report.file)


def delete_old_reports(now=None):
    """Delete reports older than KEEP_DAYS and the stored files nothing else points to."""
    cutoff = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    old = db.session.execute(select(Report.id, Report.file_id).where(Report.created_at < cutoff)).all()
    if not old:
        return 0
    db.session.execute(delete(Report).where(Report.id.in_([row.id for row in old])))
    file_ids = {row.file_id for row in old if row.file_id is not None}
    still_used = set(db.session.scalars(select(Report.file_id).where(Report.file_id.in_(file_ids))))
    still_used |= set(db.session.scalars(select(ExamVersion.package_id).where(ExamVersion.package_id.in_(file_ids))))
    unused = file_ids - still_used
    if unused:
        storage.delete_files(unused)
    db.session.commit()
    log.info("deleted %s reports older than %s days and %s stored files", len(old), KEEP_DAYS, len(unused))
    return len(old)
