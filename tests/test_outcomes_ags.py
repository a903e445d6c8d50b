"""Scores to an LTI 1.3 platform through the outcome pipeline (Assignment and Grade Services), against the
local platform, which keeps timestamps to the whole second and answers 409 as Moodle does."""
import time
from datetime import datetime

from lti_app import outcomes
from lti_app.extensions import db
from lti_app.models import Consumer, Launch, Lti13Registration, Outcome, OutcomeDelivery
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
    # Moodle holds a grade stamped this very second (an earlier send, or a teacher's edit); the first send
    # must fall in the same second, so the test starts at the beginning of one.
    start_of_a_second()
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


# What goes wrong on the way to the line item

def sent_once(platform, browser, run_jobs, rounds=1):
    recorded = learner(platform, browser, report_mode="on_completion")
    outcomes.attempt_changed(factories.launch_attempt(recorded, score=0.5, status="finished"))
    for _ in range(rounds):
        run_jobs()
    return outcome()


def test_a_refused_token_fails_the_score_and_flags_the_consumer(platform, consumer, browser, run_jobs):
    platform.refuse_tokens = True
    row = sent_once(platform, browser, run_jobs)
    assert (row.state, row.last_status, row.tries) == ("failed", 401, 1)
    assert "Client authentication failed" in row.description
    db.session.expire_all()
    assert Consumer.query.one().credentials_refused_at is not None and not platform.scores


def test_429_and_5xx_are_retried_until_the_score_is_stored(platform, consumer, browser, run_jobs):
    platform.score_replies.extend([(429, {"Retry-After": "0"}), (503, {})])
    row = sent_once(platform, browser, run_jobs, rounds=3)
    deliveries = OutcomeDelivery.query.order_by(OutcomeDelivery.id).all()
    assert [(d.http_status, d.action) for d in deliveries] == [(429, "retry_later"), (503, "retry_later"),
                                                               (200, "stored")]
    assert (row.state, row.sent_score, held(platform)) == ("sent", 0.5, (50.0, 1))


def test_an_unreachable_platform_is_retried_with_the_reason(platform, consumer, browser, run_jobs):
    from tests.lms.outcome_service import unused_port

    registration = Lti13Registration.query.one()
    registration.auth_token_url = f"http://127.0.0.1:{unused_port()}/token"
    db.session.commit()
    row = sent_once(platform, browser, run_jobs, rounds=2)
    assert (row.state, row.last_status, row.description, row.tries) == ("retrying", None, "connection refused", 2)


def test_a_line_item_the_platform_no_longer_has_fails_with_its_words(platform, consumer, browser, run_jobs):
    recorded = learner(platform, browser, report_mode="on_completion")
    recorded.resource.lineitem_url = f"{platform.url}/lineitems/999"  # deleted in the LMS
    db.session.commit()
    outcomes.attempt_changed(factories.launch_attempt(recorded, score=0.5, status="finished"))
    run_jobs()
    row = outcome()
    assert (row.state, row.last_status, row.description) == ("failed", 404, "Not found")


def test_no_line_item_and_no_line_items_url_is_refused(platform, consumer, browser):
    from lti_app.outcomes.transports import send_score

    recorded = learner(platform, browser)
    recorded.outcome_service_url = None  # the platform gave no AGS line items for this link
    db.session.commit()
    verdict = send_score(recorded, 0.5, "Completed", "FullyGraded", utcnow().replace(microsecond=0))
    assert (verdict.action, verdict.description) == (
        "refused", "The LMS gave no line item for this link: grading is not enabled for it.")
