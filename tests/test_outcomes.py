"""Scores back to the LMS: recorded per (resource, user), delivered to a local LMS that checks every
signature and body hash, and answered as Canvas or Moodle would."""
import time
from datetime import datetime, timedelta, timezone

import pytest
from rq import SimpleWorker

from lti_app import outcomes
from lti_app.extensions import db, jobs
from lti_app.models import Consumer, Launch, Outcome, OutcomeDelivery, Resource
from lti_app.models.base import utcnow
from lti_app.outcomes import transports
from lti_app.services import timeline
from lti_app.services.consumers import create_admin, set_default_report_mode
from tests import factories
from tests.lms.outcome_service import LeakyBucket, LocalLms, unused_port

CANVAS_EXTENSIONS = {"ext_outcome_data_values_accepted": "url,text",
                     "ext_outcome_result_total_score_accepted": "true",
                     "ext_outcome_submission_submitted_at_accepted": "true"}


def student(client, lms, user="student-1", **params):
    """A learner's signed launch that names the local LMS's outcome service."""
    factories.launch(client, key=lms.key, secret=lms.secret, user_id=user, lis_result_sourcedid=f"sid-{user}",
                     lis_outcome_service_url=lms.url, **params)
    return Launch.query.filter_by(role="learner").order_by(Launch.id.desc()).first()


def finish(launch, score, **values):
    attempt = factories.launch_attempt(launch, score=score, status="finished", finished_at=utcnow(), **values)
    outcomes.attempt_changed(attempt)
    return attempt


def deliver(run_jobs, rounds=3):
    """Run queued jobs, and retries scheduled meanwhile, for a few rounds."""
    for _ in range(rounds):
        run_jobs()


def outcome():
    db.session.expire_all()
    return Outcome.query.one()


def outcome_of(user):
    db.session.expire_all()
    return Outcome.query.join(Outcome.user).filter_by(lti_user_id=user).one()


def scores(lms, user="student-1"):
    return [received.score for received in lms.scores[f"sid-{user}"]]


@pytest.fixture
def canvas(app):
    with LocalLms("canvas") as lms:
        factories.consumer(key=lms.key, secret=lms.secret)
        yield lms


def test_canvas_stores_the_score_once_with_the_extensions_it_announced(client, canvas, run_jobs):
    launch = student(client, canvas, **CANVAS_EXTENSIONS)
    finish(launch, 0.75, max_score=20)
    deliver(run_jobs)
    row = outcome()
    assert (row.state, row.tries, row.sent_score, row.last_status, row.code_major) == ("sent", 1, 0.75, 200, "success")
    [received] = canvas.scores["sid-student-1"]
    assert received.score == 0.75
    assert received.extensions["text"] == "Week 1 quiz: attempt 1, 75% (Examgate)"
    assert received.extensions["total_score"] == "15"
    assert received.extensions["submitted_at"].startswith(str(utcnow().year))


def test_no_extensions_unless_the_launch_announced_them(client, canvas, run_jobs):
    finish(student(client, canvas), 0.5, max_score=10)
    deliver(run_jobs)
    assert [(r.score, r.extensions) for r in canvas.scores["sid-student-1"]] == [(0.5, {})]


@pytest.mark.parametrize("words", ["Invalid sourcedid", "User is no longer in course",
                                   "Course not available for student", "Assignment has no points possible."])
def test_canvas_refusal_is_final_and_keeps_its_words(client, canvas, run_jobs, words):
    canvas.refuse("sid-student-1", words)
    finish(student(client, canvas), 0.5)
    deliver(run_jobs)
    row = outcome()
    assert (row.state, row.tries, row.last_status, row.code_major, row.description) == (
        "failed", 1, 422, "failure", words)
    assert canvas.request_count == 1


def test_moodle_failure_with_200_is_final_and_keeps_its_words(app, client, run_jobs):
    with LocalLms("moodle") as moodle:
        factories.consumer(key=moodle.key, secret=moodle.secret)
        moodle.refuse("sid-student-1", "Score not between 0.0 and 1.0")
        finish(student(client, moodle), 0.5)
        deliver(run_jobs)
    row = outcome()
    assert (row.state, row.tries, row.last_status, row.code_major, row.description) == (
        "failed", 1, 200, "failure", "Score not between 0.0 and 1.0")


