"""The tool's own RSA key pairs for LTI 1.3: generated on first use, rotated by a command,
published as a JWKS. The newest active key signs; older active keys stay published so tokens
signed just before a rotation still verify at the platform."""
import json
import logging

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

from ..extensions import db
from ..models import ToolKey

log = logging.getLogger(__name__)
KEY_BITS = 2048


def signing_key() -> ToolKey:
    """The key that signs the tool's JWTs; the first call makes one."""
    key = ToolKey.query.filter_by(active=True).order_by(ToolKey.created_at.desc(), ToolKey.id.desc()).first()
    return key or _new_key()


def rotate() -> ToolKey:
    """A new signing key; the one it replaces stays published until the next rotation, older ones retire."""
    previous = signing_key()
    key = _new_key(commit=False)
    ToolKey.query.filter(ToolKey.active.is_(True), ToolKey.id != previous.id, ToolKey.kid != key.kid) \
        .update({"active": False}, synchronize_session=False)
    db.session.commit()
    log.info("tool key rotated: %s signs now, %s still published", key.kid, previous.kid)
    return key


def jwks() -> dict:
    """Every published public key, each with its kid."""
    signing_key()
    keys = ToolKey.query.filter_by(active=True).order_by(ToolKey.created_at.desc(), ToolKey.id.desc()).all()
    return {"keys": [key.public_jwk for key in keys]}


def _new_key(commit=True) -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    jwk = JWK.from_pem(pem.encode())
    kid = jwk.thumbprint()
    public_jwk = {**json.loads(jwk.export_public()), "kid": kid, "alg": "RS256", "use": "sig"}
    key = ToolKey(kid=kid, private_pem=pem, public_jwk=public_jwk, active=True)
    db.session.add(key)
    if commit:
        db.session.commit()
        log.info("tool key %s generated", kid)
    else:
        db.session.flush()
    return key
