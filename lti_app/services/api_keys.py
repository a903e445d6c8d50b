"""Admin API keys: create (the secret is shown once), revoke, list; authenticating a signed request;
and what a key may see: its administrator's consumers, or every consumer for a superuser's key."""
import logging
import secrets
import time

from ..api import signing
from ..errors import UserFacingError
from ..extensions import db
from ..lti.nonces import use_once
from ..models import Admin, ApiKey, Consumer, Exam, Report, Resource
from ..models.base import utcnow

log = logging.getLogger(__name__)

CREDENTIALS = ("api_key", "timestamp", "nonce", "signature")
TIMESTAMP_WINDOW_MS = 5 * 60 * 1000
NONCE_TTL_SECONDS = 24 * 60 * 60
NONCE_LENGTH = (8, 128)


def create_key(admin_email, name="") -> ApiKey:
    """A new key for an administrator; read its secret now, nothing shows it again."""
    admin = Admin.query.filter_by(email=(admin_email or "").strip().lower()).one_or_none()
    if admin is None:
        raise UserFacingError(f"There is no administrator {admin_email}.", 422, "invalid_parameter", "email")
    key = ApiKey(key_id=f"egk_{secrets.token_hex(8)}", secret=secrets.token_urlsafe(32),
                 admin=admin, name=(name or "").strip()[:200])
    db.session.add(key)
    db.session.commit()
    log.info("API key %s created for administrator %s", key.key_id, admin.id)
    return key


def revoke_key(key_id, admin=None) -> ApiKey:
    """Revoke a key; with `admin`, only one of that administrator's own keys."""
    key = ApiKey.query.filter_by(key_id=key_id).one_or_none()
    if key is None or (admin is not None and key.admin_id != admin.id):
        raise UserFacingError(f"There is no API key {key_id}.", 404, "not_found", "key_id")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        db.session.commit()
        log.info("API key %s revoked", key.key_id)
    return key


def list_keys(admin) -> list[ApiKey]:
    return ApiKey.query.filter_by(admin_id=admin.id).order_by(ApiKey.created_at.desc(), ApiKey.id.desc()).all()


def authenticate(params, now_ms=None) -> ApiKey:
    """The key that signed `params`, or a 403 saying what is wrong. The nonce is only used up by a
    request whose signature is valid, so a forged request cannot burn a real one's nonce."""
    for name in CREDENTIALS:
        if not params.get(name):
            _refuse("missing_credentials", f"The request has no {name}.", name)
    key = ApiKey.query.filter_by(key_id=params["api_key"]).one_or_none()
    # Check a signature even for an unknown key, so timing does not reveal which keys exist.
    valid_signature = signing.verify(key.secret if key else "unknown", params)
    if key is None:
        _refuse("unknown_key", "There is no such API key.", "api_key")
    if key.revoked_at is not None:
        _refuse("revoked_key", "This API key was revoked.", "api_key")
    if not valid_signature:
        _refuse("bad_signature", "The signature does not match: sign every other parameter, sorted by "
                                 "name, as name=value joined by &, with HMAC-SHA256 and the key's secret.",
                "signature")
    _check_timestamp(params["timestamp"], now_ms if now_ms is not None else time.time() * 1000)
    nonce = params["nonce"]
    if not NONCE_LENGTH[0] <= len(nonce) <= NONCE_LENGTH[1]:
        _refuse("bad_nonce", f"A nonce has {NONCE_LENGTH[0]} to {NONCE_LENGTH[1]} characters.", "nonce")
    if not use_once(f"api:{key.key_id}", nonce, NONCE_TTL_SECONDS):
        _refuse("replayed_nonce", "This nonce was already used with this key in the last 24 hours.", "nonce")
    return key


def _check_timestamp(timestamp, now_ms):
    try:
        skew = int(timestamp) - now_ms
    except ValueError:
        _refuse("stale_timestamp", "The timestamp must be milliseconds since 1970 (UTC).", "timestamp")
    if abs(skew) > TIMESTAMP_WINDOW_MS:
        when = "in the future" if skew > 0 else "old"
        _refuse("stale_timestamp", f"The timestamp is {abs(int(skew)) // 1000} seconds {when}; "
                                   "the limit is 5 minutes either way. Check the client's clock.", "timestamp")


def _refuse(code, message, param):
    raise UserFacingError(message, 403, code, param)


def visible_consumers(key):
    """The consumers `key` may see, as a query."""
    if key.admin.is_superuser:
        return Consumer.query
    return Consumer.query.filter(Consumer.id.in_(_own_consumer_ids(key)))


def visible_exams(key):
    """Site-wide exams, and the exams of the consumers `key` may see."""
    if key.admin.is_superuser:
        return Exam.query
    return Exam.query.filter(Exam.consumer_id.is_(None) | Exam.consumer_id.in_(_own_consumer_ids(key)))


def visible_resources(key):
    if key.admin.is_superuser:
        return Resource.query
    return Resource.query.filter(Resource.consumer_id.in_(_own_consumer_ids(key)))


def visible_reports(key):
    return Report.query.filter(Report.resource_id.in_(visible_resources(key).with_entities(Resource.id)))


def _own_consumer_ids(key):
    return [consumer.id for consumer in key.admin.consumers]