def test_moodle_success_reply_with_a_prefix(app, client, run_jobs):
    with LocalLms("moodle") as moodle:
        factories.consumer(key=moodle.key, secret=moodle.secret)
        finish(student(client, moodle), 0.4)
        deliver(run_jobs)
    assert (outcome().state, scores(moodle)) == ("sent", [0.4])


def test_refused_credentials_fail_and_flag_the_consumer(app, client, run_jobs):
    with LocalLms("canvas") as lms:
        factories.consumer(key=lms.key, secret="not-the-lms-secret")
        factories.launch(client, key=lms.key, secret="not-the-lms-secret", lis_result_sourcedid="sid-student-1",
                         user_id="student-1", lis_outcome_service_url=lms.url)
        finish(Launch.query.one(), 0.5)
        deliver(run_jobs)
    row = outcome()
    assert (row.state, row.tries, row.last_status, row.description) == (
        "failed", 1, 401, "Invalid authorization header")
    consumer = Consumer.query.one()
    assert consumer.credentials_refused_at is not None
    assert consumer.credentials_refused_reason == "Invalid authorization header"


def test_a_stored_score_clears_the_consumer_flag(client, canvas, run_jobs):
    consumer = Consumer.query.one()
    consumer.credentials_refused_at, consumer.credentials_refused_reason = utcnow(), "Invalid Developer Key"
    db.session.commit()
    finish(student(client, canvas), 0.5)
    deliver(run_jobs)
    db.session.expire_all()
    assert Consumer.query.one().credentials_refused_at is None


def test_duplicate_nonce_is_retried_at_once_with_a_fresh_one(client, canvas, run_jobs):
    canvas.queue_reply(401, "Duplicate nonce detected")
    finish(student(client, canvas), 0.6)
    run_jobs()
    row = outcome()
    assert (row.state, row.tries, scores(canvas)) == ("sent", 2, [0.6])
    assert [d.action for d in OutcomeDelivery.query.order_by(OutcomeDelivery.id)] == ["retry_now", "stored"]


def test_canvas_rate_limit_is_retried_later(client, canvas, run_jobs):
    canvas.queue_reply(403, "403 Forbidden (Rate Limit Exceeded)", headers={"X-Rate-Limit-Remaining": "0.0"})
    finish(student(client, canvas), 0.6)
    deliver(run_jobs)
    assert (outcome().state, outcome().tries, scores(canvas)) == ("sent", 2, [0.6])
    first = OutcomeDelivery.query.order_by(OutcomeDelivery.id).first()
    assert (first.action, first.http_status, first.description) == (
        "retry_later", 403, "403 Forbidden (Rate Limit Exceeded)")


def test_429_retry_after_is_honoured(app, client, run_jobs):
    with LocalLms("retry_after", retry_after=120) as lms:
        factories.consumer(key=lms.key, secret=lms.secret)
        finish(student(client, lms), 0.6)
        deliver(run_jobs)
        row = outcome()
        assert (row.state, row.tries, row.last_status) == ("retrying", 1, 429)
        assert row.due_at - utcnow() > timedelta(seconds=100)
        assert lms.request_count == 1  # nobody knocks again before the LMS said so


@pytest.mark.parametrize("persona, status, words", [
    ("error500", 500, "Internal Server Error"),
    ("dead", None, "connection refused"),
    ("slow", None, "timed out after 0.3s"),
])
def test_unwell_lms_is_retried_with_the_reason_kept(app, client, run_jobs, persona, status, words):
    app.config["OUTCOME_TIMEOUT_SECONDS"] = 0.3
    with LocalLms(persona, delay=3) as lms:
        factories.consumer(key=lms.key, secret=lms.secret)
        finish(student(client, lms), 0.6)
        deliver(run_jobs, rounds=2)
        row = outcome()
    assert (row.state, row.last_status, row.description, row.sent_score) == ("retrying", status, words, None)
    assert row.tries == 2  # retry intervals are [0, 0, 0] in the tests: one try per round


