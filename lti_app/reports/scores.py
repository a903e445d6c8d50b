"""The scores report: one row per student, the score held for the LMS and what the LMS answered."""
from dataclasses import dataclass
from datetime import datetime

from .formats import iso, number

HEADER = [
    "user_id", "name", "email", "attempts", "score", "state", "sent_score", "reported_at",
    "lms_status", "lms_code", "lms_message",
]


@dataclass(frozen=True)
class StudentScore:
    user_lti_id: str
    user_name: str
    user_email: str
    attempts: int
    score: float | None = None  # None: no outcome for this student yet
    state: str | None = None
    sent_score: float | None = None
    sent_at: datetime | None = None
    last_status: int | None = None
    code_major: str | None = None
    description: str | None = None


def row(student):
    return [
        student.user_lti_id, student.user_name, student.user_email, student.attempts,
        number(student.score), student.state or "", number(student.sent_score), iso(student.sent_at),
        student.last_status or "", student.code_major or "", student.description or "",
    ]
