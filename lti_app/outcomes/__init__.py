"""Scores back to the LMS: everything about outcomes, in one package.

Stateful (database rows, Redis, jobs), the verbs the rest of Examgate calls:
    recording.py   record a student's score for the LMS, resend, report a resource, the sweep
    scores.py      which attempt's score an outcome reports, and which launch carries it
    delivery.py    the delivery job: one request at a time per consumer, every try recorded, retries
    transports.py  how an outcome travels: LTI 1.1 replaceResult or an LTI 1.3 AGS score
Pure (no database, no Flask):
    pox.py         LTI 1.1 replaceResult messages and replies
    ags.py         LTI 1.3 score messages, and posting one
    lti11.py       posting a signed replaceResult
    replies.py     what an LMS reply means: stored, refused for good, or worth another try

Imports point one way: blueprints and services → this package → models and `lti_app.lti`;
`workers/outcome_jobs.py` only calls the verbs below.
"""
from .delivery import deliver
from .recording import (affects_outcome, attempt_changed, failing_outcomes, flagged_consumers, report_resource,
                        resend, resend_all, resource_outcomes, sweep_due)
from .scores import desired_score

__all__ = ["affects_outcome", "attempt_changed", "deliver", "desired_score", "failing_outcomes", "flagged_consumers",
           "report_resource", "resend", "resend_all", "resource_outcomes", "sweep_due"]
