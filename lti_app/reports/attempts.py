"""The attempts report: one row per attempt, one column per question."""
from .formats import duration, iso, number

FIXED_COLUMNS = [
    "attempt_id", "user_id", "name", "email", "attempt_number", "started_at", "finished_at",
    "time_spent_seconds", "time_spent", "status", "completion_status", "success_status",
    "score", "raw_score", "max_score",
]


def header(question_ids):
    return FIXED_COLUMNS + list(question_ids) + ["remarked", "discounted"]


def row(result, question_ids):
    questions = [result.item(item_id) for item_id in question_ids]
    return [
        result.attempt_id, result.user_lti_id, result.user_name, result.user_email, result.number,
        iso(result.started_at), iso(result.finished_at), number(result.time_spent_seconds, 0),
        duration(result.time_spent_seconds), result.status, result.completion_status,
        result.success_status, number(result.score), number(result.raw_score), number(result.max_score),
        *(number(item.raw) if item else "" for item in questions),
        " ".join(item.item_id for item in result.items if item.remarked),
        " ".join(f"{item.item_id}:{item.discount}" for item in result.items if item.discount),
    ]
