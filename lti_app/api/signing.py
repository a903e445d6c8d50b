"""Admin API request signatures: hex HMAC-SHA256, keyed by the API key's secret, over every parameter
except `signature` as `name=value`, sorted by name and joined by `&`. A multipart upload signs its
non-file fields, which include `file_sha256` (the hex SHA-256 of the uploaded file)."""
import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE = "signature"


def canonical_string(params: Mapping[str, str]) -> str:
    return "&".join(f"{name}={params[name]}" for name in sorted(params) if name != SIGNATURE)


def sign(secret: str, params: Mapping[str, str]) -> str:
    return hmac.new(secret.encode(), canonical_string(params).encode(), hashlib.sha256).hexdigest()


def verify(secret: str, params: Mapping[str, str]) -> bool:
    """Constant-time check of params["signature"] against the one `secret` makes."""
    given = str(params.get(SIGNATURE, ""))
    return hmac.compare_digest(sign(secret, params).encode(), given.encode())


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
