"""How fast the player's commit endpoint is, against the same stack inserting one row.

Runs gunicorn (as in the Procfile) over a PostgreSQL database it creates and drops, and:
- N simulated students (default 300) each send a batch of 20 elements every INTERVAL seconds for
  DURATION seconds, to the commit endpoint and then to a bare endpoint that only inserts one row
  (bench/bare_app.py): commits_per_s, p50_ms, p99_ms and the same for the bare endpoint;
- CONCURRENCY clients sending back to back: the most each endpoint can take, and `ratio`
  (commit capacity / bare capacity). Both servers run side by side and are measured in ROUNDS
  alternating bursts, each figure the median over the rounds: a machine's speed drifts by a fifth
  within a minute, and measuring one endpoint after the other would count that drift as a difference;
- `growth_ratio`: a commit's median time on an attempt already holding 36,000 elements divided by
  the same on an empty attempt;
- `keys_growth_ratio`: the same on an attempt whose state holds 3,480 distinct keys (a Numbas exam of
  60 questions of 5 parts) rather than 300.

Usage: python bench/commits.py [--students 300] [--interval 2] [--duration 20] [--rounds 5]
Environment: DATABASE_URL (a PostgreSQL server; default postgresql://postgres@127.0.0.1:5432/test).
"""
import argparse
import http.client
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from config import database_url  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
SECRET = "bench-secret"
GROWN_ELEMENTS = 36_000
APP, BARE = "127.0.0.1:8701", "127.0.0.1:8702"
# Every batch a later sequence than any before it, as a student's are: an older one would set no value.
SEQUENCES = itertools.count(1)
WIDE_QUESTIONS, PARTS = 60, 5


def main():
    options = _options()
    server_url = database_url({"DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)})
    with _database(server_url) as url:
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING",
               "PYTHONPATH": str(REPO)}
        env.pop("REDIS_URL", None)
        commit_urls, grown_url, empty_url, wide_url = _seed(url, options.students)
        bare_urls = [f"/bare/{n}" for n in range(options.students)]
        with _gunicorn("wsgi:app", 8701, env), _gunicorn("bench.bare_app:app", 8702, env, setup=_create_bare_table):
            _warm_up(APP, commit_urls[0])
            _warm_up(BARE, bare_urls[0])
            paced = _paced(APP, commit_urls, options)
            bare_paced = _paced(BARE, bare_urls, options)
            most, bare_most, ratio = _capacities(commit_urls, bare_urls, options)
            growth = _growth(APP, grown_url, empty_url)
            keys_growth = _growth(APP, wide_url, empty_url, first=GROWN_ELEMENTS + 1000)
    _report("", paced)
    _report("bare_", bare_paced)
    print(f"max_commits_per_s: {most:.1f}")
    print(f"max_bare_per_s: {bare_most:.1f}")
    print(f"ratio: {ratio:.2f}")
    print(f"growth_ratio: {growth:.2f}")
    print(f"keys_growth_ratio: {keys_growth:.2f}")


def _options():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between one student's batches")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of paced load per endpoint")
    add_capacity_options(parser)
    return parser.parse_args()


def add_capacity_options(parser):
    """The back-to-back run's options, as bench/commits.py and bench/launches.py take them."""
    parser.add_argument("--concurrency", type=int, default=20, help="clients in the back-to-back run")
    parser.add_argument("--burst-seconds", type=float, default=3.0, help="seconds of each back-to-back burst")
    parser.add_argument("--rounds", type=int, default=5, help="alternating bursts per endpoint")


# --- the database, the app's rows, the servers ---------------------------------------------------

@contextmanager
def _database(server_url):
    """A database of its own, dropped at the end."""
    name = f"examgate_bench_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _seed(url, students):
    """One resource running the demo quiz, an open attempt per student, two more for growth_ratio and one
    for keys_growth_ratio."""
    os.environ["DATABASE_URL"] = url
    from lti_app import create_app
    from lti_app.extensions import db
    from lti_app.models import Attempt, CmiElement, Context, Resource, User
    from lti_app.services import attempts, consumers, exams
    from lti_app import tokens
    from tests.packages.build import quiz2004_zip

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING",
                      "PACKAGE_CACHE_DIR": "/tmp/examgate-bench-cache"})
    with app.app_context(), app.test_request_context():
        db.create_all()
        consumer = consumers.create_consumer("Bench LMS", key="bench")
        context = Context(consumer_id=consumer.id, lti_context_id="bench-course")
        resource = Resource(consumer_id=consumer.id, context=context, lti_resource_link_id="bench-exam")
        db.session.add(resource)
        exams.attach(resource, exams.upload(quiz2004_zip(), title="Bench quiz").exam)
        users = [User(consumer_id=consumer.id, lti_user_id=f"student-{n}") for n in range(students + 3)]
        db.session.add_all(users)
        db.session.commit()
        urls = []
        for user in users:
            attempt = attempts.start(resource, user)
            key = attempts.open_session(attempt)
            token = tokens.sign("player", {"a": attempt.id, "s": key, "m": "normal"})
            urls.append(f"/play/{attempt.id}/commit?token={token}")
        grown = db.session.get(Attempt, int(urls[-1].split("/")[2]))
        state = {}
        rows = []
        for n in range(GROWN_ELEMENTS):
            key, value = _element(n % 300, n)
            rows.append({"attempt_id": grown.id, "batch_id": f"seed-{n // 20}", "sequence": n // 20 + 1,
                         "key": key, "value": value, "server_time": grown.started_at})
            state[key] = value
        db.session.execute(insert(CmiElement), rows)
        grown.state = state
        db.session.get(Attempt, int(urls[-3].split("/")[2])).state = _wide_state()
        db.session.commit()
        db.engine.dispose()
    return urls[:students], urls[-1], urls[-2], urls[-3]


