"""RQ entry points for attempts; the worker class provides the app context."""
from lti_app.services import attempts


def end_overdue_attempts():
    """End every open attempt whose time is up, with what arrived in time, and send its score."""
    return attempts.end_overdue()
