"""Calling a platform's LTI Advantage services: access tokens (client credentials with an RS256
assertion, cached in Redis per issuer + client id + scopes).

pylti1p3 caches tokens per issuer + scopes only (several Canvas schools share one issuer) and calls
without a timeout; the connector below fixes both."""
import hashlib

import requests
from pylti1p3.service_connector import ServiceConnector

from ..extensions import jobs
from ..models import Lti13Registration
from .lti13 import ToolRegistration, http_session

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
# Scores are kept 0–1; the line items Examgate creates (and deep links it returns) show them out of 100.
SCORE_MAXIMUM = 100
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
