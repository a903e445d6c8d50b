"""Recording a verified launch: context, resource, user and enrolment, created or updated."""
import functools
import logging
from dataclasses import dataclass, field

from sqlalchemy import bindparam, case, func, insert, or_, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError

from ..errors import UserFacingError
from ..extensions import db
from ..lti.roles import examgate_role
from ..models import Context, Enrolment, Exam, Launch, Resource, User
from ..models.base import UTCDateTime, insert_on_conflict, utcnow
from . import course_copy, resources

log = logging.getLogger(__name__)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

CANVAS_OUTCOME_EXTENSIONS = {
    "ext_outcome_data_values_accepted": None,  # "url,text": each accepted kind is kept
    "ext_outcome_result_total_score_accepted": "result_total_score",
    "ext_outcome_submission_submitted_at_accepted": "submitted_at",
}


@dataclass
class LaunchData:
    """What any LTI version tells us about a launch, in Examgate's words."""

    context_id: str
    resource_link_id: str
    user_id: str
    roles: list
    lti_version: str = "1.1"
    context_title: str = ""
    context_label: str = ""
    resource_title: str = ""
    name: str = ""
    email: str = ""
    username: str = ""
    lis_result_sourcedid: str | None = None
    outcome_service_url: str | None = None
    outcome_extensions: list = field(default_factory=list)
    custom: dict = field(default_factory=dict)
    return_url: str | None = None  # where the LMS takes the user back: its origin may frame Examgate
    # LTI 1.3 only
    registration_id: int | None = None
    ags_scopes: list = field(default_factory=list)
    lineitem_url: str | None = None
    memberships_url: str | None = None
    # LTI 1.1 only: the memberships extension (Moodle, Canvas)
    lis_memberships_url: str | None = None
    lis_memberships_id: str | None = None


def from_lti11(params: dict) -> LaunchData:
    """Read an LTI 1.1 form; a missing required parameter is refused by name."""
    for name in ("resource_link_id", "user_id"):
        if not params.get(name):
            raise UserFacingError(f"The launch has no {name}; the LMS must send one.", 400, "missing_parameter", name)
    name = params.get("lis_person_name_full") or " ".join(
        p for p in (params.get("lis_person_name_given"), params.get("lis_person_name_family")) if p)
    return LaunchData(
        context_id=params.get("context_id") or f"resource:{params['resource_link_id']}",
        resource_link_id=params["resource_link_id"],
        user_id=params["user_id"],
        roles=params.get("roles", "").split(","),
        context_title=params.get("context_title", ""),
        context_label=params.get("context_label", ""),
        resource_title=params.get("resource_link_title", ""),
        name=name,
        email=params.get("lis_person_contact_email_primary", ""),
        username=params.get("ext_user_username") or params.get("lis_person_sourcedid", ""),
        lis_result_sourcedid=params.get("lis_result_sourcedid") or None,
        outcome_service_url=params.get("lis_outcome_service_url") or None,
        outcome_extensions=_outcome_extensions(params),
        lis_memberships_url=_service_field(params, "ext_ims_lis_memberships_url"),
        lis_memberships_id=_service_field(params, "ext_ims_lis_memberships_id"),
        custom={k[len("custom_"):]: v for k, v in params.items() if k.startswith("custom_")},
        return_url=params.get("launch_presentation_return_url") or None,
    )


def from_lti13(claims: dict, registration_id: int) -> LaunchData:
    """Read a verified LTI 1.3 resource link launch's id_token claims."""
    link = claims.get(CLAIM + "resource_link") or {}
    if not link.get("id"):
        raise UserFacingError("The launch has no resource link id; the LMS must send one.", 400,
                              "missing_parameter", "resource_link")
    context = claims.get(CLAIM + "context") or {}
    ags = claims.get(AGS_ENDPOINT) or {}
    name = claims.get("name") or " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
    username = ((claims.get(CLAIM + "ext") or {}).get("user_username")
                or (claims.get(CLAIM + "lis") or {}).get("person_sourcedid") or claims.get("preferred_username", ""))
    return LaunchData(
        context_id=context.get("id") or f"resource:{link['id']}",
        resource_link_id=link["id"],
        user_id=claims["sub"],
        roles=list(claims.get(CLAIM + "roles") or []),
        lti_version="1.3",
        context_title=context.get("title", ""),
        context_label=context.get("label", ""),
        resource_title=link.get("title", ""),
        name=name,
        email=claims.get("email", ""),
        username=username,
        outcome_service_url=ags.get("lineitems"),
        custom={str(k): str(v) for k, v in (claims.get(CLAIM + "custom") or {}).items()},
        return_url=(claims.get(CLAIM + "launch_presentation") or {}).get("return_url"),
        registration_id=registration_id,
        ags_scopes=list(ags.get("scope") or []),
        lineitem_url=ags.get("lineitem"),
        memberships_url=(claims.get(NRPS) or {}).get("context_memberships_url"),
    )


