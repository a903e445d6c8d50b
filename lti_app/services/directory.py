"""What a dashboard viewer may list and find: administrators their consumers' rows, instructors their
own contexts (as their launches, or the roster, say) and the people and resources in them."""
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Consumer, Context, Enrolment, Launch, Resource, User
from ..models.users import admin_consumers

SEARCH_LIMIT = 8
USER_FIELDS = (User.name, User.email, User.username, User.lti_user_id)


def consumer_ids(viewer):
    """A query of the consumer ids the viewer administers (None: every consumer)."""
    if viewer.admin and viewer.admin.is_superuser:
        return None
    if viewer.admin:
        return db.session.query(admin_consumers.c.consumer_id).filter(admin_consumers.c.admin_id == viewer.admin.id)
    return db.session.query(Consumer.id).filter(db.false())


def consumers(viewer):
    ids = consumer_ids(viewer)
    query = Consumer.query if ids is None else Consumer.query.filter(Consumer.id.in_(ids))
    return query.order_by(Consumer.name)


def context_ids(viewer):
    if viewer.admin:
        ids = consumer_ids(viewer)
        query = db.session.query(Context.id)
        return query if ids is None else query.filter(Context.consumer_id.in_(ids))
    if viewer.user is None:
        return db.session.query(Context.id).filter(db.false())
    return db.session.query(Enrolment.context_id).filter_by(user_id=viewer.user.id, role="instructor")


def contexts(viewer):
    """The viewer's contexts, newest first, with their resources and consumer loaded alongside."""
    return (Context.query.options(selectinload(Context.resources), joinedload(Context.consumer))
            .filter(Context.id.in_(context_ids(viewer))).order_by(Context.created_at.desc(), Context.id))


def resources(viewer):
    return (Resource.query.options(joinedload(Resource.context), joinedload(Resource.exam)).filter(Resource.context_id.in_(context_ids(viewer)))
            .order_by(Resource.created_at.desc(), Resource.id))


def users(viewer):
    """People the viewer may look up: every user of their consumers, or the people in their contexts."""
    if viewer.admin:
        ids = consumer_ids(viewer)
        return User.query if ids is None else User.query.filter(User.consumer_id.in_(ids))
    contexts_taught = context_ids(viewer)
    enrolled = db.session.query(Enrolment.user_id).filter(Enrolment.context_id.in_(contexts_taught))
    launched = (db.session.query(Launch.user_id).join(Resource, Resource.id == Launch.resource_id)
                .filter(Resource.context_id.in_(contexts_taught)))
    return User.query.filter(or_(User.id.in_(enrolled), User.id.in_(launched)))


def find_users(viewer, text=""):
    people = users(viewer)
    if text.strip():
        people = people.filter(text_matches(text.strip(), *USER_FIELDS))
    return people.order_by(User.name, User.id)


def resource_ids(viewer) -> list[int]:
    return [row.id for row in resources(viewer).with_entities(Resource.id)]


def sees_user(viewer, user) -> bool:
    return users(viewer).filter(User.id == user.id).count() > 0


def is_staff(viewer) -> bool:
    """May this viewer use the dashboard at all?"""
    return viewer.admin is not None or (viewer.user is not None and context_ids(viewer).count() > 0)


@dataclass
class SearchResults:
    users: list
    resources: list
    contexts: list

    def __bool__(self):
        return bool(self.users or self.resources or self.contexts)


def search(viewer, text, limit=SEARCH_LIMIT) -> SearchResults:
    """Users by name, email, username or LMS id; resources and contexts by title, within the viewer's reach."""
    text = (text or "").strip()
    if len(text) < 2:
        return SearchResults([], [], [])
    people = find_users(viewer, text).limit(limit).all()
    found_resources = resources(viewer).filter(
        text_matches(text, Resource.title, Resource.lti_resource_link_id)).limit(limit).all()
    found_contexts = contexts(viewer).filter(
        text_matches(text, Context.title, Context.label, Context.lti_context_id)).limit(limit).all()
    return SearchResults(people, found_resources, found_contexts)


def text_matches(text, *columns):
    """Any column containing the text, case-insensitively; the text's own % and _ are literal."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(func.lower(column).like(f"%{escaped}%", escape="\\") for column in columns))
