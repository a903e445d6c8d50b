"""What a report knows about one attempt: its own columns, its student, its marked questions."""
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AttemptResult:
    attempt_id: int
    number: int
    user_lti_id: str
    user_name: str
    user_email: str
    started_at: datetime
    finished_at: datetime | None
    time_spent_seconds: float
    status: str
    completion_status: str
    success_status: str
    score: float | None  # 0–1, after re-marks and discounts
    raw_score: float | None
    max_score: float | None
    items: tuple = ()  # marked questions and parts (lti_app.services.marking)

    def item(self, item_id):
        return next((item for item in self.items if item.item_id == item_id), None)

    @property
    def total(self):
        """The marks of the questions (parts are inside them), as marked."""
        return sum(item.raw or 0 for item in self.items if item.kind == "question")