def _wide_state():
    """What a Numbas exam of WIDE_QUESTIONS questions of PARTS parts holds once answered."""
    state = {"cmi.completion_status": "incomplete", "cmi.suspend_data": json.dumps({"answers": "x" * 20_000})}
    for question in range(WIDE_QUESTIONS):
        for field in ("id", "score.raw", "score.max", "score.min", "score.scaled", "description",
                      "success_status", "completion_status"):
            state[f"cmi.objectives.{question}.{field}"] = f"q{question}" if field == "id" else "1"
        for part in range(PARTS):
            index = question * PARTS + part
            for field in ("id", "type", "result", "weighting", "learner_response", "description", "timestamp",
                          "latency", "objectives.0.id", "correct_responses.0.pattern"):
                state[f"cmi.interactions.{index}.{field}"] = f"q{question}p{part}" if field == "id" else "1"
    return state


def _create_bare_table(env):
    subprocess.run([sys.executable, "-c", "from bench.bare_app import app, db\nwith app.app_context(): db.create_all()"],
                   env=env, cwd=REPO, check=True)


@contextmanager
def _gunicorn(target, port, env, setup=None):
    if setup:
        setup(env)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", target, "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"], env=env, cwd=REPO)
    try:
        _wait_for(port)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for(port):
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
            break
        except OSError:
            time.sleep(0.1)
    else:
        raise SystemExit(f"gunicorn did not start on port {port}")


def _warm_up(host, path):
    """Every worker thread opens its database connection before anything is measured."""
    _run_threads(lambda n: _post(host, path, _batch(next(SEQUENCES))), range(32))


# --- the load ------------------------------------------------------------------------------------

