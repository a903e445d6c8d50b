"""Periodic jobs for `rq cron` (the Procfile's `clock` process): the cron scheduler only enqueues,
the ordinary workers run the jobs with their app context."""
from rq import cron

from lti_app.jobs import QUEUE_NAME

from . import report_jobs

cron.register(report_jobs.delete_old_reports, QUEUE_NAME, cron="30 3 * * *", name="delete_old_reports")
