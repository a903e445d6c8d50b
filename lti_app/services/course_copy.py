"""A new resource link set up as a copy of an earlier one: after a course copy in the LMS (from the
link's and the course's id history that the launch carries), or because an instructor chose it.

A copy takes the exam and the settings, never attempts or scores, and never crosses consumers: ids
are only ever looked up within the consumer of the launch.
"""
import logging
from urllib.parse import unquote

from ..errors import UserFacingError
from ..extensions import db
from ..models import Context, Exam, Resource
from . import directory, resources

log = logging.getLogger(__name__)

# Custom parameters Examgate asks every LMS for (configuration files, registration, README).
HISTORY_CUSTOM = {"resource_link_history": "$ResourceLink.id.history",
                  "context_history": "$Context.id.history"}
HISTORY_LIMIT = 50  # ids read from one history value: a course copied yearly has a handful
ID_LENGTH = 255


def copied_settings(source: Resource) -> dict:
    """What a copy takes besides the exam: every resource setting there is (resources.SETTINGS)."""
    return {name: getattr(source, name) for name in resources.SETTINGS}


def copy_setup(source: Resource, target: Resource, by: str) -> Resource:
    """Give `target` the exam version and settings of `source`; the caller commits."""
    if source.consumer_id != target.consumer_id:
        raise UserFacingError("That resource belongs to another LMS.", 404, "not_found", "source_id")
    if source.id == target.id or source.exam_version is None:
        raise UserFacingError("That resource has no exam set up to copy.", 422, "invalid_parameter", "source_id")
    target.exam, target.exam_version = source.exam, source.exam_version
    for name, value in copied_settings(source).items():
        setattr(target, name, value)
    target.copied_from = source
    log.info("resource %s (consumer %s) set up as a copy of resource %s by %s",
             target.id, target.consumer_id, source.id, by)
    return target


def choose_copy(source: Resource, target: Resource, by: str) -> Resource:
    """An instructor's choice: `target` takes the set-up of `source`, saved at once."""
    copy_setup(source, target, by)
    db.session.commit()
    return target


def copy_sources(viewer, target: Resource, text: str = "", limit: int = 20) -> list[Resource]:
    """Set-up resources of the target's consumer in courses the viewer teaches, newest first; those
    whose title, course or exam contains `text` when it is given."""
    query = (directory.resources(viewer).join(Context, Resource.context_id == Context.id)
             .join(Exam, Resource.exam_id == Exam.id)
             .filter(Resource.consumer_id == target.consumer_id, Resource.id != target.id,
                     Resource.exam_version_id.isnot(None)))
    if text.strip():
        query = query.filter(directory.text_matches(text.strip(), Resource.title, Context.title, Context.label,
                                                    Exam.title))
    return query.limit(limit).all()


def history_ids(value) -> list[str]:
    """The ids of a `$ResourceLink.id.history` or `$Context.id.history` value: comma-separated,
    URL-encoded, the most recent first. A variable the LMS left unsubstituted counts as no history."""
    value = (value or "").strip()
    if value.startswith("$"):
        return []
    ids = (unquote(part.strip()) for part in value.split(",")[:HISTORY_LIMIT])
    return [one for one in ids if 0 < len(one) <= ID_LENGTH]


def source_in_history(consumer_id: int, custom: dict, title: str = "") -> Resource | None:
    """The set-up resource a new link was copied from: the most recent one its own history names;
    else, in the most recent course of the course's history that has one, the only set-up resource
    with the same title (two with that title: nobody can tell which, so none)."""
    link_ids = history_ids(custom.get("resource_link_history"))
    known = {r.lti_resource_link_id: r for r in _set_up(consumer_id).filter(
        Resource.lti_resource_link_id.in_(link_ids))} if link_ids else {}
    for link_id in link_ids:
        if link_id in known:
            return known[link_id]
    context_ids = history_ids(custom.get("context_history"))
    if not title or not context_ids:
        return None
    contexts = {c.lti_context_id: c.id for c in Context.query.filter(
        Context.consumer_id == consumer_id, Context.lti_context_id.in_(context_ids))}
    for context_id in context_ids:
        if context_id in contexts:
            same_title = _set_up(consumer_id).filter(Resource.context_id == contexts[context_id],
                                                     Resource.title == title).limit(2).all()
            if same_title:
                return same_title[0] if len(same_title) == 1 else None
    return None


def _set_up(consumer_id):
    return Resource.query.filter(Resource.consumer_id == consumer_id, Resource.exam_version_id.isnot(None))
