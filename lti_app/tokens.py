"""Signed tokens that stand in for cookies inside an LMS iframe."""
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

LAUNCH_TOKEN_AGE = 12 * 3600


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"examgate-{purpose}")


def sign(purpose: str, value) -> str:
    return _serializer(purpose).dumps(value)


def read(purpose: str, token: str, max_age: int = LAUNCH_TOKEN_AGE):
    """The signed value, or None when the token is missing, forged or too old."""
    if not token:
        return None
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:
        return None