def _element(k, n):
    """One of 20 keys a Numbas-like exam writes, with a value that changes as n grows."""
    kinds = [("cmi.suspend_data", lambda: json.dumps({"answers": "x" * 1500, "n": n})),
             ("cmi.location", lambda: f"q{n % 10}"),
             ("cmi.session_time", lambda: f"PT{n}S"),
             ("cmi.score.raw", lambda: str(n % 10)), ("cmi.score.max", lambda: "10")]
    if k < len(kinds):
        key, value = kinds[k]
        return key, value()
    i = k - len(kinds)
    question, field = divmod(i, 3)
    if field == 0:
        return f"cmi.objectives.{question}.id", f"q{question}"
    if field == 1:
        return f"cmi.objectives.{question}.score.raw", str((n + question) % 3)
    return f"cmi.interactions.{question}.result", str((n + question) % 2)


def _batch(sequence):
    return json.dumps({"batch_id": uuid.uuid4().hex, "sequence": sequence, "elements": [
        {"key": key, "value": value, "client_time": int(time.time() * 1000)}
        for key, value in (_element(k, sequence) for k in range(20))]})


def _post(host, path, body, content_type="application/json", ok=200):
    """One request on a fresh connection (gunicorn closes idle ones); its time in ms, None when it failed."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(*host.split(":"), timeout=60)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": content_type})
        response = connection.getresponse()
        response.read()
    except OSError:
        return None
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000 if response.status == ok else None


def _paced(host, paths, options):
    """Each student sends a batch every interval (starting at a random moment), for the duration."""
    latencies, lock = [], threading.Lock()
    deadline = time.monotonic() + options.duration

    def student(path):
        time.sleep(random.uniform(0, options.interval))
        while time.monotonic() < deadline:
            started = time.monotonic()
            took = _post(host, path, _batch(next(SEQUENCES)))
            with lock:
                latencies.append(took)
            time.sleep(max(0.0, options.interval - (time.monotonic() - started)))

    began = time.monotonic()
    _run_threads(student, paths)
    return len(latencies) / (time.monotonic() - began), latencies


def _capacities(commit_paths, bare_paths, options):
    clients = options.concurrency
    return alternating(lambda: _back_to_back(APP, commit_paths[:clients], options.burst_seconds),
                       lambda: _back_to_back(BARE, bare_paths[:clients], options.burst_seconds), options.rounds)


def alternating(measure, measure_bare, rounds):
    """(the endpoint's figure, the bare endpoint's, their ratio): medians over `rounds` alternating runs of
    the two, after one unmeasured run each (connections prepare their statements after a few uses)."""
    measure(), measure_bare()
    figures = [(measure(), measure_bare()) for _ in range(rounds)]
    return (statistics.median(most for most, _ in figures), statistics.median(bare for _, bare in figures),
            statistics.median(most / bare for most, bare in figures))


def _back_to_back(host, paths, seconds):
    count, lock = [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def client(path):
        while time.monotonic() < deadline:
            ok = _post(host, path, _batch(next(SEQUENCES))) is not None
            with lock:
                count[0] += ok

    began = time.monotonic()
    _run_threads(client, paths)
    return count[0] / (time.monotonic() - began)


def _growth(host, grown_path, empty_path, rounds=60, first=GROWN_ELEMENTS + 1):
    """Median commit time on an attempt holding much over the same on an empty one."""
    grown, empty = [], []
    for n in range(rounds):  # interleaved, so both see the same load
        grown.append(_post(host, grown_path, _batch(first + n)))
        empty.append(_post(host, empty_path, _batch(first + n)))
    return statistics.median(grown) / statistics.median(empty)


def _run_threads(target, arguments):
    threads = [threading.Thread(target=target, args=(argument,), daemon=True) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _report(prefix, result):
    per_second, results = result
    latencies = sorted(took for took in results if took is not None)
    name = "bare_per_s" if prefix else "commits_per_s"
    print(f"{name}: {len(latencies) / len(results) * per_second:.1f}")
    print(f"{prefix}failed: {len(results) - len(latencies)}")
    print(f"{prefix}p50_ms: {statistics.median(latencies):.1f}")
    print(f"{prefix}p99_ms: {latencies[int(len(latencies) * 0.99) - 1]:.1f}")


if __name__ == "__main__":
    main()