def set_up_from_launch(resource: Resource, data: LaunchData) -> None:
    """A link with no exam yet takes the set-up of the resource its course copy history names (see
    services/course_copy.py); else the exam its custom parameters name; else it waits for an instructor."""
    if resource.exam_id is not None:
        return
    source = course_copy.source_in_history(resource.consumer_id, data.custom, data.resource_title)
    if source is not None:
        course_copy.copy_setup(source, resource, by="the LMS's course copy history")
    else:
        attach_exam_from_custom(resource, data.custom)


def attach_exam_from_custom(resource: Resource, custom: dict) -> None:
    """A link made by deep linking (LTI 1.3) or set up with `custom_exam=<slug>` (LTI 1.1) names its exam:
    attach it, at its latest version, unless the resource already runs an exam."""
    slug = (custom or {}).get("exam")
    if not slug or resource.exam_id is not None:
        return
    exam = Exam.query.filter_by(slug=slug).one_or_none()
    if exam is None or not resources.exam_allowed_for(resource.consumer_id, exam):
        log.warning("resource %s (consumer %s) names exam %r, which this consumer does not have",
                    resource.id, resource.consumer_id, slug)
        return
    resources.attach_exam(resource, exam)


def _service_field(params, name, longest=500):
    """A service address or id: kept whole or not at all (a cut one would only fail later)."""
    value = params.get(name) or None
    if value and len(value) > longest:
        log.warning("launch parameter %s is longer than %s characters: not kept", name, longest)
        return None
    return value


def _outcome_extensions(params):
    accepted = [kind.strip() for kind in params.get("ext_outcome_data_values_accepted", "").split(",")
                if kind.strip()]
    extensions = [f"result_data_{kind}" for kind in accepted if kind in ("text", "url")]
    for param, extension in CANVAS_OUTCOME_EXTENSIONS.items():
        if extension and params.get(param, "").lower() == "true":
            extensions.append(extension)
    return extensions


# What the LMS sends, checked against the columns that keep it (one source for the lengths). The tables'
# columns, not the models' attributes: every launch reads their lengths, and an attribute reaches its
# column's type through a proxy each time.
IDS = {"resource_link_id": Resource.__table__.c.lti_resource_link_id, "user_id": User.__table__.c.lti_user_id,
       "context_id": Context.__table__.c.lti_context_id, "outcome_service_url": Launch.__table__.c.outcome_service_url,
       "lineitem_url": Resource.__table__.c.lineitem_url, "memberships_url": Context.__table__.c.memberships_url}
DISPLAY = {"context_title": Context.__table__.c.title, "context_label": Context.__table__.c.label,
           "resource_title": Resource.__table__.c.title, "name": User.__table__.c.name,
           "username": User.__table__.c.username}


def fit_to_columns(data: LaunchData) -> None:
    """Refuse ids and service URLs too long to keep, and shorten names and titles that are.

    An id or a URL cut short would be another id (two people, or two links, made one) or a dead URL, so
    the launch is refused, naming the parameter; a name or title only shows on pages, so it is shortened
    and the launch goes on. An email too long to be an address is dropped rather than cut.
    """
    for name, column in IDS.items():
        value = getattr(data, name)
        if value and len(value) > column.type.length:
            raise UserFacingError(f"The launch's {name} is {len(value)} characters long; Examgate keeps at most "
                                  f"{column.type.length}. Ask the LMS administrator to check it.", 400,
                                  "invalid_parameter", name)
    for name, column in DISPLAY.items():
        setattr(data, name, shortened(getattr(data, name), column))
    data.email = kept_email(data.email)


