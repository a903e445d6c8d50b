"""Single-use tokens (OAuth nonces, id_token nonces, one-time links), kept in Redis with a TTL."""
from ..extensions import jobs


def use_once(namespace: str, value: str, ttl_seconds: int) -> bool:
    """True the first time (namespace, value) is seen within ttl_seconds, False after that."""
    return bool(jobs.redis.set(f"examgate:once:{namespace}:{value}", b"1", nx=True, ex=ttl_seconds))
