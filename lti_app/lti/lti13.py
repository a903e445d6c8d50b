"""LTI 1.3 launches on pylti1p3, with its gaps closed here: registrations come from the database,
the login state lives in Redis (no cookie needed inside an LMS iframe), the id_token's nonce must be
the one this login issued and is usable once, the audience is checked, and every call to the LMS
has a timeout.

The state cookie pylti1p3 sets is not required: the state is a 122-bit random value stored here for
ten minutes with the nonce, issuer and client id of its login, so an id_token is only accepted for
the login that asked for it, once."""
import hmac
import json
import logging
import secrets
from dataclasses import dataclass

import jwt
from flask import current_app
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.lineitem import LineItem
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract

from ..extensions import db, jobs
from ..models import Lti13Registration
from . import keys
from .errors import LaunchRefused
from .nonces import use_once
from .outbound import TimeoutSession

log = logging.getLogger(__name__)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
LOGIN_TTL_SECONDS = 600
DEEP_LINK_TTL_SECONDS = 3600
# id_token clocks: a platform a little ahead of us must not be refused
CLOCK_LEEWAY_SECONDS = 60


def http_session() -> TimeoutSession:
    return TimeoutSession(current_app.config["LTI_HTTP_TIMEOUT_SECONDS"])


class ToolRegistration(Registration):
    """A pylti1p3 registration built from our row, signing with our current key."""

    def __init__(self, row: Lti13Registration):
        super().__init__()
        key = keys.signing_key()
        self._kid = key.kid
        (self.set_issuer(row.issuer).set_client_id(row.client_id).set_key_set_url(row.key_set_url)
         .set_auth_token_url(row.auth_token_url).set_auth_login_url(row.auth_login_url)
         .set_tool_private_key(key.private_pem))

    def get_kid(self):
        return self._kid


def find_registration(issuer: str, client_id: str | None) -> Lti13Registration | None:
    """The enabled registration for (issuer, client id); without a client id, the issuer's only one."""
    query = Lti13Registration.query.filter_by(issuer=issuer)
    rows = query.filter_by(client_id=client_id).all() if client_id else query.all()
    if len(rows) != 1 or not rows[0].consumer.enabled:
        return None
    return rows[0]


class DatabaseToolConf(ToolConfAbstract):
    """Registrations from the database; one issuer may have many client ids (Canvas schools share one)."""

    def check_iss_has_one_client(self, iss):
        return False

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        row = find_registration(iss, client_id)
        return ToolRegistration(row) if row else None

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        row = find_registration(iss, client_id)
        if row is None or deployment_id not in row.deployment_ids:
            return None
        return Deployment().set_deployment_id(deployment_id)


class RedisLaunchStorage(LaunchDataStorage):
    """pylti1p3's login and launch data in our Redis, keyed by state rather than by a session cookie."""

    def get_session_cookie_name(self):
        return None

    def can_set_keys_expiration(self):
        return True

    def _redis_key(self, key):
        return f"examgate:lti13:{self._prepare_key(key)}"

    def get_value(self, key):
        raw = jobs.redis.get(self._redis_key(key))
        return json.loads(raw) if raw is not None else None

    def set_value(self, key, value, exp=None):
        jobs.redis.set(self._redis_key(key), json.dumps(value), ex=exp)

    def check_value(self, key):
        return bool(jobs.redis.exists(self._redis_key(key)))


def _flask_request():
    return FlaskRequest(session={})  # nothing of a launch is kept in the (cookie) session


class _Login(FlaskOIDCLogin):
    def _generate_nonce(self):
        nonce = secrets.token_urlsafe(32)
        # Saved with the state: the launch accepts only an id_token carrying this nonce, for this client.
        self.pass_params_to_launch({"nonce": nonce, "issuer": self._registration.get_issuer(),
                                    "client_id": self._registration.get_client_id()})
        return nonce


def login(launch_url: str):
    """Answer an OIDC login initiation with the redirect to the platform's authorisation endpoint."""
    request = _flask_request()
    oidc = _Login(request, DatabaseToolConf())
    oidc.set_launch_data_storage(RedisLaunchStorage()).set_launch_data_lifetime(LOGIN_TTL_SECONDS)
    try:
        return oidc.redirect(launch_url)
    except OIDCException as error:
        raise LaunchRefused(_login_words(str(error)), 400, "bad_login")


def _login_words(reason):
    if reason == "Could not find registration details":
        return ("This LMS is not registered with Examgate for LTI 1.3 (unknown issuer or client id). "
                "An administrator can add it on the LTI 1.3 registrations page.")
    return f"The LMS's login request is incomplete: {reason}."


