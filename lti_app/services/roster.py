"""The course roster from the LMS, so the dashboard can list learners who never started an attempt:
LTI 1.3 Names and Roles, or the LTI 1.1 memberships extension (Moodle, Canvas) where a launch announced it.
Without either, the learners Examgate knows are those who launched."""
import logging
from dataclasses import dataclass

import requests
from flask import current_app
from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService

from ..errors import UserFacingError
from ..extensions import db
from ..lti.advantage import connector
from ..lti.memberships11 import MembershipsError, read_memberships
from ..lti.roles import examgate_role
from ..models import Attempt, Consumer, Context, Enrolment, Launch, Resource, User
from .launches import kept_email, shortened

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RosterSync:
    members: int
    added: int


def offers_roster(context: Context) -> bool:
    return bool(context.memberships_url or context.lis_memberships_url and context.lis_memberships_id)


def sync(context: Context) -> RosterSync:
    """Fetch the context's active members and upsert them as users with roster enrolments;
    an enrolment a launch made keeps its launch role."""
    registration = _registration_for(context)
    if registration is not None and context.memberships_url:
        members = _names_and_roles(context, registration)
    elif context.lis_memberships_url and context.lis_memberships_id:
        members = _lti11_memberships(context)
    else:
        raise UserFacingError("The LMS has not offered this course's roster to Examgate (no LTI 1.3 Names and "
                              "Roles service, nor an LTI 1.1 memberships service, in its launches).", 409,
                              "no_roster_service")
    active = [m for m in members if m.get("user_id") and m.get("status", "Active") == "Active"]
    added = sum(_upsert_member(context, member) for member in active)
    db.session.commit()
    log.info("roster of context %s: %s active members, %s new enrolments", context.id, len(active), added)
    return RosterSync(members=len(active), added=added)


def _names_and_roles(context, registration):
    service = NamesRolesProvisioningService(connector(registration),
                                            {"context_memberships_url": context.memberships_url})
    try:
        return service.get_members()
    except (LtiException, requests.RequestException) as error:
        log.warning("roster of context %s not fetched: %s", context.id, error)
        raise UserFacingError(f"The LMS did not send the roster: {error}", 502, "roster_unavailable") from None


def _lti11_memberships(context):
    consumer = db.session.get(Consumer, context.consumer_id)
    try:
        return read_memberships(context.lis_memberships_url, consumer.key, consumer.secret,
                                context.lis_memberships_id, current_app.config["LTI_HTTP_TIMEOUT_SECONDS"])
    except MembershipsError as error:
        log.warning("LTI 1.1 memberships of context %s not fetched: %s", context.id, error)
        raise UserFacingError(f"The LMS did not send the class list: {error}.", 502, "roster_unavailable") from None


def never_started(resource: Resource) -> list[User]:
    """The context's learners with no attempt on this resource."""
    started = db.select(Attempt.user_id).where(Attempt.resource_id == resource.id)
    return (User.query.join(Enrolment, Enrolment.user_id == User.id)
            .filter(Enrolment.context_id == resource.context_id, Enrolment.role == "learner",
                    User.id.not_in(started))
            .order_by(User.name, User.lti_user_id).all())


def _registration_for(context):
    launch = (Launch.query.join(Resource, Launch.resource_id == Resource.id)
              .filter(Resource.context_id == context.id, Launch.registration_id.is_not(None))
              .order_by(Launch.id.desc()).first())
    return launch.registration if launch else None


def _upsert_member(context, member) -> bool:
    if len(member["user_id"]) > User.lti_user_id.type.length:
        log.warning("roster of context %s: a member's user_id of %s characters is too long to keep; skipped",
                    context.id, len(member["user_id"]))
        return False
    user = User.query.filter_by(consumer_id=context.consumer_id, lti_user_id=member["user_id"]).one_or_none()
    if user is None:
        user = User(consumer_id=context.consumer_id, lti_user_id=member["user_id"])
        db.session.add(user)
    name = member.get("name") or " ".join(p for p in (member.get("given_name"), member.get("family_name")) if p)
    user.name = shortened(name or user.name, User.name)
    user.email = kept_email(member.get("email")) or user.email or ""
    db.session.flush()
    enrolment = Enrolment.query.filter_by(context_id=context.id, user_id=user.id).one_or_none()
    if enrolment is not None:
        if enrolment.source == "roster":
            enrolment.role = examgate_role(member.get("roles") or [])
        return False
    db.session.add(Enrolment(context_id=context.id, user_id=user.id, source="roster",
                             role=examgate_role(member.get("roles") or [])))
    return True
