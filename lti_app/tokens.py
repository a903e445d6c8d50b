"""Signed tokens that stand in for cookies inside an LMS iframe."""
import time
from functools import lru_cache
from types import MappingProxyType

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

LAUNCH_TOKEN_AGE = 12 * 3600


def _serializer(secret, purpose):
    return URLSafeTimedSerializer(secret, salt=f"examgate-{purpose}")


def sign(purpose: str, value) -> str:
    return _serializer(current_app.config["SECRET_KEY"], purpose).dumps(value)


def read(purpose: str, token: str, max_age: int = LAUNCH_TOKEN_AGE):
    """The signed value, or None when the token is missing, forged or too old."""
    if not token:
        return None
    try:
        value, signed_at = _verified(current_app.config["SECRET_KEY"], purpose, token)
    except BadSignature:
        return None
    return value if 0 <= time.time() - signed_at.timestamp() <= max_age else None


@lru_cache(maxsize=4096)
def _verified(secret, purpose, token):
    """(value, when it was signed) of a token whose signature holds; a forged one raises, and is not kept.
    A player's token comes with every save: its signature is checked once per process, its age every time.
    The value is shared by every request that reads the token, so a mapping is given read-only."""
    value, signed_at = _serializer(secret, purpose).loads(token, return_timestamp=True)
    return (MappingProxyType(value) if isinstance(value, dict) else value), signed_at