def test_lms_back_after_failures_gets_the_score(app, client, run_jobs):
    with LocalLms("canvas") as lms:
        factories.consumer(key=lms.key, secret=lms.secret)
        for _ in range(2):
            lms.queue_reply(503, "Service Unavailable")
        finish(student(client, lms), 0.9)
        deliver(run_jobs, rounds=4)
    assert (outcome().state, outcome().tries, scores(lms)) == ("sent", 3, [0.9])


def scheduled_runs():
    """When the delivery jobs waiting in RQ's scheduler will run, soonest first."""
    registry = jobs.queue.scheduled_job_registry
    return sorted(datetime.fromtimestamp(score, timezone.utc)
                  for _, score in jobs.redis.zrange(registry.key, 0, -1, withscores=True))


def pause(consumer_id, seconds):
    jobs.redis.set(f"examgate:outcome-pause:{consumer_id}", "1", px=int(seconds * 1000))


def test_lms_down_for_a_few_seconds_gets_the_score_within_one_retry_interval(app, client, run_jobs):
    interval = 2.0
    app.config["OUTCOME_RETRY_INTERVALS"] = [interval] * 5
    lms = LocalLms("canvas", port=unused_port())  # not entered yet: nothing listens, the LMS is down
    factories.consumer(key=lms.key, secret=lms.secret)
    finish(student(client, lms), 0.7)

    def work_until(condition, seconds):  # a worker with its scheduler, and no sweep
        deadline = time.monotonic() + seconds
        while not condition() and time.monotonic() < deadline:
            run_jobs()
            db.session.rollback()
            time.sleep(0.05)

    work_until(lambda: False, 3 * interval)  # down for three intervals: three tries or more, all refused
    assert (outcome().state, outcome().tries >= 2) == ("retrying", True)
    with lms:
        back = time.time()
        work_until(lambda: lms.scores, 4 * interval)
    [received] = lms.scores["sid-student-1"]
    # One interval after the last refused try, and the moment a busy worker takes to look at its schedule.
    assert received.score == 0.7 and received.time - back <= interval + 1
    assert outcome().state == "sent"


def test_a_job_that_finds_the_consumer_paused_runs_again_when_the_pause_ends(client, canvas, run_jobs):
    launch = student(client, canvas)
    pause(launch.consumer_id, 5)
    pause_ends = utcnow() + timedelta(seconds=5)
    finish(launch, 0.5)
    run_jobs()
    assert (outcome().state, canvas.request_count) == ("pending", 0)
    [when] = scheduled_runs()  # RQ keeps whole seconds
    assert pause_ends - timedelta(seconds=1) <= when <= pause_ends


def test_a_retry_that_runs_before_its_outcome_is_due_runs_again_then(client, canvas, run_jobs):
    finish(student(client, canvas), 0.5)
    row = outcome()
    row.state, row.due_at = "retrying", utcnow() + timedelta(seconds=3)
    db.session.commit()
    outcomes.deliver(row.id)  # RQ ran the job up to a second early
    assert (outcome().state, canvas.request_count) == ("retrying", 0)
    [when] = scheduled_runs()
    assert outcome().due_at - timedelta(seconds=1) <= when <= outcome().due_at


def test_retry_delays_grow_and_pause_the_consumer(app, client, canvas, run_jobs):
    app.config["OUTCOME_RETRY_INTERVALS"] = [10, 30, 60]
    launch = student(client, canvas)
    for _ in range(4):
        canvas.queue_reply(503, "Service Unavailable")
    finish(launch, 0.9)
    run_jobs()
    waits = []
    for _ in range(3):
        row = outcome_of("student-1")
        waits.append(round((row.due_at - row.updated_at).total_seconds()))  # from when it was set, not from now
        pause_ms = jobs.redis.pttl(f"examgate:outcome-pause:{launch.consumer_id}")
        assert abs(pause_ms / 1000 - waits[-1]) < 2
        finish(student(client, canvas, user="student-2"), 0.4)  # its job waits for the pause too
        run_jobs()
        assert canvas.request_count == len(waits)
        jobs.redis.delete(f"examgate:outcome-pause:{launch.consumer_id}")  # the time passes
        row.due_at = utcnow()
        db.session.commit()
        outcomes.deliver(row.id)
    assert waits == [10, 30, 60]
    assert round((outcome_of("student-1").due_at - utcnow()).total_seconds()) == 60  # the last one repeats


