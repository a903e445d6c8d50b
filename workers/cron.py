"""Periodic jobs, run by RQ's own cron process: `rq cron workers.cron --url $REDIS_URL`.

The sweep queues outcomes that are due but not queued (recorded while Redis was down, or left behind
by a killed worker) and reports resources that have closed. The nightly clean-up deletes reports older
than 30 days. Both are idempotent, so a second cron process only costs a few queries."""
from rq import cron

from config import from_environment
from lti_app.jobs import QUEUE_NAME
from workers.outcome_jobs import sweep_outcomes
from workers.report_jobs import delete_old_reports

cron.register(sweep_outcomes, queue_name=QUEUE_NAME, interval=from_environment()["OUTCOME_SWEEP_SECONDS"])
cron.register(delete_old_reports, queue_name=QUEUE_NAME, cron="30 3 * * *")
