"""Who may show Examgate's pages in a frame: Examgate itself, the LMSs that launch it, and the
origins in the FRAME_ANCESTORS setting. Any other site framing the dashboard is refused, so it
cannot dress it up and trick someone into clicking in it.

A consumer's LMS origins are learnt from its verified launches: the origin of the launch's return
URL (signed by the LMS, as every launch parameter is) and the browser's Origin header of the launch
POST; LTI 1.3 issuers count too. Kept on the consumer row (frame_origins).

Every page needs the list, so each process keeps it, with the stamp it was read under. The stamp is
in Redis, and every commit that changes a consumer or an LTI 1.3 registration replaces it (a session
hook, so no writer can forget). A process reads the stamp before the list, and the stamp is replaced
only after the commit, so a list is never kept under a stamp newer than its rows: the page a launch
lands on allows the origin that launch learnt, whichever process serves it. A lost stamp (Redis
emptied) is replaced by a new one. While Redis is unavailable the list is read for every page, and
a copy older than a minute is read again (a change made then could not replace the stamp).
"""
import logging
import time
import uuid
from urllib.parse import urlsplit

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..extensions import db, jobs
from ..models import Consumer, Lti13Registration

log = logging.getLogger(__name__)

STAMP_KEY = "examgate:frame-ancestors:stamp"
KEPT_SECONDS = 60
CHANGED = "examgate.frame_ancestors_changed"


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
    return sorted({origin for origin in (*configured, *_learnt()) if origin})


def _learnt() -> tuple[str, ...]:
    """The enabled consumers' origins and the LTI 1.3 issuers: this process's copy while it is current."""
    try:
        stamp = _stamp()
    except RedisError:
        return _read() or ()
    kept = current_app.extensions.get("examgate_frame_ancestors")
    if kept and kept[0] == stamp and time.monotonic() - kept[1] < KEPT_SECONDS:
        return kept[2]
    origins = _read()
    if origins is not None:
        current_app.extensions["examgate_frame_ancestors"] = (stamp, time.monotonic(), origins)
    return origins or ()


def _stamp() -> bytes:
    stamp = jobs.redis.get(STAMP_KEY)
    if stamp is None:
        jobs.redis.set(STAMP_KEY, uuid.uuid4().hex, nx=True)
        stamp = jobs.redis.get(STAMP_KEY)
    return stamp


def _read():
    """What the database has committed (a connection of its own: never this request's unsaved changes);
    None when the database is unavailable."""
    try:
        with db.engine.connect() as connection:
            learnt = connection.execute(select(Consumer.frame_origins).where(Consumer.enabled)).scalars().all()
            issuers = connection.execute(select(Lti13Registration.issuer)).scalars().all()
    except SQLAlchemyError:  # a page about the database being down still gets its headers
        log.warning("LMS origins unavailable: pages may be framed by configured origins only")
        return None
    return tuple(origin for origins in learnt for origin in origins or []) + tuple(map(origin_of, issuers))


@event.listens_for(Session, "after_flush")
def _note_changes(session, flush_context):
    if any(isinstance(row, (Consumer, Lti13Registration)) for row in (*session.new, *session.dirty, *session.deleted)):
        session.info[CHANGED] = True


@event.listens_for(Session, "after_commit")
def _replace_stamp(session):
    if session.info.pop(CHANGED, False):
        try:
            jobs.redis.set(STAMP_KEY, uuid.uuid4().hex)
        except RedisError:
            log.warning("LMS origins changed while Redis is unavailable: other processes see it within %ss",
                        KEPT_SECONDS)


@event.listens_for(Session, "after_rollback")
def _forget_changes(session):
    session.info.pop(CHANGED, None)
