"""Per-student exceptions to a resource's limits: a later deadline, extra attempts, more time.

Limits are read through `allowance` whenever they are checked, so a change applies at once,
also to attempts already open."""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_

from ..errors import UserFacingError
from ..extensions import db
from ..models import AccessChange, Enrolment, Launch, User


@dataclass(frozen=True)
class Allowance:
    available_until: datetime | None
    max_attempts: int  # 0: unlimited
    time_limit_minutes: int  # 0: none


log = logging.getLogger(__name__)


def allowance(resource, user_id) -> Allowance:
    """The resource's limits for one student, with every access change granted to them."""
    changes = AccessChange.query.filter_by(resource_id=resource.id, user_id=user_id).all()
    until = resource.available_until
    later = [change.available_until for change in changes if change.available_until]
    if until and later:
        until = max([until, *later])
    extra_attempts = sum(change.extra_attempts for change in changes)
    extra_minutes = sum(change.extra_minutes for change in changes)
    return Allowance(
        available_until=until,
        max_attempts=resource.max_attempts + extra_attempts if resource.max_attempts else 0,
        time_limit_minutes=resource.time_limit_minutes + extra_minutes if resource.time_limit_minutes else 0,
    )


def attempt_deadline(attempt) -> datetime | None:
    """When an attempt must end: its time limit or the resource's closing, whichever comes first."""
    resource = attempt.resource
    if not (resource.time_limit_minutes or resource.available_until):
        return None  # access changes only extend limits the resource has; skip their query (commit path)
    limits = allowance(resource, attempt.user_id)
    ends = [limits.available_until] if limits.available_until else []
    if limits.time_limit_minutes:
        ends.append(attempt.started_at + timedelta(minutes=limits.time_limit_minutes))
    return min(ends) if ends else None


def find_students(resource, identifiers) -> list[User]:
    """The resource's students named by LMS user id, username or email; unknown names are refused."""
    names = [name.strip() for name in identifiers if name.strip()]
    if not names:
        raise UserFacingError("Name at least one student.", 422, "invalid_parameter", "students")
    found, unknown = {}, []
    for name in names:
        user = _student(resource, name)
        if user is None:
            unknown.append(name)
        else:
            found[user.id] = user
    if unknown:
        raise UserFacingError(f"No student of this resource is called {', '.join(unknown)}.", 422,
                              "invalid_parameter", "students")
    return list(found.values())


def _student(resource, name):
    learners = db.session.query(Enrolment.user_id).filter_by(context_id=resource.context_id, role="learner")
    launched = db.session.query(Launch.user_id).filter_by(resource_id=resource.id, role="learner")
    lowered = name.lower()
    return (User.query.filter(User.consumer_id == resource.consumer_id)
            .filter(or_(User.id.in_(learners), User.id.in_(launched)))
            .filter(or_(User.lti_user_id == name, func.lower(User.username) == lowered,
                        func.lower(User.email) == lowered))
            .order_by(User.id).first())


def grant(resource, users, *, available_until=None, extra_attempts=0, extra_minutes=0, reason="", by=""):
    """Record one access change per student; it applies from now on."""
    if available_until is None and not extra_attempts and not extra_minutes:
        raise UserFacingError("Give a later date, extra attempts or extra minutes.", 422, "invalid_parameter")
    if extra_attempts < 0 or extra_minutes < 0:
        raise UserFacingError("Extra attempts and minutes cannot be negative.", 422, "invalid_parameter")
    changes = [AccessChange(resource_id=resource.id, user_id=user.id, available_until=available_until,
                            extra_attempts=extra_attempts, extra_minutes=extra_minutes,
                            reason=reason.strip(), created_by=by[:AccessChange.created_by.type.length])
               for user in users]
    db.session.add_all(changes)
    db.session.commit()
    log.info("access change on resource %s for users %s by %s", resource.id, [u.id for u in users], by)
    return changes


def changes_for(resource):
    return (AccessChange.query.filter_by(resource_id=resource.id)
            .order_by(AccessChange.created_at.desc(), AccessChange.id.desc()).all())