def test_a_throttled_lms_gets_every_score_paced_without_a_refusal(app, client, run_jobs):
    throttle = LeakyBucket(high_water=8.0, outflow=3.0, up_front=2.0, cost=1.0)
    with LocalLms("canvas", throttle=throttle) as lms:
        factories.consumer(key=lms.key, secret=lms.secret)
        for number in range(30):
            finish(student(client, lms, user=f"student-{number}"), number / 100)
        deadline = time.monotonic() + 60
        while Outcome.query.filter_by(state="sent").count() < 30 and time.monotonic() < deadline:
            db.session.rollback()
            run_jobs()
    assert {sid: [r.score for r in received] for sid, received in lms.scores.items()} == {
        f"sid-student-{number}": [number / 100] for number in range(30)}
    assert lms.request_count == 30  # not one "403 Forbidden (Rate Limit Exceeded)"
    assert OutcomeDelivery.query.filter_by(http_status=403).count() == 0


@pytest.mark.parametrize("method, expected", [("highest", 0.9), ("last", 0.6), ("first", 0.4)])
def test_grading_methods(client, canvas, run_jobs, method, expected):
    launch = student(client, canvas)
    launch.resource.grading_method = method
    db.session.commit()
    for score in (0.4, 0.9, 0.6):
        finish(launch, score)
    deliver(run_jobs)
    assert scores(canvas) == [expected]


def test_immediately_reports_zero_when_an_attempt_starts(client, canvas, run_jobs):
    set_default_report_mode(Consumer.query.one(), "immediately")  # the LMS's new resources send mid-exam
    launch = student(client, canvas)
    assert Outcome.query.count() == 0  # never attempted: nothing reported
    outcomes.attempt_changed(factories.launch_attempt(launch))
    deliver(run_jobs)
    assert (outcome().state, scores(canvas)) == ("sent", [0.0])


def test_new_resources_send_on_completion_by_default(client, canvas, run_jobs):
    launch = student(client, canvas)
    db.session.expire_all()
    assert db.session.get(Resource, launch.resource_id).report_mode == "on_completion"
    attempt = factories.launch_attempt(launch, score=0.3)
    outcomes.attempt_changed(attempt)
    assert Outcome.query.count() == 0
    attempt.status, attempt.score = "finished", 0.7
    db.session.commit()
    outcomes.attempt_changed(attempt)
    deliver(run_jobs)
    assert scores(canvas) == [0.7]


def test_manually_waits_for_report_scores(client, canvas, run_jobs):
    launch = student(client, canvas)
    other = student(client, canvas, user="student-2")
    launch.resource.report_mode = "manually"
    db.session.commit()
    finish(launch, 0.8)
    finish(other, 0.3)
    deliver(run_jobs)
    assert canvas.request_count == 0 and Outcome.query.count() == 0
    assert outcomes.report_resource(launch.resource) == 2
    deliver(run_jobs)
    assert (scores(canvas), scores(canvas, "student-2")) == ([0.8], [0.3])
    assert outcomes.report_resource(launch.resource) == 0  # reporting again sends nothing new


def test_on_close_reports_once_the_resource_closes(client, canvas, run_jobs):
    launch = student(client, canvas)
    resource = launch.resource
    resource.report_mode, resource.available_until = "on_close", utcnow() + timedelta(hours=1)
    db.session.commit()
    finish(launch, 0.8)
    outcomes.sweep_due()
    deliver(run_jobs)
    assert canvas.request_count == 0
    resource.available_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    outcomes.sweep_due()
    deliver(run_jobs)
    assert scores(canvas) == [0.8]
    finish(launch, 0.9)  # a late change after the close is reported at once
    deliver(run_jobs)
    assert scores(canvas) == [0.8, 0.9]


