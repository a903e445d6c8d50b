"""The attempts report on 10,000 attempts of 30 questions in PostgreSQL, against PostgreSQL's own COPY.

Loads the rows with COPY into a schema of its own (dropped afterwards), builds the report as the worker
does (rows streamed to a temporary file, then stored in chunks), and prints:
attempts_report_s, peak_memory_mb (Python allocations while building, by tracemalloc, a second run),
copy_s (COPY (SELECT …) TO STDOUT of the same attempt × question rows) and ratio = report / copy.

    python bench/reports.py [--attempts 10000] [--questions 30] [--database postgresql://…]
"""
import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import database_url  # noqa: E402
from lti_app import create_app  # noqa: E402
from lti_app.extensions import db  # noqa: E402
from lti_app.models import Discount, Remark, Report  # noqa: E402
from lti_app.services import reports  # noqa: E402
from tests import factories  # noqa: E402

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def load(resource, attempts, questions):
    """Users, attempts and question scores through COPY, the fastest way into PostgreSQL."""
    consumer_id, resource_id, version_id = resource.consumer_id, resource.id, resource.exam_version_id
    connection = db.session.connection().connection.driver_connection
    with connection.cursor() as cursor:
        with cursor.copy('COPY "user" (id, consumer_id, lti_user_id, name, email, username, created_at) FROM STDIN') as copy:
            for n in range(1, attempts + 1):
                copy.write_row((n + 1000, consumer_id, f"student-{n}", f"Student {n}",
                                f"student-{n}@example.edu", f"s{n}", START))
        columns = ("id, resource_id, user_id, exam_version_id, number, status, started_at, finished_at, "
                   "completion_status, success_status, score, raw_score, max_score, time_spent_seconds, "
                   "state_chars, state_is_scorm12, state_ids_plain")
        with cursor.copy(f"COPY attempt ({columns}) FROM STDIN") as copy:
            for n in range(1, attempts + 1):
                raw = sum(_raw(n, q) for q in range(questions))
                started = START + timedelta(minutes=n % 600)
                copy.write_row((n, resource_id, n + 1000, version_id, 1, "finished", started,
                                started + timedelta(minutes=20 + n % 40), "completed", "unknown",
                                raw / questions, raw, questions, 60.0 * (20 + n % 40), 0, False, True))
        with cursor.copy("COPY question_score (attempt_id, item_id, kind, position, raw, max) FROM STDIN") as copy:
            for n in range(1, attempts + 1):
                for q in range(questions):
                    copy.write_row((n, f"q{q}", "question", q, _raw(n, q), 1.0))
        cursor.execute("SELECT setval(pg_get_serial_sequence('attempt', 'id'), %s)", (attempts,))
        cursor.execute("SELECT setval(pg_get_serial_sequence('user', 'id'), %s)", (attempts + 1000,))
    db.session.add(Discount(resource_id=resource_id, item_id="q3", mode="full_marks", created_by="bench"))
    db.session.add_all(Remark(attempt_id=n, item_id="q0", score=1.0, created_by="bench") for n in range(1, 101))
    db.session.commit()
    db.session.execute(text("ANALYZE"))


def _raw(n, q):
    return float((n * 7 + q * 13) % 5 > 1)


def build(resource):
    report = Report(resource_id=resource.id, kind="attempts", requested_by="bench")
    db.session.add(report)
    db.session.commit()
    started = time.perf_counter()
    reports.build_report(report.id)
    elapsed = time.perf_counter() - started
    db.session.refresh(report)
    assert report.state == "ready", report.error
    return elapsed, report


def copy_seconds(resource):
    resource_id = resource.id
    query = ('SELECT a.id, u.lti_user_id, u.name, u.email, a.number, a.started_at, a.finished_at, '
             'a.time_spent_seconds, a.status, a.completion_status, a.success_status, a.score, a.raw_score, '
             'a.max_score, q.item_id, q.raw FROM attempt a JOIN "user" u ON u.id = a.user_id '
             'JOIN question_score q ON q.attempt_id = a.id '
             f'WHERE a.resource_id = {int(resource_id)} AND a.deleted_at IS NULL ORDER BY a.id, q.position')
    connection = db.session.connection().connection.driver_connection
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, connection.cursor() as cursor:
        with cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            for data in copy:
                out.write(data)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL",
                                                            "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    url = database_url({"DATABASE_URL": args.database})
    schema = f"bench_reports_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"{url}?options=-csearch_path%3D{schema}",
                          "REDIS_URL": None, "LOG_LEVEL": "WARNING"})
        with app.app_context():
            db.create_all()
            resource = factories.resource(factories.context(factories.consumer()))
            started = time.perf_counter()
            load(resource, args.attempts, args.questions)
            print(f"load_s: {time.perf_counter() - started:.2f}")
            report_s, report = build(resource)
            tracemalloc.start()
            build(resource)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            copy_s = copy_seconds(resource)
            print(f"attempts: {args.attempts}")
            print(f"questions: {args.questions}")
            print(f"report_bytes: {report.file.size}")
            print(f"attempts_report_s: {report_s:.2f}")
            print(f"peak_memory_mb: {peak / 2**20:.1f}")
            print(f"copy_s: {copy_s:.2f}")
            print(f"ratio: {report_s / copy_s:.1f}")
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