def shortened(value, column) -> str:
    return (value or "")[:column.type.length]


def kept_email(email) -> str:
    """No address is longer than 254 characters (RFC 5321): a longer one is not kept at all."""
    return email if email and len(email) <= 254 else ""


# Statements run by every launch, built once.
COURSE_AND_LINK = select(Context, Resource).join(Resource, Resource.context_id == Context.id).where(
    Context.consumer_id == bindparam("consumer_id"), Context.lti_context_id == bindparam("context_id"),
    Resource.consumer_id == bindparam("consumer_id"), Resource.lti_resource_link_id == bindparam("resource_link_id"))
ADD_LAUNCH = insert(Launch.__table__).returning(Launch.__table__.c.id)
STUDENT_KEYS, STUDENT_VALUES = ("consumer_id", "lti_user_id"), ("name", "email", "username")
ENROLMENT_KEYS, ENROLMENT_VALUES = ("context_id", "user_id"), ("role", "source")


@dataclass(frozen=True)
class Recorded:
    """What the page a launch lands on needs, read before the commit so that landing queries nothing."""

    launch_id: int
    user_id: int
    resource_id: int
    role: str
    exam_id: int | None


def record_launch(consumer, data: LaunchData) -> Recorded:
    """Create or update everything the launch names, in one transaction.

    The course and the resource link are shared by the whole class, who may all launch at once: they are
    read first and written only when the launch changes them, so launches do not queue on their row locks.
    The student's own rows (user, enrolment) take one INSERT .. ON CONFLICT DO UPDATE each, sent with the
    launch's INSERT as one statement on PostgreSQL."""
    fit_to_columns(data)
    try:
        return _record(consumer, data)
    except IntegrityError:
        # Two first launches raced to create the same row: the second one now finds it.
        db.session.rollback()
        return _record(consumer, data)


def _record(consumer, data):
    context_keys = dict(consumer_id=consumer.id, lti_context_id=data.context_id)
    link_keys = dict(consumer_id=consumer.id, lti_resource_link_id=data.resource_link_id)
    context, resource = _course_and_link(consumer, data)
    context = _upsert(Context, context_keys, context,
                      title=data.context_title, label=data.context_label, memberships_url=data.memberships_url,
                      lis_memberships_url=data.lis_memberships_url, lis_memberships_id=data.lis_memberships_id)
    resource = _upsert(Resource, link_keys, resource,
                       context=context, title=data.resource_title, lineitem_url=data.lineitem_url)
    if resource.id is None:  # first launched now: the consumer says when its scores go
        resource.report_mode = consumer.default_report_mode
    db.session.flush()
    set_up_from_launch(resource, data)
    role = examgate_role(data.roles)
    student = dict(consumer_id=consumer.id, lti_user_id=data.user_id,
                   name=data.name, email=data.email, username=data.username)
    enrolment = dict(context_id=context.id, role=role, source="launch")
    launch = dict(consumer_id=consumer.id, resource_id=resource.id, lti_version=data.lti_version,
                  roles=",".join(r.strip() for r in data.roles), role=role,
                  lis_result_sourcedid=data.lis_result_sourcedid if role == "learner" else None,
                  outcome_service_url=data.outcome_service_url, outcome_extensions=data.outcome_extensions,
                  registration_id=data.registration_id, ags_scopes=data.ags_scopes)
    launch_id, user_id = _enrol_and_launch(student, enrolment, launch)
    recorded = Recorded(launch_id, user_id, resource.id, role, resource.exam_id)
    consumer_id = consumer.id
    db.session.commit()
    log.debug("launch %s: user %s as %s on resource %s (consumer %s)",
              launch_id, user_id, role, recorded.resource_id, consumer_id)
    return recorded


def _course_and_link(consumer, data):
    """The launch's context and resource link, read in one query while the link is in that context (every
    launch but the first); (None, None) otherwise, and _upsert looks for each."""
    found = db.session.execute(COURSE_AND_LINK, dict(consumer_id=consumer.id, context_id=data.context_id,
                                                     resource_link_id=data.resource_link_id)).first()
    return tuple(found) if found else (None, None)


def _named(model, keys):
    """The conditions that find the row `keys` name."""
    return [getattr(model, name) == value for name, value in keys.items()]