def test_scores_are_clamped(client, canvas, run_jobs):
    finish(student(client, canvas), 1.4)
    deliver(run_jobs)
    assert scores(canvas) == [1.0]


def test_newer_score_replaces_an_older_unsent_one(client, canvas, run_jobs):
    launch = student(client, canvas)
    launch.resource.grading_method = "last"
    db.session.commit()
    finish(launch, 0.3)
    finish(launch, 0.8)
    deliver(run_jobs)
    assert (scores(canvas), outcome().sent_score, Outcome.query.count()) == ([0.8], 0.8, 1)


def test_same_score_is_not_sent_twice(client, canvas, run_jobs):
    launch = student(client, canvas)
    attempt = finish(launch, 0.5)
    deliver(run_jobs)
    outcomes.attempt_changed(attempt)
    finish(launch, 0.2)  # lower: "highest" still reports 0.5
    deliver(run_jobs)
    assert (scores(canvas), canvas.request_count) == ([0.5], 1)


def test_deleted_attempts_do_not_count(client, canvas, run_jobs):
    launch = student(client, canvas)
    best = finish(launch, 0.9)
    deliver(run_jobs)
    finish(launch, 0.4)
    best.deleted_at = utcnow()
    db.session.commit()
    outcomes.attempt_changed(best)
    deliver(run_jobs)
    assert scores(canvas) == [0.9, 0.4]


def test_score_changed_during_a_send_is_sent_next(client, canvas, run_jobs, monkeypatch):
    launch = student(client, canvas)
    finish(launch, 0.5)
    real = transports.lti11_transport

    def transport_while_score_changes(row, launch_row, attempt):
        send = real(row, launch_row, attempt)

        def send_and_change(timeout):
            verdict = send(timeout)
            if len(canvas.scores["sid-student-1"]) == 1:
                finish(launch, 0.7)  # the attempts service commits while the request is in flight
            return verdict
        return send_and_change

    monkeypatch.setitem(transports.TRANSPORTS, "1.1", transport_while_score_changes)
    deliver(run_jobs)
    assert (scores(canvas), outcome().state, outcome().sent_score) == ([0.5, 0.7], "sent", 0.7)


@pytest.mark.parametrize("person", [factories.INSTRUCTOR, {**factories.LEARNER, "lis_result_sourcedid": None}])
def test_launches_without_a_sourcedid_never_send(client, canvas, run_jobs, person):
    factories.launch(client, key=canvas.key, secret=canvas.secret, person=person,
                     lis_result_sourcedid="sid-teacher" if person is factories.INSTRUCTOR else None,
                     lis_outcome_service_url=canvas.url)
    launch = Launch.query.one()
    finish(launch, 0.9)
    deliver(run_jobs)
    assert (Outcome.query.count(), canvas.request_count) == (0, 0)
    outcomes.report_resource(launch.resource)
    assert Outcome.query.count() == 0


def test_a_launch_without_a_gradebook_keeps_its_score_as_not_sent(app, client, canvas, run_jobs):
    factories.launch(client, key=canvas.key, secret=canvas.secret, user_id="student-1",
                     lis_result_sourcedid="sid-student-1", lis_outcome_service_url=None)  # as the demo launches
    attempt = finish(Launch.query.one(), 0.5)
    deliver(run_jobs)
    words = "not sent: the LMS gave no gradebook for this launch"
    row = outcome()
    assert (row.state, row.description, row.tries, row.due_at) == ("not_sent", words, 0, None)
    assert (OutcomeDelivery.query.count(), canvas.request_count, scheduled_runs()) == (0, 0, [])
    assert outcomes.failing_outcomes() == []
    assert f"Score 50% {words}" in [event.title for event in timeline.attempt_timeline(attempt)]
    outcomes.resend(row)  # an instructor's resend cannot find a gradebook either, and is not retried
    deliver(run_jobs)
    assert (outcome().state, outcome().description, OutcomeDelivery.query.count(), scheduled_runs()) == (
        "not_sent", words, 0, [])
    teacher = instructor_client(app, canvas)
    page = teacher.get(f"/dashboard/resources/{row.resource_id}/outcomes").text
    table = page[page.index('<div id="outcomes"'):page.index("</footer>")]
    assert "not sent" in table and "failed" not in table and "hx-trigger" not in table  # nothing to watch


