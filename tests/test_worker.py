"""The production worker class (workers/worker.py) running a real job: its own app from the environment,
an app context and a fresh database connection in the forked work horse."""
import contextvars
import os

import pytest

from lti_app.extensions import db, jobs
from lti_app.models import Launch, Outcome
from tests import factories
from tests.lms.outcome_service import LocalLms
from tests.test_outcomes import finish, student

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                                reason="the work horse is a fork: it needs a real Redis (REDIS_URL)")


def test_the_production_worker_sends_a_score(app, client, database_uri, monkeypatch):
    from workers.worker import ExamgateWorker

    monkeypatch.setenv("DATABASE_URL", database_uri)  # the worker builds its app from the environment
    with LocalLms("canvas") as lms:
        factories.consumer(key=lms.key, secret=lms.secret)
        finish(student(client, lms), 0.75)  # queues the delivery job
        worker = ExamgateWorker([jobs.queue], connection=jobs.redis)
        # Run as the worker process does: outside this test's app context (an empty context).
        assert contextvars.Context().run(worker.work, burst=True)
        db.session.expire_all()
        assert (Outcome.query.one().state, [r.score for r in lms.scores["sid-student-1"]]) == ("sent", [0.75])
        assert Launch.query.count() == 1
