"""How an outcome travels, by the LTI version of the launch that carries it.

A transport reads everything it needs from the rows up front and returns `send(timeout) -> Verdict`,
which touches no database: the HTTP call happens outside any transaction. LTI 1.1 posts a signed
replaceResult; LTI 1.3 posts an Assignment and Grade Services score to the resource's line item.
"""
import logging
import time
from datetime import datetime, timedelta

import requests
from flask import current_app, url_for
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.lineitem import LineItem

from ..extensions import db
from ..lti.advantage import SCOPE_LINEITEM, SCOPE_LINEITEM_READ, SCOPE_SCORE, SCORE_MAXIMUM, Connector, connector
from ..lti.lti13 import http_session
from ..models import Launch
from ..models.base import utcnow
from . import ags
from .lti11 import post_replace_result
from .pox import replace_result_request
from .replies import CREDENTIALS, REFUSED, RETRY_LATER, Verdict, classify_error

log = logging.getLogger(__name__)


def lti11_transport(outcome, launch, attempt):
    consumer = launch.consumer
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
    Finding or creating the line item may write it on the resource; the token is cached in Redis.

    Moodle keeps a score's timestamp to the whole second and refuses one not later than the score it
    holds (409), so one student's timestamps on a line item go up by whole seconds: the next one is
    stored on the outcome here (committed before the send) and the send waits for the clock to reach it.
    A score from an attempt still being sat is InProgress / Pending, which no LMS takes as the grade."""
    score = outcome.score
    final = attempt is None or attempt.status == "finished"
    activity, grading = ("Completed", "FullyGraded") if final else ("InProgress", "Pending")
    stamp = next_score_timestamp(outcome.score_timestamp)
    outcome.score_timestamp = stamp

    def send(timeout):
        time.sleep(min(1.0, max(0.0, (stamp - utcnow()).total_seconds())))
        # The AGS session carries its own timeout (LTI_HTTP_TIMEOUT_SECONDS) on every call it makes.
        return send_score(launch, score, activity, grading, stamp)

    return send


def next_score_timestamp(previous: datetime | None) -> datetime:
    """Now in whole seconds, and at least a second after the previous score's timestamp."""
    now = utcnow().replace(microsecond=0)
    return now if previous is None else max(now, previous + timedelta(seconds=1))


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


def send_score(launch: Launch, score: float | None, activity_progress: str, grading_progress: str,
               timestamp: datetime, comment: str | None = None) -> Verdict:
    """Post `score` (0–1, or None for no score yet) for the launch's user to its resource's line item,
    finding or creating the line item first. The verdict is classified as LTI 1.1 replies are."""
    if launch.registration is None:
        return Verdict(REFUSED, None, None, "This launch came through no LTI 1.3 registration.")
    if launch.ags_scopes and SCOPE_SCORE not in launch.ags_scopes:
        return Verdict(REFUSED, None, None, "The LMS does not accept scores from Examgate for this link.")
    session = http_session()
    service_connector = connector(launch.registration, session)
    try:
        lineitem_url = lineitem_for(launch, service_connector)
        token = service_connector.get_access_token([SCOPE_SCORE])
    except LtiServiceException as error:
        return _service_verdict(error)
    except LtiException as error:
        return Verdict(REFUSED, None, None, str(error))
    except requests.RequestException as error:
        return classify_error(error, session.timeout)
    given = None if score is None else round(score * SCORE_MAXIMUM, 4)
    payload = ags.score_payload(launch.user.lti_user_id, given, SCORE_MAXIMUM, activity_progress,
                                grading_progress, timestamp, comment)
    verdict = ags.post_score(session, lineitem_url, token, payload, session.timeout)
    log.info("AGS score %s for user %s on resource %s (launch %s): %s %s", given, launch.user_id,
             launch.resource_id, launch.id, verdict.action, verdict.http_status)
    return verdict


def lineitem_for(launch: Launch, service_connector: Connector) -> str:
    """The resource's line item URL: as the platform named it, else found by resource link id in the
    context's line items, else created there (and kept on the resource)."""
    resource = launch.resource
    if resource.lineitem_url:
        return resource.lineitem_url
    if not launch.outcome_service_url:
        raise LtiException("The LMS gave no line item for this link: grading is not enabled for it.")
    scopes = [s for s in launch.ags_scopes if s in (SCOPE_LINEITEM, SCOPE_LINEITEM_READ)] or [SCOPE_LINEITEM]
    service = AssignmentsGradesService(service_connector, {"scope": scopes,
                                                           "lineitems": launch.outcome_service_url})
    wanted = (LineItem().set_label(resource.display_name).set_score_maximum(SCORE_MAXIMUM)
              .set_resource_link_id(resource.lti_resource_link_id))
    found = service.find_or_create_lineitem(wanted, find_by="resource_link_id")
    resource.lineitem_url = found.get_id()
    db.session.commit()
    log.info("resource %s: line item %s", resource.id, resource.lineitem_url)
    return resource.lineitem_url


def _service_verdict(error: LtiServiceException) -> Verdict:
    """A token or line item request the platform answered with an error."""
    reply = error.response
    words = f"{error} {reply.text[:200]}".strip()
    if reply.status_code in (400, 401, 403):
        return Verdict(CREDENTIALS, reply.status_code, None, words)
    if reply.status_code == 429 or reply.status_code >= 500:
        return Verdict(RETRY_LATER, reply.status_code, None, words)
    return Verdict(REFUSED, reply.status_code, None, words)
