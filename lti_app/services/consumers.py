"""Registering LMSs (consumers) and local administrators."""
import logging
import re
import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, select

from ..errors import UserFacingError
from ..extensions import db
from ..models import Admin, Consumer
from ..models.courses import REPORT_MODES

log = logging.getLogger(__name__)
KEY_PATTERN = re.compile(r"[!-~]{1,100}")  # printable ASCII without spaces, as LTI 1.1 signs it


def create_consumer(name, key=None, secret=None, admin=None, default_report_mode=None) -> Consumer:
    """Register an LMS; an administrator who is not a superuser is given the new consumer to manage."""
    name = (name or "").strip()
    if not name:
        raise UserFacingError("A consumer needs a name.", 422, "invalid_parameter", "name")
    _check_length(name, 200, "name")
    if key is not None and not KEY_PATTERN.fullmatch(key):
        raise UserFacingError("A consumer key has 1 to 100 characters, none of them spaces.", 422,
                              "invalid_parameter", "key")
    if secret is not None:
        _check_length(secret, 200, "secret")
    key = key or f"examgate-{secrets.token_hex(8)}"
    if Consumer.query.filter_by(key=key).count():
        raise UserFacingError(f"The key {key!r} is already in use.", 422, "invalid_parameter", "key")
    consumer = Consumer(name=name, key=key, secret=secret or secrets.token_urlsafe(32))
    if default_report_mode is not None:
        consumer.default_report_mode = _report_mode(default_report_mode)
    db.session.add(consumer)
    if admin is not None and not admin.is_superuser:
        admin.consumers.append(consumer)
    db.session.commit()
    return consumer


CONSUMER_BY_KEY = select(Consumer).where(Consumer.key == bindparam("key"))  # built once: every launch asks


def by_key(key) -> Consumer | None:
    """The consumer an LTI 1.1 launch names."""
    return db.session.scalars(CONSUMER_BY_KEY, {"key": key}).one_or_none()


def _check_length(value, limit, param):
    if not 0 < len(value) <= limit:
        raise UserFacingError(f"The {param} must have 1 to {limit} characters.", 422, "invalid_parameter", param)


def set_default_report_mode(consumer, mode) -> Consumer:
    """When scores go to the LMS for resources first launched from now on; existing ones keep theirs."""
    consumer.default_report_mode = _report_mode(mode)
    db.session.commit()
    log.info("consumer %s: new resources send scores %s", consumer.id, mode)
    return consumer


def _report_mode(mode):
    if mode not in REPORT_MODES:
        raise UserFacingError(f"The send mode must be one of {', '.join(REPORT_MODES)}.", 422, "invalid_parameter",
                              "default_report_mode")
    return mode


def disable_consumer(consumer) -> Consumer:
    """Refuse the consumer's launches from now on; its data stays."""
    consumer.enabled = False
    db.session.commit()
    log.info("consumer %s disabled", consumer.id)
    return consumer


def admin_email(email) -> str:
    """The one rule for an administrator's address, kept by `flask admins create` and the sign-in form
    alike: a well-formed address, its domain not one reserved as never deliverable (.invalid, .local,
    localhost), though the test domains (.test) are allowed for laptops and demos; compared in lower case."""
    email = (email or "").strip().lower()
    try:
        validate_email(email, check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise UserFacingError(f"{email or 'An empty address'} is not an email address an administrator can "
                              f"use: {error}", 422, "invalid_parameter", "email") from None
    return email


def create_admin(email, password, superuser=False) -> Admin:
    email = admin_email(email)
    if Admin.query.filter_by(email=email).count():
        raise UserFacingError(f"There is already an administrator {email}.", 422, "invalid_parameter", "email")
    admin = Admin(email=email, is_superuser=superuser)
    admin.set_password(password)
    db.session.add(admin)
    db.session.commit()
    return admin
