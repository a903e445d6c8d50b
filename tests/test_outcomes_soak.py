"""The LMS is down while 200 students finish; it comes back, and every student's latest score
arrives exactly once. A real Redis, real worker processes and RQ's cron process."""
import os
import random
import time

import pytest

from lti_app import outcomes
from lti_app.extensions import db
from lti_app.models import Launch, Outcome
from lti_app.models.base import utcnow
from lti_app.services.consumers import set_default_report_mode
from tests import factories
from tests.lms.outcome_service import LocalLms, unused_port
from tests.real_worker import real_workers

REDIS_URL = os.environ.get("REDIS_URL")
STUDENTS = 200

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not REDIS_URL, reason="needs a real Redis (REDIS_URL) for real worker processes")]


def wait_until(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def outcome_states():
    states = dict(db.session.query(Outcome.state, db.func.count()).group_by(Outcome.state).all())
    db.session.rollback()  # hold no read lock while the workers write
    return states


def test_lms_down_while_200_students_finish(app, client, database_uri, tmp_path):
    port = unused_port()
    lms_url = f"http://127.0.0.1:{port}/outcomes"  # nothing listens there yet: the LMS is down
    consumer = set_default_report_mode(factories.consumer(key="soak-key", secret="soak-secret"), "immediately")
    version = factories.exam(slug="soak-exam").latest_version
    finals = {}
    with real_workers(database_uri, REDIS_URL, tmp_path, count=2, cron=True, OUTCOME_RETRY_INTERVALS="0.5,1,2",
                      OUTCOME_TIMEOUT_SECONDS=2, OUTCOME_SWEEP_SECONDS=2):
        for number in range(STUDENTS):
            user = f"student-{number}"
            factories.launch(client, key=consumer.key, secret=consumer.secret, user_id=user,
                             lis_result_sourcedid=f"sid-{user}", lis_outcome_service_url=lms_url)
            launch = Launch.query.order_by(Launch.id.desc()).first()
            attempt = factories.launch_attempt(launch, version=version)
            outcomes.attempt_changed(attempt)  # immediately: 0 as the attempt starts
            for score in (random.randint(1, 50) / 100, random.randint(51, 100) / 100):
                attempt.score = score
                db.session.commit()
                outcomes.attempt_changed(attempt)
            attempt.status, attempt.finished_at = "finished", utcnow()
            db.session.commit()
            outcomes.attempt_changed(attempt)
            finals[f"sid-{user}"] = attempt.score
        assert wait_until(lambda: outcome_states().get("retrying", 0) > 0, 30), outcome_states()
        assert "sent" not in outcome_states()

        with LocalLms("canvas", key=consumer.key, secret=consumer.secret, port=port) as lms:
            assert wait_until(lambda: outcome_states() == {"sent": STUDENTS}, 120), outcome_states()
            received = {sid: [r.score for r in lms.scores[sid]] for sid in finals}

    assert received == {sid: [score] for sid, score in finals.items()}  # the latest, exactly once
    assert all(o.sent_score == o.score == finals[f"sid-{o.user.lti_user_id}"] for o in Outcome.query)
