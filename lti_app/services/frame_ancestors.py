"""Who may show Examgate's pages in a frame: Examgate itself, the LMSs that launch it, and the
origins in the FRAME_ANCESTORS setting. Any other site framing the dashboard is refused, so it
cannot dress it up and trick someone into clicking in it.

A consumer's LMS origins are learnt from its verified launches: the origin of the launch's return
URL (signed by the LMS, as every launch parameter is) and the browser's Origin header of the launch
POST; LTI 1.3 issuers count too. Kept on the consumer row (frame_origins), read for every page.
"""
import logging
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import Consumer, Lti13Registration

log = logging.getLogger(__name__)


def origin_of(url) -> str | None:
    """scheme://host[:port] of an http(s) URL, or None."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in parts.netloc for c in " ;,'\""):
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def learn(consumer, *urls):
    """Remember the origins of these URLs as the consumer's LMS."""
    known = list(consumer.frame_origins or [])
    new = [origin for origin in dict.fromkeys(map(origin_of, urls)) if origin and origin not in known]
    if new:
        consumer.frame_origins = known + new
        db.session.commit()
        log.info("consumer %s: LMS origins %s", consumer.id, ", ".join(new))


def allowed() -> list[str]:
    """Every origin that may frame Examgate's pages, besides Examgate itself."""
    configured = current_app.config.get("FRAME_ANCESTORS") or []
    try:
        learnt = [origin for (origins,) in db.session.query(Consumer.frame_origins).filter(Consumer.enabled)
                  for origin in origins or []]
        issuers = [origin_of(issuer) for (issuer,) in db.session.query(Lti13Registration.issuer)]
    except SQLAlchemyError:  # a page about the database being down still gets its headers
        db.session.rollback()
        log.warning("LMS origins unavailable: pages may be framed by configured origins only")
        learnt, issuers = [], []
    return sorted({origin for origin in (*configured, *learnt, *issuers) if origin})
