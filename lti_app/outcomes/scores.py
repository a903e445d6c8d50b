"""Which score an outcome reports, and which launch can carry it back to the LMS."""
from sqlalchemy import and_, or_
from sqlalchemy.orm import joinedload

from ..models import Attempt, Launch

NO_GRADEBOOK = "not sent: the LMS gave no gradebook for this launch"


def may_count(resource, attempt) -> bool:
    """Whether this attempt's score can be the one reported: on completion, an open attempt never is."""
    return resource.report_mode != "on_completion" or attempt.status == "finished"


def scoring_attempt(resource, attempts) -> Attempt | None:
    """The attempt whose score the resource reports (grading method over the scored attempts)."""
    live = [a for a in attempts if a.deleted_at is None]
    scored = [a for a in live if a.score is not None and may_count(resource, a)]
    if not scored:
        # "immediately" reports 0 once an attempt starts: never attempted and scored zero differ.
        return _pick("last", live) if resource.report_mode == "immediately" and live else None
    return _pick(resource.grading_method, scored)


def desired_score(resource, attempts) -> float | None:
    """The score to report, clamped to 0–1; None: nothing to report yet."""
    attempt = scoring_attempt(resource, attempts)
    if attempt is None:
        return None
    return clamp(attempt.score or 0.0)


def user_attempts(resource_id, user_id) -> list[Attempt]:
    return Attempt.query.filter_by(resource_id=resource_id, user_id=user_id).all()


def reporting_launch(resource_id, user_id) -> Launch | None:
    """The learner's latest launch that can carry a score back: LTI 1.1 with a sourcedid,
    LTI 1.3 with the Assignment and Grade Services claim."""
    return (Launch.query.filter_by(resource_id=resource_id, user_id=user_id, role="learner")
            .options(joinedload(Launch.consumer))
            .filter(or_(Launch.lis_result_sourcedid.isnot(None),
                        and_(Launch.lti_version == "1.3", Launch.outcome_service_url.isnot(None))))
            .order_by(Launch.id.desc()).first())


def has_gradebook(launch: Launch) -> bool:
    """Whether the LMS told this launch where scores go (an LTI 1.1 launch may carry a sourcedid without
    lis_outcome_service_url, as the demo's do)."""
    return launch.lti_version in ("1.1", "1.3") and bool(launch.outcome_service_url)


def clamp(score) -> float:
    # Rounded so that float noise (0.30000000000000004) is not a "new" score.
    return round(min(1.0, max(0.0, float(score))), 8)


def _pick(method, attempts):
    ordered = sorted(attempts, key=lambda a: (a.number, a.started_at, a.id))
    if method == "first":
        return ordered[0]
    if method == "last":
        return ordered[-1]
    return max(ordered, key=lambda a: a.score)
