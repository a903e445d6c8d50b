"""2,000 scores delivered to a local LMS that throttles like Canvas, by real RQ workers on a real Redis.

    REDIS_URL=redis://127.0.0.1:6379/N [DATABASE_URL=postgresql://...] python bench/outcomes.py

The Redis database named by REDIS_URL is flushed, and the tables in DATABASE_URL are dropped and
created again (give it a schema of its own: `...?options=-csearch_path%3Dbench`); without DATABASE_URL
a temporary SQLite file is used. All scores are recorded first (the instructor reports them), then the workers start.
The throttle is Canvas's leaky bucket (tests/lms/outcome_service.py) draining 20 units a second, so
the run stays under three minutes. `ratio` is the throughput over the whole run (from the first request
to the last score stored, or to the deadline when not all arrived) as a fraction of what that bucket
allows over the same time (its 600-unit burst plus its outflow). `burst_sends_per_s` is how fast the
first 600 scores went, before the throttle bites: above 20, the sends are fast enough to hit it.
"""
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lti_app import create_app  # noqa: E402
from lti_app.extensions import db, jobs  # noqa: E402
from lti_app.models import Attempt, Context, Launch, Outcome, Resource, User  # noqa: E402
from lti_app.models.base import utcnow  # noqa: E402
from lti_app import outcomes  # noqa: E402
from tests import factories  # noqa: E402
from tests.lms.outcome_service import LeakyBucket, LocalLms  # noqa: E402
from tests.real_worker import real_workers  # noqa: E402

SCORES = int(os.environ.get("BENCH_SCORES", 2000))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
HIGH_WATER, UP_FRONT, COST = 600.0, 50.0, 1.0
OUTFLOW = float(os.environ.get("BENCH_OUTFLOW", 20))  # units a second
DEADLINE_S = 200


def seed(lms_url, consumer):
    """One course, one resource, SCORES students who each launched once."""
    context = Context(consumer_id=consumer.id, lti_context_id="bench-course", title="Bench")
    resource = Resource(consumer_id=consumer.id, context=context, lti_resource_link_id="bench-exam", title="Bench")
    db.session.add(resource)
    users = [User(consumer_id=consumer.id, lti_user_id=f"s{n}", name=f"Student {n}") for n in range(SCORES)]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(Launch(consumer_id=consumer.id, resource_id=resource.id, user_id=user.id, role="learner",
                              lis_result_sourcedid=f"sid-{user.lti_user_id}", outcome_service_url=lms_url)
                       for user in users)
    version = factories.exam(slug="bench-exam").latest_version
    attempts = [Attempt(resource_id=resource.id, user_id=user.id, exam_version_id=version.id, status="finished",
                        score=(n % 100 + 1) / 100, finished_at=utcnow()) for n, user in enumerate(users)]
    db.session.add_all(attempts)
    db.session.commit()
    return {f"sid-{a.user.lti_user_id}": a.score for a in attempts}, attempts


def main():
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        sys.exit("bench/outcomes.py needs REDIS_URL (a real Redis: real workers share it)")
    workdir = Path(tempfile.mkdtemp(prefix="examgate-bench-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url, "JOBS_INLINE": False})
    bucket = LeakyBucket(high_water=HIGH_WATER, outflow=OUTFLOW, up_front=UP_FRONT, cost=COST)
    with app.app_context(), LocalLms("canvas", throttle=bucket) as lms:
        db.drop_all()
        db.create_all()
        jobs.redis.flushdb()
        consumer = factories.consumer(key=lms.key, secret=lms.secret)
        expected, attempts = seed(lms.url, consumer)
        outcomes.report_resource(attempts[0].resource)  # "report scores": all recorded and queued at once
        started = time.monotonic()
        with real_workers(database_url, redis_url, workdir, count=WORKERS):
            while time.monotonic() - started < DEADLINE_S and _sent() < SCORES:
                time.sleep(0.5)
            stopped = time.time()
        received = {sid: [r.score for r in lms.scores.get(sid, [])] for sid in expected}
        times = sorted(r.time for rs in lms.scores.values() for r in rs) or [stopped]
    # From the first request (worker start-up is not delivery) to the last score, or to the deadline.
    first = lms.first_request_at or stopped
    delivered = sum(1 for sid, score in expected.items() if score in received[sid])
    elapsed = max((times[-1] if delivered == SCORES else stopped) - first, 1e-9)
    allowed = (HIGH_WATER / COST + OUTFLOW / COST * elapsed) / elapsed
    burst = times[: int(HIGH_WATER / COST)]
    print(f"scores: {SCORES}")
    print(f"workers: {WORKERS}")
    print(f"delivered: {delivered}")
    print(f"lost: {sum(1 for sid in expected if not received[sid])}")
    print(f"duplicated: {sum(max(0, len(scores) - 1) for scores in received.values())}")
    print(f"requests: {lms.request_count}")
    print(f"refused_by_throttle: {lms.throttled}")
    print(f"burst_sends_per_s: {len(burst) / max(burst[-1] - first, 1e-9):.2f}")
    print(f"elapsed_s: {elapsed:.1f}")
    print(f"throughput_per_s: {delivered / elapsed:.2f}")
    print(f"throttle_allows_per_s: {allowed:.2f}")
    print(f"ratio: {delivered / elapsed / allowed:.2f}")


def _sent():
    count = Outcome.query.filter_by(state="sent").count()
    db.session.rollback()
    return count


if __name__ == "__main__":
    main()
