"""Strict deadlines: late batches are kept but never scored, the server ends overdue attempts itself and
sends their in-time score once, and batches overtaken by the finishing one still count."""
import re
from datetime import timedelta

import pytest
from rq.cron import CronScheduler

from lti_app.extensions import db, jobs
from lti_app.models import Attempt, CmiElement, CommitBatch, Resource
from lti_app.models.base import utcnow
from lti_app.services import attempts, timeline
from tests.test_scoring import commit, moodle, sit  # noqa: F401 (moodle: a fixture used here)

GRACE = timedelta(seconds=120)  # DEADLINE_GRACE_SECONDS's default
Q0_RIGHT = [("cmi.objectives.0.id", "q0"), ("cmi.objectives.0.score.raw", "1"), ("cmi.objectives.0.score.max", "1"),
            ("cmi.score.raw", "1"), ("cmi.score.max", "7")]
Q1_RIGHT = [("cmi.objectives.1.id", "q1"), ("cmi.objectives.1.score.raw", "2"), ("cmi.objectives.1.score.max", "2"),
            ("cmi.score.raw", "3"), ("cmi.score.max", "7")]


@pytest.fixture
def sitting(client, moodle):
    """A learner from the local LMS with an open attempt on a 30-minute exam reported on completion."""
    return sit(client, moodle, time_limit_minutes=30)


def started_ago(delta):
    attempt = Attempt.query.one()
    attempt.started_at = utcnow() - delta
    db.session.commit()


def fresh_attempt():
    db.session.expire_all()
    return Attempt.query.one()


def test_a_batch_after_the_deadline_and_grace_is_kept_as_late_and_not_scored(client, sitting, moodle, run_jobs):
    _, settings = sitting
    assert commit(client, settings, 1, Q0_RIGHT).json["score"] == pytest.approx(1 / 7)
    started_ago(timedelta(minutes=30) + GRACE + timedelta(seconds=5))
    late = commit(client, settings, 2, Q1_RIGHT)
    assert late.status_code == 200 and late.json["late"] is True and late.json["status"] == "finished"
    assert late.json["score"] == pytest.approx(1 / 7)
    attempt = fresh_attempt()
    assert attempt.status == "finished" and attempt.end_reason == "time_up"
    assert attempt.finished_at == attempt.started_at + timedelta(minutes=30)
    assert attempt.score == pytest.approx(1 / 7) and "cmi.objectives.1.score.raw" not in attempt.state
    late_batch = CommitBatch.query.filter_by(sequence=2).one()
    assert late_batch.late and CmiElement.query.filter_by(batch_id=late_batch.batch_id).count() == len(Q1_RIGHT)
    titles = [event.title for event in timeline.attempt_timeline(attempt)]
    assert "Saved 5 values after the deadline (save 2): kept, not scored" in titles
    assert "Attempt 1 finished when its time ran out" in titles
    # still late on a second send (a retry), and nothing later counts either
    assert commit(client, settings, 3, [("cmi.score.raw", "7")]).json["late"] is True
    assert fresh_attempt().score == pytest.approx(1 / 7)
    run_jobs()
    assert [received.score for received in moodle.scores["sid-ada"]] == [pytest.approx(1 / 7)]


def test_a_batch_within_the_grace_still_counts(client, sitting):
    _, settings = sitting
    started_ago(timedelta(minutes=30) + GRACE - timedelta(seconds=10))
    receipt = commit(client, settings, 1, Q0_RIGHT).json
    assert receipt["late"] is False and receipt["score"] == pytest.approx(1 / 7)
    assert fresh_attempt().status == "open"


