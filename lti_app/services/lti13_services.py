"""Calling a platform's LTI Advantage services: access tokens (client credentials with an RS256
assertion, cached in Redis per issuer + client id + scopes), AGS line items and scores.

pylti1p3 caches tokens per issuer + scopes only (several Canvas schools share one issuer) and calls
without a timeout; the connector below fixes both."""
import hashlib
import logging
from datetime import datetime

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector

from ..extensions import db, jobs
from ..lti.lti13 import ToolRegistration, http_session
from ..models import Launch, Lti13Registration
from ..outcomes import ags
from ..outcomes.replies import CREDENTIALS, REFUSED, RETRY_LATER, Verdict, classify_error
from .deep_linking import SCORE_MAXIMUM

log = logging.getLogger(__name__)

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
# A cached token is dropped this long before the platform says it expires.
TOKEN_MARGIN_SECONDS = 60


class Connector(ServiceConnector):
    """pylti1p3's service connector with tokens kept in Redis, per (issuer, client id, scopes)."""

    def _scope_key(self, scopes):
        parts = [self._registration.get_issuer(), self._registration.get_client_id(), *sorted(scopes)]
        return "examgate:lti13:token:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def _get_cached_access_token(self, scope_key):
        token = jobs.redis.get(scope_key)
        return token.decode() if token else None

    def _cache_access_token(self, scope_key, access_token, expires_in):
        lifetime = int(expires_in or 0) - TOKEN_MARGIN_SECONDS
        if lifetime > 0:
            jobs.redis.set(scope_key, access_token, ex=lifetime)


def connector(registration: Lti13Registration, session: requests.Session | None = None) -> Connector:
    return Connector(ToolRegistration(registration), session or http_session())


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
