"""Pacing under a throttle that reports itself (pure): measured against the local LMS's leaky bucket,
as Canvas's replies describe it."""
import pytest

from lti_app.outcomes import pacing
from tests.lms.outcome_service import LeakyBucket


class Clock:
    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now


@pytest.fixture
def bucket(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("tests.lms.outcome_service.time.monotonic", clock.monotonic)
    throttle = LeakyBucket(high_water=100.0, outflow=10.0, up_front=20.0, cost=1.0)
    return throttle, clock


def send_paced(throttle, clock, count, request_seconds=0.01):
    """Send `count` requests one at a time, waiting as pacing says; returns (accepted, refused)."""
    pace, accepted, refused = pacing.Pace(), 0, 0
    for _ in range(count):
        clock.now += pacing.wait_seconds(pace, clock.now)
        if throttle.reserve():
            clock.now += request_seconds
            throttle.settle()
            accepted += 1
        else:
            refused += 1
        pacing.observe(pace, clock.now, throttle.remaining(), throttle.cost)
    return accepted, refused, pace


def test_paced_sends_are_never_refused_and_go_at_the_rate_the_throttle_allows(bucket):
    throttle, clock = bucket
    accepted, refused, pace = send_paced(throttle, clock, 1000)
    assert (accepted, refused) == (1000, 0)
    allowed = throttle.high_water / throttle.cost + throttle.outflow / throttle.cost * clock.now
    assert accepted / allowed >= 0.95
    assert pace.drain == pytest.approx(throttle.outflow, rel=0.05)


def test_unpaced_sends_are_refused(bucket, monkeypatch):
    monkeypatch.setattr(pacing, "wait_seconds", lambda pace, now: 0.0)
    throttle, clock = bucket
    accepted, refused, _ = send_paced(throttle, clock, 1000)
    assert refused > 0


def test_a_retry_after_is_a_wait_on_any_reply():
    pace = pacing.observe(pacing.Pace(), 100.0, None, None, retry_after=7)
    assert pacing.wait_seconds(pace, 102.0) == 5.0
    assert pacing.wait_seconds(pace, 108.0) == 0.0


def test_a_low_bucket_with_no_measured_drain_waits_a_little():
    pace = pacing.observe(pacing.Pace(), 0.0, 2.0, 1.0)
    assert pacing.wait_seconds(pace, 0.0) == pacing.UNKNOWN_RATE_WAIT
    assert pacing.wait_seconds(pacing.observe(pacing.Pace(), 0.0, 50.0, 1.0), 0.0) == 0.0
