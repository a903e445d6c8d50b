"""Scores to an LTI 1.3 platform through the outcome pipeline (Assignment and Grade Services), against the
local platform, which keeps timestamps to the whole second and answers 409 as Moodle does."""
import time
from datetime import datetime

from lti_app import outcomes
from lti_app.extensions import db
from lti_app.models import Launch, Outcome, OutcomeDelivery
from lti_app.models.base import utcnow
from tests import factories
from tests.test_lti13 import browser, consumer, examgate, launch, platform  # noqa: F401  (fixtures)


def learner(platform, browser, report_mode="immediately"):
    launch(platform, browser)
    recorded = Launch.query.one()
    recorded.resource.report_mode = report_mode
    db.session.commit()
    return recorded


def outcome():
    db.session.expire_all()
    return Outcome.query.one()


def held(platform):
    """What the platform holds for the learner: the last score it accepted, out of 100."""
    [(lineitem, scores)] = platform.scores.items()
    return scores[-1]["scoreGiven"], len(scores)


def stamps(platform):
    return [datetime.fromisoformat(s["timestamp"]) for scores in platform.scores.values() for s in scores]


def start_of_a_second():
    """Wait until a second has just begun, so that two sends 200 ms apart fall in the same second."""
    time.sleep(1 - time.time() % 1 + 0.01)


def test_two_scores_200_ms_apart_the_platform_ends_with_the_later(platform, consumer, browser, run_jobs):
    recorded = learner(platform, browser)
    attempt = factories.launch_attempt(recorded, score=0.4)
    start_of_a_second()
    outcomes.attempt_changed(attempt)
    run_jobs()
    time.sleep(0.2)
    attempt.score = 0.9
    db.session.commit()
    outcomes.attempt_changed(attempt)
    run_jobs()
    assert held(platform) == (90.0, 2)
    first, second = stamps(platform)
    assert first.microsecond == second.microsecond == 0 and second > first
    assert (outcome().state, outcome().sent_score) == ("sent", 0.9)


def test_a_409_for_a_score_that_is_not_our_latest_is_sent_again_later(platform, consumer, browser, run_jobs):
    recorded = learner(platform, browser)
    attempt = factories.launch_attempt(recorded, score=0.6, status="finished")
    lineitem = platform.add_lineitem(label="Week 1 quiz", scoreMaximum=100, resourceLinkId="link-1")["id"]
    # Moodle holds a grade stamped this very second (an earlier send, or a teacher's edit).
    platform.score_seconds[(lineitem, "ada-sub")] = int(time.time())
    outcomes.attempt_changed(attempt)
    run_jobs()
    row = outcome()
    assert (row.state, row.sent_score, row.tries) == ("sent", 0.6, 2)
    refused, stored = OutcomeDelivery.query.order_by(OutcomeDelivery.id).all()
    assert (refused.http_status, refused.action, stored.action) == (409, "superseded", "stored")
    assert refused.description.startswith("Refusing score with an earlier timestamp for item")
    assert held(platform) == (60.0, 1)


def test_timestamps_go_up_by_whole_seconds_even_when_the_clock_has_not(platform, consumer, browser, run_jobs):
    recorded = learner(platform, browser)
    attempt = factories.launch_attempt(recorded, score=0.1)
    outcomes.attempt_changed(attempt)
    run_jobs()
    for score in (0.2, 0.3):
        attempt.score = score
        db.session.commit()
        outcomes.attempt_changed(attempt)
        run_jobs()
    sent = stamps(platform)
    assert all(stamp.microsecond == 0 for stamp in sent) and all(b > a for a, b in zip(sent, sent[1:]))
    assert all(stamp <= utcnow() for stamp in stamps(platform))  # never a timestamp in the future
    assert held(platform) == (30.0, 3) and outcome().score_timestamp == sent[-1]


def test_mid_exam_scores_are_in_progress_and_the_final_one_fully_graded(platform, consumer, browser, run_jobs):
    recorded = learner(platform, browser)  # "immediately": partial scores go while the student sits the exam
    attempt = factories.launch_attempt(recorded, score=0.2)
    outcomes.attempt_changed(attempt)
    run_jobs()
    attempt.status, attempt.score, attempt.finished_at = "finished", 0.6, utcnow()
    db.session.commit()
    outcomes.attempt_changed(attempt)
    run_jobs()
    [scores] = platform.scores.values()
    assert [(s["scoreGiven"], s["activityProgress"], s["gradingProgress"]) for s in scores] == [
        (20.0, "InProgress", "Pending"), (60.0, "Completed", "FullyGraded")]
