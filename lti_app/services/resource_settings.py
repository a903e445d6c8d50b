"""Changing a resource's settings: when it is open, how many attempts, how scores go to the LMS."""
import logging

from ..errors import UserFacingError
from ..extensions import db
from ..models.courses import GRADING_METHODS, REPORT_MODES

log = logging.getLogger(__name__)
SETTINGS = ("report_mode", "grading_method", "available_from", "available_until", "max_attempts",
            "time_limit_minutes", "allow_student_review")


def update_settings(resource, values: dict, by: str):
    if values["report_mode"] not in REPORT_MODES:
        raise UserFacingError("Unknown reporting mode.", 422, "invalid_parameter", "report_mode")
    if values["grading_method"] not in GRADING_METHODS:
        raise UserFacingError("Unknown grading method.", 422, "invalid_parameter", "grading_method")
    opens, closes = values["available_from"], values["available_until"]
    if opens and closes and closes <= opens:
        raise UserFacingError("The resource must close after it opens.", 422, "invalid_parameter", "available_until")
    for name in SETTINGS:
        setattr(resource, name, values[name])
    db.session.commit()
    log.info("settings of resource %s changed by %s", resource.id, by)
