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
    marks = {mark.item_id: mark for mark in result.marks}
    return [
        result.attempt_id, result.user_lti_id, result.user_name, result.user_email, result.number,
        iso(result.started_at), iso(result.finished_at), number(result.time_spent_seconds, 0),
        duration(result.time_spent_seconds), result.status, result.completion_status,
        result.success_status, number(result.score), number(result.raw_score), number(result.max_score),
        *(number(result.counted(marks[item_id])[0]) if item_id in marks else "" for item_id in question_ids),
        " ".join(mark.item_id for mark in result.marks if mark.remark),
        " ".join(f"{mark.item_id}:{mark.discount.mode}" for mark in result.marks if mark.discount),
    ]