def test_laptop_mode_retries_on_a_timer(make_app):
    laptop = make_app(REDIS_URL=None, JOBS_INLINE=True, OUTCOME_RETRY_INTERVALS=[0.5])  # no Redis, no worker
    with laptop.app_context(), LocalLms("canvas") as lms:
        factories.consumer(key=lms.key, secret=lms.secret)
        lms.queue_reply(503, "Service Unavailable")
        finish(student(laptop.test_client(), lms), 0.8)  # the first try runs inline, and is refused
        assert outcome().state == "retrying"
        deadline = time.monotonic() + 20
        while not lms.scores and time.monotonic() < deadline:
            time.sleep(0.1)
        assert scores(lms) == [0.8]
        while outcome().state != "sent" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (outcome().state, outcome().tries) == ("sent", 2)


def test_redis_down_at_enqueue_then_the_sweep_sends_it(make_app):
    up = make_app()
    down = make_app(REDIS_URL="redis://127.0.0.1:1/0")  # same database, Redis unreachable
    with LocalLms("canvas") as lms:
        with up.app_context():
            factories.consumer(key=lms.key, secret=lms.secret)
            launch_id = student(up.test_client(), lms).id
        with down.app_context():
            finish(db.session.get(Launch, launch_id), 0.65)
            row = outcome()
            assert (row.state, row.queued_at, row.score) == ("pending", None, 0.65)
        with up.app_context():
            assert outcomes.sweep_due() == 1
            SimpleWorker([jobs.queue], connection=jobs.redis).work(burst=True)
            assert (outcome().state, scores(lms)) == ("sent", [0.65])
            assert outcomes.sweep_due() == 0


def test_a_send_abandoned_by_a_killed_worker_is_picked_up_by_the_sweep(client, canvas, run_jobs):
    finish(student(client, canvas), 0.5)
    jobs.queue.empty()  # the worker took the job and was killed mid-send: the row says "sending"
    row = outcome()
    an_hour_ago = utcnow() - timedelta(hours=1)
    row.state, row.updated_at, row.queued_at = "sending", an_hour_ago, an_hour_ago
    db.session.commit()
    assert outcomes.sweep_due() == 1
    deliver(run_jobs)
    assert (outcome().state, scores(canvas)) == ("sent", [0.5])


def test_a_job_that_finds_the_consumer_busy_leaves_the_outcome_to_the_lock_holder(client, canvas, run_jobs):
    launch = student(client, canvas)
    lock = jobs.redis.lock(f"examgate:outcome-lock:{launch.consumer_id}", timeout=60)
    assert lock.acquire(blocking=False)
    finish(launch, 0.5)
    run_jobs()
    assert (outcome().state, canvas.request_count) == ("pending", 0)
    lock.release()
    finish(student(client, canvas, user="student-2"), 0.4)  # the next delivery job sends both
    deliver(run_jobs)
    assert (scores(canvas), scores(canvas, "student-2")) == ([0.5], [0.4])


def test_resend_sends_again(client, canvas, run_jobs):
    canvas.refuse("sid-student-1", "User is no longer in course")
    finish(student(client, canvas), 0.5)
    deliver(run_jobs)
    assert outcome().state == "failed"
    del canvas.refusals["sid-student-1"]
    outcomes.resend(outcome())
    deliver(run_jobs)
    assert (outcome().state, outcome().tries, scores(canvas)) == ("sent", 1, [0.5])


# The dashboard

def instructor_client(app, lms):
    teacher = app.test_client()
    factories.launch(teacher, key=lms.key, secret=lms.secret, person=factories.INSTRUCTOR)
    return teacher