def _upsert(model, keys, row, **values):
    """The row `keys` name (`row` when it has been read), added or updated: a value replaces the stored
    one when it is not empty, or when nothing is stored."""
    if row is None:
        row = db.session.scalars(select(model).where(*_named(model, keys))).one_or_none()
    if row is None:
        row = model(**keys)
        db.session.add(row)
    for name, value in values.items():
        stored = getattr(row, name, None)
        if (value or stored is None) and value != stored:  # an unchanged row is not even dirty
            setattr(row, name, value)
    return row


def _enrol_and_launch(student, enrolment, launch) -> tuple[int, int]:
    """The student's user and enrolment upserted and the launch added: the launch's id and the user's."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        # The user's consumer is the launch's, and the enrolment's role the launch's: one parameter each.
        statement = _enrolled_and_launched(_empty(student, STUDENT_VALUES), _empty(enrolment, ENROLMENT_VALUES),
                                           tuple(launch))
        launch_id, user_id = db.session.execute(statement, {**student, **enrolment, **launch, "now": utcnow()}).one()
        return launch_id, user_id
    user_id = _upsert_own(User, student, STUDENT_KEYS, STUDENT_VALUES, dialect)
    _upsert_own(Enrolment, {**enrolment, "user_id": user_id}, ENROLMENT_KEYS, ENROLMENT_VALUES, dialect)
    return db.session.execute(ADD_LAUNCH, {**launch, "user_id": user_id}).scalar_one(), user_id


def _empty(row, names):
    return tuple(name for name in names if not row[name])


def _upsert_own(model, row, keys, names, dialect) -> int:
    """_upsert in one statement, returning the row's id. On conflict it updates the row even when nothing
    changes, holding its lock to the commit: for rows only one student's launches write."""
    statement = _upsert_statement(model, keys, names, _empty(row, names), dialect)
    return db.session.execute(statement, row).scalar_one()


@functools.cache
def _upsert_statement(model, keys, names, empty, dialect):
    """Built once for each set of empty values; the values themselves are the statement's parameters."""
    return _on_conflict_update(insert_on_conflict(dialect, model.__table__), keys, names, empty)


@functools.cache
def _enrolled_and_launched(student_empty, enrolment_empty, launch_names):
    """PostgreSQL: the user and the enrolment upserted and the launch added, in one statement (data-modifying
    CTEs run once, whether or not the statement reads them). Every value is a typed parameter; `now` is each
    row's time, as the columns' defaults would have set it."""
    users, enrolments, launches = User.__table__, Enrolment.__table__, Launch.__table__
    now = bindparam("now", type_=UTCDateTime)
    student = _on_conflict_update(
        postgresql.insert(users).values(created_at=now, **_parameters(users, STUDENT_KEYS + STUDENT_VALUES)),
        STUDENT_KEYS, STUDENT_VALUES, student_empty).cte("student")
    student_id = select(student.c.id).scalar_subquery()
    enrolled = _on_conflict_update(
        postgresql.insert(enrolments).values(user_id=student_id, updated_at=now,
                                             **_parameters(enrolments, ("context_id",) + ENROLMENT_VALUES)),
        ENROLMENT_KEYS, ENROLMENT_VALUES, enrolment_empty).cte("enrolled")
    return (insert(launches).values(user_id=student_id, created_at=now, **_parameters(launches, launch_names))
            .returning(launches.c.id, launches.c.user_id).add_cte(enrolled))


def _parameters(table, names):
    return {name: bindparam(name, type_=table.c[name].type) for name in names}


def _on_conflict_update(statement, keys, names, empty):
    """An upsert: a value in `names` replaces the stored one, except the `empty` ones, which only fill a
    NULL."""
    table = statement.table
    kept = {name: func.coalesce(table.c[name], statement.excluded[name]) if name in empty else statement.excluded[name]
            for name in names}
    changed = or_(*(table.c[name].is_distinct_from(new) for name, new in kept.items()))
    # A column with an onupdate (Enrolment.updated_at) moves only when something else did, as in a flush.
    kept.update({column.name: case((changed, statement.excluded[column.name]), else_=column)
                 for column in table.c if column.onupdate is not None})
    return statement.on_conflict_do_update(index_elements=list(keys), set_=kept).returning(table.c.id)
