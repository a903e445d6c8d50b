"""Pacing sends under an LMS's throttle (pure): slow down before the LMS refuses.

Canvas throttles with a leaky bucket: every reply says what the request cost (`X-Request-Cost`) and
how much of the bucket is left (`X-Rate-Limit-Remaining`); the bucket drains at a rate it does not say.
The rate is measured here from the replies (what was left, plus what was spent, over at least a
second), and the next send waits until the bucket is projected to hold a few requests' worth again.
Any reply's `Retry-After` is a wait as well. Sends then go at about the rate the throttle allows,
with no refusal and no long pause.
"""
from dataclasses import asdict, dataclass

MARGIN_REQUESTS = 5  # keep this many requests' cost in the bucket
MEASURE_SECONDS = 1.0  # the shortest span the drain rate is measured over
UNKNOWN_RATE_WAIT = 1.0  # the bucket is low and its drain rate not measured yet
SMOOTHING = 0.5  # weight of the newest measurement of the drain rate


@dataclass
class Pace:
    """What the replies said so far, for one consumer (times in seconds, amounts in the LMS's units)."""

    remaining: float | None = None  # after the last reply
    cost: float = 0.0  # of the last request
    at: float = 0.0  # when the last reply came
    since: float | None = None  # when the current measurement began
    since_remaining: float | None = None
    spent: float = 0.0  # cost of the requests since then
    drain: float | None = None  # units per second
    not_before: float = 0.0  # Retry-After

    @classmethod
    def from_dict(cls, data: dict | None) -> "Pace":
        return cls(**data) if data else cls()

    def to_dict(self) -> dict:
        return asdict(self)


def observe(pace: Pace, now: float, remaining: float | None, cost: float | None,
            retry_after: float | None = None) -> Pace:
    """The pace after a reply that came at `now` with these headers (None: the header was absent)."""
    if retry_after:
        pace.not_before = max(pace.not_before, now + retry_after)
    if remaining is None:
        return pace
    cost = cost or 0.0
    if pace.since is None:
        pace.since, pace.since_remaining, pace.spent = now, remaining, 0.0
    else:
        pace.spent += cost
        span = now - pace.since
        if span >= MEASURE_SECONDS:
            measured = max(0.0, (remaining - pace.since_remaining + pace.spent) / span)
            pace.drain = measured if pace.drain is None else SMOOTHING * measured + (1 - SMOOTHING) * pace.drain
            pace.since, pace.since_remaining, pace.spent = now, remaining, 0.0
    pace.remaining, pace.cost, pace.at = remaining, cost, now
    return pace


def wait_seconds(pace: Pace, now: float) -> float:
    """How long to wait before the next request."""
    wait = max(0.0, pace.not_before - now)
    if pace.remaining is None:
        return wait
    wanted = (MARGIN_REQUESTS + 1) * pace.cost
    projected = pace.remaining + (pace.drain or 0.0) * (now - pace.at)
    if projected >= wanted:
        return wait
    if not pace.drain:
        return max(wait, UNKNOWN_RATE_WAIT)
    return max(wait, (wanted - projected) / pace.drain)