def test_instructor_sees_the_lms_words_and_resends(app, client, canvas, run_jobs):
    canvas.refuse("sid-student-1", "Course not available for student")
    launch = student(client, canvas)
    finish(launch, 0.5)
    deliver(run_jobs)
    teacher = instructor_client(app, canvas)
    page = teacher.get(f"/dashboard/resources/{launch.resource_id}/outcomes")
    assert page.status_code == 200
    assert "Course not available for student" in page.text and "failed" in page.text
    assert "HX-Request" in page.headers["Vary"]
    del canvas.refusals["sid-student-1"]
    fragment = teacher.post(f"/dashboard/resources/{launch.resource_id}/outcomes/{outcome().id}/resend",
                            headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "pending" in fragment.text
    deliver(run_jobs)
    assert scores(canvas) == [0.5]
    page = teacher.post(f"/dashboard/resources/{launch.resource_id}/outcomes/resend")
    assert page.status_code == 303


def test_resend_all_puts_every_score_in_the_gradebook_again(app, client, canvas, run_jobs):
    for number, score in ((1, 0.5), (2, 0.25)):
        canvas.refuse(f"sid-student-{number}", "Course not available for student")
        finish(student(client, canvas, user=f"student-{number}"), score)
    deliver(run_jobs)
    assert (canvas.scores, {o.state for o in Outcome.query}) == ({}, {"failed"})
    canvas.refusals.clear()  # the course is open again
    resource_id = Launch.query.first().resource_id
    teacher = instructor_client(app, canvas)
    assert teacher.post(f"/dashboard/resources/{resource_id}/outcomes/resend").status_code == 303
    deliver(run_jobs)
    assert (scores(canvas, "student-1"), scores(canvas, "student-2")) == ([0.5], [0.25])
    db.session.expire_all()
    assert [(o.state, o.sent_score) for o in Outcome.query.order_by(Outcome.id)] == [("sent", 0.5), ("sent", 0.25)]


def test_report_scores_button_for_manual_mode(app, client, canvas, run_jobs):
    launch = student(client, canvas)
    launch.resource.report_mode = "manually"
    db.session.commit()
    finish(launch, 0.8)
    teacher = instructor_client(app, canvas)
    url = f"/dashboard/resources/{launch.resource_id}/outcomes"
    assert "Report scores" in teacher.get(url).text
    teacher.post(f"{url}/report", headers={"HX-Request": "true"})
    deliver(run_jobs)
    assert scores(canvas) == [0.8]


def test_students_and_other_courses_get_404(app, client, canvas, run_jobs):
    launch = student(client, canvas)
    finish(launch, 0.5)
    url = f"/dashboard/resources/{launch.resource_id}/outcomes"
    assert client.get(url).status_code == 404  # the student's own session
    other = app.test_client()
    factories.launch(other, key=canvas.key, secret=canvas.secret, person=factories.INSTRUCTOR,
                     context_id="another-course", resource_link_id="another-link")
    assert other.get(url).status_code == 404
    assert other.post(f"{url}/{outcome().id}/resend").status_code == 404
    assert other.get("/dashboard/outcomes/failures").status_code == 404  # administrators only


def test_administrator_sees_failures_site_wide_and_flagged_consumers(app, client, run_jobs):
    with LocalLms("canvas") as lms:
        factories.consumer(name="North College", key=lms.key, secret="wrong-secret")
        factories.launch(client, key=lms.key, secret="wrong-secret", user_id="student-1",
                         lis_result_sourcedid="sid-student-1", lis_outcome_service_url=lms.url)
        finish(Launch.query.one(), 0.5)
        deliver(run_jobs)
    create_admin("root@example.edu", "a long password", superuser=True)
    admin = app.test_client()
    admin.post("/auth/login", data={"email": "root@example.edu", "password": "a long password"})
    page = admin.get("/dashboard/outcomes/failures")
    assert page.status_code == 200
    assert "North College refused Examgate's credentials" in page.text
    assert "Invalid authorization header" in page.text
