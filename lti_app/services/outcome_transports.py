"""How an outcome travels, by the LTI version of the launch that carries it.

A transport reads everything it needs from the rows up front and returns `send(timeout) -> Verdict`,
which touches no database: the HTTP call happens outside any transaction. LTI 1.3 adds its AGS
transport as one more entry in TRANSPORTS.
"""
from flask import current_app, url_for

from ..extensions import db
from ..models import Consumer
from ..outcomes.lti11 import post_replace_result
from ..models.base import utcnow
from ..outcomes.pox import replace_result_request
from .lti13_services import send_score


def lti11_transport(outcome, launch, attempt):
    consumer = db.session.get(Consumer, outcome.consumer_id)
    url, key, secret, sourcedid = launch.outcome_service_url, consumer.key, consumer.secret, launch.lis_result_sourcedid
    extensions = canvas_extensions(outcome, launch, attempt)
    score = outcome.score

    def send(timeout):
        # A fresh message id and nonce on every call, so a retry after "Duplicate nonce" is new.
        body = replace_result_request(sourcedid, score, **extensions)
        return post_replace_result(url, key, secret, body, timeout)

    return send


def ags_transport(outcome, launch, attempt):
    """LTI 1.3: the score goes to the resource's line item through Assignment and Grade Services.
    Finding or creating the line item may write it on the resource; the token is cached in Redis."""
    score = outcome.score

    def send(timeout):
        # The AGS session carries its own timeout (LTI_HTTP_TIMEOUT_SECONDS) on every call it makes.
        return send_score(launch, score, "Completed", "FullyGraded", utcnow())

    return send


TRANSPORTS = {"1.1": lti11_transport, "1.3": ags_transport}


def canvas_extensions(outcome, launch, attempt) -> dict:
    """The extensions this launch announced (Canvas), filled from the attempt that gave the score."""
    accepted = set(launch.outcome_extensions or ())
    extensions = {}
    if attempt is None:
        return extensions
    if "result_data_text" in accepted:
        extensions["result_data_text"] = (
            f"{outcome.resource.display_name}: attempt {attempt.number}, {outcome.score:.0%} (Examgate)")
    elif "result_data_url" in accepted and current_app.config.get("SERVER_NAME"):
        extensions["result_data_url"] = url_for("student.resource", resource_id=outcome.resource_id, _external=True)
    if "result_total_score" in accepted and attempt.max_score:
        extensions["total_score"] = round(outcome.score * attempt.max_score, 4)
    moment = attempt.finished_at or attempt.started_at
    if "submitted_at" in accepted and moment:
        extensions["submitted_at"] = moment
    return extensions
