"""Send an LTI 1.3 Assignment and Grade Services score."""
import json
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import requests

from .replies import Verdict, classify_ags_reply, classify_error

SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
ACTIVITY_PROGRESS = {"Initialized", "Started", "InProgress", "Submitted", "Completed"}
GRADING_PROGRESS = {"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"}


def score_payload(
    user_id: str,
    score_given: float | None,
    score_maximum: float,
    activity_progress: str,
    grading_progress: str,
    timestamp: datetime,
    comment: str | None = None,
) -> dict:
    """The AGS score body; scoreGiven may be None (e.g. an attempt just started)."""
    if activity_progress not in ACTIVITY_PROGRESS:
        raise ValueError(f"unknown activityProgress {activity_progress!r}")
    if grading_progress not in GRADING_PROGRESS:
        raise ValueError(f"unknown gradingProgress {grading_progress!r}")
    if timestamp.tzinfo is None:
        raise ValueError("timestamp needs a time zone")
    payload = {
        "userId": user_id,
        "activityProgress": activity_progress,
        "gradingProgress": grading_progress,
        "timestamp": timestamp.isoformat(timespec="milliseconds"),
    }
    if score_given is not None:
        payload.update(scoreGiven=score_given, scoreMaximum=score_maximum)
    if comment is not None:
        payload["comment"] = comment
    return payload


def scores_url(lineitem_url: str) -> str:
    """`{lineitem}/scores`, keeping any query string after the path."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def post_score(
    session: requests.Session, lineitem_url: str, access_token: str, payload: dict, timeout: float
) -> Verdict:
    try:
        reply = session.post(
            scores_url(lineitem_url),
            data=json.dumps(payload),
            headers={"Authorization": f"Bearer {access_token}", "Content-Type": SCORE_MEDIA_TYPE},
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return classify_error(exc, timeout)
    return classify_ags_reply(reply.status_code, reply.headers, reply.content, reply.reason or "")
