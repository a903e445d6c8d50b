"""How fast signed LTI 1.1 launches are, against the same stack taking a launch form bare.

Runs gunicorn (as in the Procfile) over a PostgreSQL database it creates and drops, with Redis for
the nonces, and sends launches signed by the `lti` package's ToolConsumer, each with a fresh nonce
and a new student (a class arriving at once), all on the same resource link:
- RATE launches a second (default 20) for DURATION seconds, sent on schedule whatever the answers
  (open loop; a launch's time counts from when it was due): launches_per_s, p50_ms, p99_ms, and the
  same for the bare endpoint (bench/bare_app.py: the nonce set once in Redis, one row, a redirect);
- CONCURRENCY clients sending back to back for BURST_SECONDS: the most each endpoint can take, and
  `ratio` (launch capacity / bare capacity), medians over ROUNDS alternating bursts with both servers
  running side by side (as bench/commits.py measures, so that the machine's drift is not counted).
Every body is signed before the clock starts, so the client's signing does not take the servers' CPU.

Usage: python bench/launches.py [--rate 20] [--duration 20] [--concurrency 20] [--burst-seconds 3] [--rounds 5]
Environment: DATABASE_URL (a PostgreSQL server; default postgresql://postgres@127.0.0.1:5432/test),
REDIS_URL (default redis://127.0.0.1:6379/0; nonces are written there with a TTL, nothing is flushed).
"""
import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.commits import (SECRET, _create_bare_table, _database, _gunicorn, _post, _run_threads,  # noqa: E402
                           add_capacity_options, alternating)
from config import database_url  # noqa: E402
from tests.factories import signed_launch  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
KEY, CONSUMER_SECRET = "bench", "bench-consumer-secret"
APP_PORT, BARE_PORT = 8703, 8704
MAX_LAUNCHES_PER_S = 1200  # bodies signed up front for a burst (its rate stays right if they run out)
FORM = "application/x-www-form-urlencoded"


def main():
    options = _options()
    server_url = database_url({"DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)})
    with _database(server_url) as url:
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING",
               "PYTHONPATH": str(REPO), "REDIS_URL": os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)}
        _seed(url)
        app, bare = Endpoint(APP_PORT, "/lti/launch"), Endpoint(BARE_PORT, "/bare-launch")
        with _gunicorn("wsgi:app", APP_PORT, env), _gunicorn("bench.bare_app:app", BARE_PORT, env,
                                                              setup=_create_bare_table):
            app.warm_up(), bare.warm_up()
            paced, bare_paced = app.open_loop(options), bare.open_loop(options)
            most, bare_most, ratio = alternating(lambda: app.back_to_back(options),
                                                 lambda: bare.back_to_back(options), options.rounds)
    _report("bare_", bare_paced)
    print(f"bare_p99_ms: {_p99(bare_paced[1]):.1f}")
    print(f"max_bare_per_s: {bare_most:.1f}")
    _report("", paced)
    print(f"max_launches_per_s: {most:.1f}")
    print(f"ratio: {ratio:.2f}")
    print(f"p99_ms: {_p99(paced[1]):.1f}")


def _options():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=20.0, help="launches a second in the open-loop run")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of the open-loop run per endpoint")
    add_capacity_options(parser)
    return parser.parse_args()


def _seed(url):
    """The app's tables and the consumer; the first launch creates the course and the resource link."""
    os.environ["DATABASE_URL"] = url
    from lti_app import create_app
    from lti_app.extensions import db
    from lti_app.services import consumers

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        db.create_all()
        consumers.create_consumer("Bench LMS", key=KEY, secret=CONSUMER_SECRET)
        db.session.remove()
        db.engine.dispose()


class Endpoint:
    """One server's launch endpoint, with the bodies it is sent signed before the clock starts."""

    def __init__(self, port, path):
        self.host, self.path, self.url = f"127.0.0.1:{port}", path, f"http://127.0.0.1:{port}{path}"

    def warm_up(self):
        """Every worker thread opens its connections, and the resource link exists, before anything is measured."""
        bodies = _signed(self.url, 32, "warm-up")
        self.post(bodies.pop())
        _run_threads(self.post, bodies)

    def open_loop(self, options):
        return _open_loop(self.host, self.path, _signed(self.url, int(options.rate * options.duration), "paced"),
                          options.rate)

    def back_to_back(self, options):
        bodies = _signed(self.url, int(MAX_LAUNCHES_PER_S * options.burst_seconds), "burst")
        return _back_to_back(self.host, self.path, bodies, options.concurrency, options.burst_seconds)

    def post(self, body):
        return _post(self.host, self.path, body, FORM, 302)


def _signed(url, count, run):
    """`count` launch bodies, each a new student with a fresh nonce, signed for `url`."""
    tag = uuid.uuid4().hex[:8]
    return [urlencode(signed_launch(KEY, CONSUMER_SECRET, url, user_id=f"{run}-{tag}-{n}",
                                    lis_person_name_full=f"Student {n}",
                                    lis_person_contact_email_primary=f"s{n}@example.edu",
                                    lis_result_sourcedid=f"sid-{tag}-{n}", resource_link_id="bench-exam",
                                    context_id="bench-course"))
            for n in range(count)]


def _open_loop(host, path, bodies, rate):
    """One launch every 1/rate seconds, each in its own thread; its time counts from when it was due."""
    latencies, lock = [], threading.Lock()
    began = time.perf_counter() + 0.1

    def launch(n):
        due = began + n / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        took = _post(host, path, bodies[n], FORM, 302)
        with lock:
            latencies.append(None if took is None else (time.perf_counter() - due) * 1000)

    threads = []
    for n in range(len(bodies)):
        time.sleep(max(0.0, began + n / rate - 0.05 - time.perf_counter()))  # start each thread just before it is due
        threads.append(threading.Thread(target=launch, args=(n,), daemon=True))
        threads[-1].start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - began), latencies


def _back_to_back(host, path, bodies, concurrency, seconds):
    """CONCURRENCY clients launching back to back until the deadline or the signed bodies run out."""
    count, lock = [0], threading.Lock()
    remaining = iter(bodies)
    deadline = time.monotonic() + seconds

    def client(_):
        while time.monotonic() < deadline:
            with lock:
                body = next(remaining, None)
            if body is None:
                return
            ok = _post(host, path, body, FORM, 302) is not None
            with lock:
                count[0] += ok

    began = time.monotonic()
    _run_threads(client, range(concurrency))
    return count[0] / (time.monotonic() - began)


def _p99(results):
    latencies = sorted(took for took in results if took is not None)
    return latencies[int(len(latencies) * 0.99) - 1]


def _report(prefix, result):
    per_second, results = result
    latencies = [took for took in results if took is not None]
    name = "bare_per_s" if prefix else "launches_per_s"
    print(f"{name}: {len(latencies) / len(results) * per_second:.1f}")
    print(f"{prefix}failed: {len(results) - len(latencies)}")
    print(f"{prefix}p50_ms: {statistics.median(latencies):.1f}")


if __name__ == "__main__":
    main()
