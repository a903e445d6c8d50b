"""Periodic jobs, run by RQ's own cron process: `rq cron workers.cron --url $REDIS_URL`.

The sweep queues outcomes that are due but not queued (recorded while Redis was down, or left behind
by a killed worker) and reports resources that have closed. The overdue sweep ends attempts whose time
is up and whose student never came back. The nightly clean-up deletes reports older than 30 days.
All are idempotent, so a second cron process only costs a few queries."""
from rq import cron

from config import from_environment
from lti_app.jobs import QUEUE_NAME
from workers.attempt_jobs import end_overdue_attempts
from workers.outcome_jobs import sweep_outcomes
from workers.report_jobs import delete_old_reports

settings = from_environment()
cron.register(sweep_outcomes, queue_name=QUEUE_NAME, interval=settings["OUTCOME_SWEEP_SECONDS"])
cron.register(end_overdue_attempts, queue_name=QUEUE_NAME, interval=settings["OVERDUE_SWEEP_SECONDS"])
cron.register(delete_old_reports, queue_name=QUEUE_NAME, cron="30 3 * * *")
