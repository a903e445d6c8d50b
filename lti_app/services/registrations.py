"""LTI 1.3 platform registrations: made by hand (CLI, dashboard) or by LTI Dynamic Registration."""
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from .. import tokens
from ..errors import UserFacingError
from ..extensions import db
from ..models import Consumer, Lti13Registration
from .course_copy import HISTORY_CUSTOM

log = logging.getLogger(__name__)

INVITE_AGE_SECONDS = 7 * 24 * 3600
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
)


@dataclass(frozen=True)
class ToolUrls:
    """Where the platform reaches Examgate."""

    launch: str
    login: str
    jwks: str


def register(consumer: Consumer, issuer, client_id, deployment_ids, login_url, token_url,
             keyset_url) -> Lti13Registration:
    """Add or update the registration (issuer, client id) of `consumer`."""
    values = {"issuer": (issuer or "").strip(), "client_id": (client_id or "").strip(),
              "auth_login_url": (login_url or "").strip(), "auth_token_url": (token_url or "").strip(),
              "key_set_url": (keyset_url or "").strip()}
    for name, value in values.items():
        if not value:
            raise UserFacingError(f"An LTI 1.3 registration needs {name.replace('_', ' ')}.", 422,
                                  "invalid_parameter", name)
        if name.endswith("url") and urlsplit(value).scheme not in ("http", "https"):
            raise UserFacingError(f"{name.replace('_', ' ')} must be an http(s) URL.", 422, "invalid_parameter", name)
    deployments = sorted({d.strip() for d in deployment_ids if d and d.strip()})
    row = Lti13Registration.query.filter_by(issuer=values["issuer"], client_id=values["client_id"]).one_or_none()
    if row is not None and row.consumer_id != consumer.id:
        raise UserFacingError("That issuer and client id are registered for another consumer.", 422,
                              "invalid_parameter", "client_id")
    if row is None:
        row = Lti13Registration(consumer=consumer, deployment_ids=[])
        db.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.deployment_ids = sorted(set(row.deployment_ids) | set(deployments))
    db.session.commit()
    log.info("LTI 1.3 registration %s: issuer %s client %s for consumer %s", row.id, row.issuer,
             row.client_id, consumer.id)
    return row


def delete(registration: Lti13Registration) -> None:
    registration_id = registration.id
    db.session.delete(registration)
    db.session.commit()
    log.info("LTI 1.3 registration %s deleted", registration_id)


def invite_token(consumer: Consumer) -> str:
    """A signed token for the dynamic registration URL an administrator pastes into the LMS."""
    return tokens.sign("lti13-register", consumer.id)


def consumer_for_invite(token: str) -> Consumer:
    consumer_id = tokens.read("lti13-register", token, max_age=INVITE_AGE_SECONDS)
    consumer = db.session.get(Consumer, consumer_id) if consumer_id else None
    if consumer is None:
        raise UserFacingError("This registration link is not valid or has expired. Copy a fresh one from the "
                              "Examgate dashboard.", 403, "bad_invite", "invite")
    return consumer


def register_dynamically(consumer: Consumer, openid_configuration_url: str, registration_token: str | None,
                         tool: ToolUrls, session: requests.Session) -> Lti13Registration:
    """LTI Dynamic Registration: read the platform's OpenID configuration, register the tool there,
    store what the platform answered."""
    platform = _fetch_json(session.get, openid_configuration_url, "its OpenID configuration")
    for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        if not isinstance(platform.get(name), str) or not platform[name]:
            raise UserFacingError(f"The LMS's OpenID configuration has no {name}.", 502, "bad_platform", name)
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    answer = _fetch_json(session.post, platform["registration_endpoint"], "the registration",
                         json=_client_metadata(tool, platform), headers=headers)
    if not answer.get("client_id"):
        raise UserFacingError("The LMS accepted the registration but sent no client id.", 502, "bad_platform")
    deployment = (answer.get(TOOL_CONFIGURATION) or {}).get("deployment_id")
    return register(consumer, platform["issuer"], str(answer["client_id"]), [deployment] if deployment else [],
                    platform["authorization_endpoint"], platform["token_endpoint"], platform["jwks_uri"])


def _client_metadata(tool: ToolUrls, platform: dict) -> dict:
    supported = set(platform.get("scopes_supported") or SCOPES)
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": tool.login,
        "redirect_uris": [tool.launch],
        "client_name": "Examgate",
        "jwks_uri": tool.jwks,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scope for scope in SCOPES if scope in supported),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(tool.launch).netloc,
            "target_link_uri": tool.launch,
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "custom_parameters": HISTORY_CUSTOM,
            "messages": [{"type": "LtiDeepLinkingRequest", "target_link_uri": tool.launch,
                          "label": "Examgate exam"}],
        },
    }


def _fetch_json(method, url, what, **kwargs) -> dict:
    if urlsplit(url or "").scheme not in ("http", "https"):
        raise UserFacingError(f"The LMS gave no usable URL for {what}.", 400, "bad_platform")
    try:
        reply = method(url, **kwargs)
    except requests.RequestException as error:
        raise UserFacingError(f"The LMS did not answer for {what} ({type(error).__name__}).", 502,
                              "platform_unreachable")
    if not reply.ok:
        raise UserFacingError(f"The LMS refused {what}: HTTP {reply.status_code} {reply.text[:200]}", 502,
                              "bad_platform")
    try:
        data = reply.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise UserFacingError(f"The LMS's answer for {what} is not a JSON object.", 502, "bad_platform")
    return data