class _Launch(FlaskMessageLaunch):
    _login_params = None

    def validate_state(self):
        state = self._get_request_param("state")
        self._login_params = self._session_service.get_state_params(state) if state else None
        if not self._login_params:
            raise LaunchRefused("This launch's login has expired or did not start here. Go back to the LMS "
                                "and click the link again.", 401, "unknown_state")
        return self

    def validate_nonce(self):
        nonce = self._get_jwt_body().get("nonce") or ""
        if not hmac.compare_digest(nonce.encode(), self._login_params["nonce"].encode()):
            raise LaunchRefused("The id_token does not belong to this login (nonce mismatch).", 401,
                                "nonce_mismatch")
        return self

    def get_client_id(self):
        audience = self._get_jwt_body().get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        expected = (self._login_params or {}).get("client_id")
        return expected if expected in audiences else audiences[0]

    def validate_registration(self):
        if self.get_iss() != self._login_params["issuer"]:
            raise LaunchRefused("The id_token comes from another issuer than the login.", 401, "wrong_issuer")
        if self.get_client_id() != self._login_params["client_id"]:
            raise LaunchRefused("The id_token is addressed to another tool (its audience is not Examgate's "
                                "client id).", 401, "wrong_audience")
        return super().validate_registration()

    def validate_jwt_signature(self):
        public_key, algorithm = self.get_public_key()
        client_id = self._registration.get_client_id()
        try:
            claims = jwt.decode(self._get_id_token(), public_key, algorithms=[algorithm], audience=client_id,
                                issuer=self._registration.get_issuer(), leeway=CLOCK_LEEWAY_SECONDS,
                                options={"require": ["exp", "iat", "aud", "iss", "sub"]})
        except jwt.ExpiredSignatureError:
            raise LaunchRefused("The id_token has expired: check the LMS server's clock, then launch again.",
                                401, "expired_token")
        except jwt.InvalidAudienceError:
            raise LaunchRefused("The id_token is addressed to another tool (wrong audience).", 401,
                                "wrong_audience")
        except jwt.InvalidSignatureError:
            raise LaunchRefused("The id_token's signature does not match the LMS's published keys.", 401,
                                "bad_signature")
        except jwt.InvalidTokenError as error:
            raise LaunchRefused(f"The id_token is not valid: {error}.", 401, "invalid_token")
        if isinstance(claims["aud"], list) and len(claims["aud"]) > 1 and claims.get("azp") != client_id:
            raise LaunchRefused("The id_token names several audiences but not Examgate as the authorised party.",
                                401, "wrong_audience")
        return self

    def validate_deployment(self):
        try:
            return super().validate_deployment()
        except LtiException:
            raise LaunchRefused(f"The deployment {self._get_deployment_id()!r} is not registered for this LMS. "
                                "An administrator can add it on the LTI 1.3 registrations page.", 401,
                                "unknown_deployment")

    def save_launch_data(self):
        # Only a launch that passed every check uses its nonce up, so a forged one cannot burn it.
        issuer, client_id = self._registration.get_issuer(), self._registration.get_client_id()
        if not use_once(f"lti13:{issuer}:{client_id}", self._get_jwt_body()["nonce"], LOGIN_TTL_SECONDS * 2):
            raise LaunchRefused("This launch was already used (replayed id_token). Go back to the LMS and "
                                "click the link again.", 401, "replayed_token")
        return super().save_launch_data()


@dataclass
class VerifiedLaunch:
    claims: dict
    registration: Lti13Registration

    @property
    def message_type(self):
        return self.claims.get(CLAIM + "message_type")

    @property
    def deployment_id(self):
        return self.claims.get(CLAIM + "deployment_id")


def verify_launch() -> VerifiedLaunch:
    """Check the id_token POSTed to the launch URL; raise LaunchRefused saying why."""
    launch = _Launch(_flask_request(), DatabaseToolConf(), launch_data_storage=RedisLaunchStorage(),
                     requests_session=http_session())
    launch.set_launch_data_lifetime(LOGIN_TTL_SECONDS)
    try:
        claims = launch.validate().get_launch_data()
    except LtiException as error:
        raise LaunchRefused(f"The LTI 1.3 launch was refused: {error}", 401, "invalid_launch")
    if claims.get(CLAIM + "message_type") not in (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST):
        raise LaunchRefused(f"Examgate does not handle {claims.get(CLAIM + 'message_type')} messages.", 400,
                            "unsupported_message")
    return VerifiedLaunch(claims, find_registration(claims["iss"], launch.get_client_id()))


def remember_deep_link(launch: VerifiedLaunch) -> str:
    """Keep what the answer to a deep linking request needs, under a one-time token for the picker page."""
    token = secrets.token_urlsafe(24)
    value = {"registration_id": launch.registration.id, "deployment_id": launch.deployment_id,
             "settings": launch.claims[DEEP_LINKING_SETTINGS]}
    jobs.redis.set(f"examgate:lti13:deep-link:{token}", json.dumps(value), ex=DEEP_LINK_TTL_SECONDS)
    return token


def deep_link_request(token: str) -> dict | None:
    raw = jobs.redis.get(f"examgate:lti13:deep-link:{token}") if token else None
    return json.loads(raw) if raw else None


def answer_deep_link(token: str, request: dict, title: str, launch_url: str, custom: dict, score_maximum: float):
    """The (return URL, signed JWT) that sends one LtiResourceLink with a line item back to the platform
    for the deep linking `request` remembered under `token`; the token is used up."""
    if not use_once("lti13-deep-link", token, DEEP_LINK_TTL_SECONDS):
        raise LaunchRefused("This exam picker has expired or was already used. Open it again from the LMS.",
                            400, "deep_link_expired")
    registration = ToolRegistration(db.session.get(Lti13Registration, request["registration_id"]))
    resource = (DeepLinkResource().set_url(launch_url).set_title(title).set_custom_params(custom)
                .set_lineitem(LineItem().set_label(title).set_score_maximum(score_maximum)))
    deep_link = DeepLink(registration, request["deployment_id"], request["settings"])
    return request["settings"]["deep_link_return_url"], deep_link.get_response_jwt([resource])