def test_the_job_ends_an_abandoned_attempt_and_sends_its_in_time_score_once(client, sitting, moodle, run_jobs):
    lt, settings = sitting
    commit(client, settings, 1, Q0_RIGHT)
    run_jobs()
    assert moodle.scores["sid-ada"] == []  # reported on completion: nothing yet
    started_ago(timedelta(minutes=29))
    assert attempts.end_overdue() == 0 and fresh_attempt().status == "open"
    started_ago(timedelta(minutes=30) + GRACE + timedelta(seconds=1))
    jobs.enqueue("workers.attempt_jobs.end_overdue_attempts")
    run_jobs()
    run_jobs()
    attempt = fresh_attempt()
    assert attempt.status == "finished" and attempt.end_reason == "time_up"
    assert attempts.end_overdue() == 0  # a second sweep finds nothing
    jobs.enqueue("workers.attempt_jobs.end_overdue_attempts")
    run_jobs()
    assert [received.score for received in moodle.scores["sid-ada"]] == [pytest.approx(1 / 7)]
    page = client.get("/resources/1", query_string={"lt": lt}).data.decode()
    assert "Resume" not in page and "finished" in page


def test_reading_the_attempt_ends_it(client, sitting):
    lt, _ = sitting
    started_ago(timedelta(hours=2))
    page = client.get("/resources/1", query_string={"lt": lt}).data.decode()
    assert "Resume" not in page and fresh_attempt().end_reason == "time_up"


def test_the_player_of_an_overdue_attempt_says_time_is_up(client, sitting):
    lt, _ = sitting
    Resource.query.one().allow_student_review = False
    db.session.commit()
    started_ago(timedelta(hours=2))
    page = client.get("/attempts/1/play", query_string={"lt": lt})
    assert page.status_code == 409 and b"Time is up" in page.data


def test_the_overdue_sweep_is_a_cron_job(app):
    scheduler = CronScheduler(connection=jobs.redis)
    scheduler.load_config_from_file("workers.cron")
    [job] = [job for job in scheduler.get_jobs() if job.func_name == "workers.attempt_jobs.end_overdue_attempts"]
    assert job.interval == app.config["OVERDUE_SWEEP_SECONDS"]


def test_a_batch_overtaken_by_the_finishing_one_still_counts(client, sitting, moodle, run_jobs):
    _, settings = sitting
    commit(client, settings, 1, Q0_RIGHT)
    finished = commit(client, settings, 3, [("cmi.completion_status", "completed"), ("cmi.exit", "normal")],
                    end="terminate")
    assert finished.json["status"] == "finished" and finished.json["score"] == pytest.approx(1 / 7)
    assert finished.json["receipt_code"].startswith("EG-1-") and (finished.json["raw"], finished.json["max"]) == (1, 7)
    run_jobs()
    overtaken = commit(client, settings, 2, Q1_RIGHT + [("cmi.completion_status", "incomplete")])
    assert overtaken.status_code == 200 and overtaken.json["score"] == pytest.approx(3 / 7)
    attempt = fresh_attempt()
    assert attempt.status == "finished" and attempt.score == pytest.approx(3 / 7)
    assert attempt.completion_status == "completed"  # set by the later batch 3: an older value never wins
    run_jobs()
    assert [received.score for received in moodle.scores["sid-ada"]] == [pytest.approx(1 / 7), pytest.approx(3 / 7)]
    after = commit(client, settings, 4, [("cmi.score.raw", "7")])
    assert after.status_code == 409 and after.json["error"]["code"] == "attempt_finished"


def test_the_student_page_says_how_long_and_until_when(client, sitting):
    lt, _ = sitting
    resource = Resource.query.one()
    resource.time_limit_minutes, resource.available_until = 90, utcnow() + timedelta(days=2)
    db.session.commit()
    page = re.sub(r"<[^>]+>", "", client.get("/resources/1", query_string={"lt": lt}).data.decode())
    closes = resource.available_until.strftime("%Y-%m-%d %H:%M UTC")  # local-times.js shows it in the viewer's zone
    assert f"Open until {closes}" in page
    assert f"You have 1 hour 30 minutes from the moment you start, and must hand in by {closes} at the latest" in page


def test_within_the_grace_the_student_page_offers_no_resume(client, sitting):
    lt, _ = sitting
    started_ago(timedelta(minutes=30, seconds=10))
    page = client.get("/resources/1", query_string={"lt": lt}).data.decode()
    assert "time is up: being handed in" in page and "Resume" not in page
    assert fresh_attempt().status == "open"  # saves sent in time may still arrive
