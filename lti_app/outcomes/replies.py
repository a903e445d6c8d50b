"""What an LMS reply means for an outcome: stored, refused for good, or worth another try."""
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Mapping

import requests
from requests.structures import CaseInsensitiveDict

from .pox import parse_reply

STORED = "stored"
REFUSED = "refused"
RETRY_NOW = "retry_now"
CREDENTIALS = "credentials"
RETRY_LATER = "retry_later"
SUPERSEDED = "superseded"

_CANVAS_ERROR_ID = re.compile(r"\s*\[EID_[^\]]*\]\s*$")
_NEWER_SCORE_THERE = re.compile(r"(before|earlier|older)\b.*timestamp|timestamp\b.*\b(before|earlier|older)", re.I)
_TAGS = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Verdict:
    action: str
    http_status: int | None
    code_major: str | None
    description: str
    retry_after: float | None = None
    # Canvas's throttle: what is left of the bucket, and what this request cost (see pacing.py).
    rate_remaining: float | None = None
    request_cost: float | None = None


def classify_pox_reply(status: int, headers: Mapping[str, str], body: bytes) -> Verdict:
    """Classify an LTI 1.1 replaceResult reply (Canvas or Moodle)."""
    headers = CaseInsensitiveDict(headers)
    reply = parse_reply(body)
    words = display_words(reply.description) or reply.code_major or _body_words(body) or f"HTTP {status}"

    def verdict(action):
        return Verdict(action, status, reply.code_major, words, _retry_after(headers, action),
                       *_throttle(headers))

    if status == 200:
        return verdict(_pox_action(reply.code_major, words))
    if status == 401:
        return verdict(RETRY_NOW if "duplicate nonce" in words.lower() else CREDENTIALS)
    return verdict(_http_action(status, headers, words))


def classify_ags_reply(status: int, headers: Mapping[str, str], body: bytes, reason: str = "") -> Verdict:
    """Classify an LTI 1.3 AGS score reply; Moodle puts its reason only in the status line."""
    headers = CaseInsensitiveDict(headers)
    words = _ags_words(body) or reason or f"HTTP {status}"

    def verdict(action):
        return Verdict(action, status, None, words, _retry_after(headers, action), *_throttle(headers))

    if status in (200, 201, 204):
        return verdict(STORED)
    if status == 400 and _NEWER_SCORE_THERE.search(words):
        return verdict(SUPERSEDED)
    if status == 409:  # Moodle: "Refusing score with an earlier timestamp"
        return verdict(SUPERSEDED)
    if status == 401:
        return verdict(CREDENTIALS)
    return verdict(_http_action(status, headers, words))


def classify_error(exc: requests.RequestException, timeout: float) -> Verdict:
    """Classify a request that got no reply at all."""
    if isinstance(exc, requests.Timeout):
        return Verdict(RETRY_LATER, None, None, f"timed out after {timeout:g}s")
    if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        words = "connection refused" if "refused" in str(exc).lower() else "connection failed"
        return Verdict(RETRY_LATER, None, None, words)
    return Verdict(REFUSED, None, None, f"request not sent: {exc}")


def display_words(description: str | None) -> str | None:
    """The LMS's own words, without the error id Canvas appends."""
    if not description:
        return None
    return _CANVAS_ERROR_ID.sub("", description).strip() or None


def _pox_action(code_major: str | None, words: str) -> str:
    if code_major in ("success", "processing"):
        return STORED
    if code_major in ("failure", "unsupported"):
        # Moodle answers a bad signature with 200 + failure "Message signature not valid".
        return CREDENTIALS if "signature" in words.lower() else REFUSED
    # A 200 we cannot read (a proxy page, say) proves nothing; replaceResult is safe to repeat.
    return RETRY_LATER


def _http_action(status: int, headers: CaseInsensitiveDict, words: str) -> str:
    if status == 403 and _rate_limited(headers, words):
        return RETRY_LATER
    if status == 429 or status >= 500:
        return RETRY_LATER
    return REFUSED


def _rate_limited(headers: CaseInsensitiveDict, words: str) -> bool:
    if "rate limit exceeded" in words.lower():
        return True
    remaining = _number(headers.get("X-Rate-Limit-Remaining"))
    return remaining is not None and remaining <= 0


def _throttle(headers: CaseInsensitiveDict) -> tuple[float | None, float | None]:
    return _number(headers.get("X-Rate-Limit-Remaining")), _number(headers.get("X-Request-Cost"))


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _retry_after(headers: CaseInsensitiveDict, action: str) -> float | None:
    value = headers.get("Retry-After")
    if action != RETRY_LATER or not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


def _ags_words(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return _body_words(body)
    if not isinstance(data, dict):
        return None
    errors = data.get("errors")
    if isinstance(errors, dict):
        return errors.get("message") or errors.get("type")
    return data.get("error_description") or data.get("error") or data.get("message")


def _body_words(body: bytes, limit: int = 200) -> str | None:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    words = " ".join(_TAGS.sub(" ", text).split())
    return words[:limit] or None
