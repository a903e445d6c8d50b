"""Resources (resource links) prepared before anyone launches them, their exam and their settings."""
import logging

from ..errors import UserFacingError
from ..extensions import db
from ..models import Context, Resource
from ..models.courses import GRADING_METHODS, REPORT_MODES

log = logging.getLogger(__name__)

SETTINGS = ("report_mode", "grading_method", "available_from", "available_until", "max_attempts",
            "time_limit_minutes", "allow_student_review")
LMS_ID_LENGTH = 255


def create_resource(consumer, lti_context_id, lti_resource_link_id, exam, title="", **settings) -> Resource:
    """A resource link with its exam attached, under the LMS's own ids, so its first launch finds it."""
    for param, value in (("context_id", lti_context_id), ("resource_link_id", lti_resource_link_id)):
        if not 0 < len(value or "") <= LMS_ID_LENGTH:
            raise UserFacingError(f"The {param} must have 1 to {LMS_ID_LENGTH} characters.", 422,
                                  "invalid_parameter", param)
    if Resource.query.filter_by(consumer_id=consumer.id, lti_resource_link_id=lti_resource_link_id).count():
        raise UserFacingError("This consumer already has a resource with that resource_link_id.", 422,
                              "invalid_parameter", "resource_link_id")
    if len(title) > 500:
        raise UserFacingError("The title must have at most 500 characters.", 422, "invalid_parameter", "title")
    _check_exam_for(consumer, exam)
    context = (Context.query.filter_by(consumer_id=consumer.id, lti_context_id=lti_context_id).one_or_none()
               or Context(consumer_id=consumer.id, lti_context_id=lti_context_id))
    resource = Resource(consumer_id=consumer.id, context=context, lti_resource_link_id=lti_resource_link_id,
                        title=title, report_mode=consumer.default_report_mode)
    _apply_settings(resource, settings)
    attach_exam(resource, exam)
    db.session.add(resource)
    db.session.commit()
    log.info("resource %s created for consumer %s with exam %s", resource.id, consumer.id, exam.id)
    return resource


def update_settings(resource, by="", **settings) -> Resource:
    _apply_settings(resource, settings)
    db.session.commit()
    log.info("resource %s settings changed by %s: %s", resource.id, by or "the API", ", ".join(sorted(settings)))
    return resource


def attach_exam(resource, exam):
    """Run `exam` (its latest version) on the resource; the caller commits."""
    resource.exam = exam
    resource.exam_version = exam.latest_version


def exam_allowed_for(consumer_id, exam) -> bool:
    """Site-wide exams serve every consumer; a consumer's own exams serve only it."""
    return exam.consumer_id is None or exam.consumer_id == consumer_id


def _check_exam_for(consumer, exam):
    if not exam_allowed_for(consumer.id, exam):
        raise UserFacingError("That exam belongs to another consumer.", 422, "invalid_parameter", "exam_id")
    if exam.latest_version is None:
        raise UserFacingError("That exam has no package uploaded yet.", 422, "invalid_parameter", "exam_id")


def _apply_settings(resource, settings):
    """Check every setting before changing any, so a refusal leaves the resource as it was."""
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise ValueError(f"not resource settings: {sorted(unknown)}")
    choices = {"report_mode": REPORT_MODES, "grading_method": GRADING_METHODS}
    for name, allowed in choices.items():
        if name in settings and settings[name] not in allowed:
            raise UserFacingError(f"The {name} must be one of {', '.join(allowed)}.", 422,
                                  "invalid_parameter", name)
    for name in ("max_attempts", "time_limit_minutes"):
        if name in settings and not 0 <= settings[name] <= 100_000:
            raise UserFacingError(f"The {name} must be between 0 (no limit) and 100000.", 422,
                                  "invalid_parameter", name)
    opens = settings.get("available_from", resource.available_from)
    closes = settings.get("available_until", resource.available_until)
    if opens and closes and closes <= opens:
        raise UserFacingError("The resource must close after it opens.", 422, "invalid_parameter",
                              "available_until")
    for name, value in settings.items():
        setattr(resource, name, value)
