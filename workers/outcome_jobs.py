"""RQ entry points for outcomes; the worker class provides the app context."""
import logging

from lti_app import outcomes

log = logging.getLogger(__name__)


def send_outcome(outcome_id):
    outcomes.deliver(outcome_id)


def sweep_outcomes():
    return outcomes.sweep_due()


def delivery_failed(job, connection, exc_type, exc_value, traceback):
    """RQ calls this after every failed try; only the last one is worth a word."""
    if job.retries_left:
        return
    log.error("outcome %s: delivery job %s failed after its retries (%s: %s); the row stays due "
              "and the sweep queues it again", job.args[0], job.id, exc_type.__name__, exc_value)
