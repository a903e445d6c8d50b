"""Registering LMSs (consumers) and local administrators."""
import secrets

from ..errors import UserFacingError
from ..extensions import db
from ..models import Admin, Consumer


def create_consumer(name, key=None, secret=None) -> Consumer:
    name = (name or "").strip()
    if not name:
        raise UserFacingError("A consumer needs a name.", 422, "invalid_parameter", "name")
    key = key or f"examgate-{secrets.token_hex(8)}"
    if Consumer.query.filter_by(key=key).count():
        raise UserFacingError(f"The key {key!r} is already in use.", 422, "invalid_parameter", "key")
    consumer = Consumer(name=name, key=key, secret=secret or secrets.token_urlsafe(32))
    db.session.add(consumer)
    db.session.commit()
    return consumer


def create_admin(email, password, superuser=False) -> Admin:
    email = (email or "").strip().lower()
    if "@" not in email:
        raise UserFacingError("An administrator needs an email address.", 422, "invalid_parameter", "email")
    if Admin.query.filter_by(email=email).count():
        raise UserFacingError(f"There is already an administrator {email}.", 422, "invalid_parameter", "email")
    admin = Admin(email=email, is_superuser=superuser)
    admin.set_password(password)
    db.session.add(admin)
    db.session.commit()
    return admin
