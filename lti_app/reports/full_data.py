"""The full data report: every CMI element of every attempt, one JSON object per line."""
from .formats import iso


def record(attempt_id, user_lti_id, attempt_number, element):
    return {
        "attempt_id": attempt_id, "user_id": user_lti_id, "attempt_number": attempt_number,
        "sequence": element.sequence, "batch_id": element.batch_id, "key": element.key,
        "value": element.value, "client_time": iso(element.client_time, "milliseconds") or None,
        "server_time": iso(element.server_time, "milliseconds"),
    }
