"""Counting failures per subject (an account, an address) in Redis, so every web process shares the
count; a subject over its limit waits until its window ends (a fixed window, started by the first failure)."""
from .extensions import jobs


def _key(bucket: str) -> str:
    return f"examgate:limit:{bucket}"


def wait_seconds(bucket: str, limit: int) -> int:
    """0 while `bucket` has failed fewer than `limit` times in its window, else the seconds left."""
    failures = jobs.redis.get(_key(bucket))
    if failures is None or int(failures) < limit:
        return 0
    return max(jobs.redis.ttl(_key(bucket)), 1)


def count_failure(bucket: str, window_seconds: int) -> None:
    with jobs.redis.pipeline() as pipe:  # one transaction; INCR keeps the TTL the first failure set
        pipe.set(_key(bucket), 0, ex=window_seconds, nx=True)
        pipe.incr(_key(bucket))
        pipe.execute()


def forget(bucket: str) -> None:
    jobs.redis.delete(_key(bucket))
