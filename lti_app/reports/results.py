"""What a report knows about one attempt: its own columns, its student, its questions as marked."""
from dataclasses import dataclass, field
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
    marks: tuple = ()  # ItemMark of each question and part (lti_app.services.marking.marks_by_attempt)
    totals: dict = field(default_factory=dict)  # marking.question_totals(marks)

    def counted(self, mark):
        """(raw, max) as the item now counts: a question with its parts' changes carried in.
        Raw is None when nothing ever scored the item."""
        counted = self.totals.get(mark.item_id)
        raw, top = (mark.counted_raw, mark.counted_max) if counted is None else counted
        return (None if mark.raw is None and not mark.removed else raw), top

    @property
    def total(self):
        """The attempt's counted marks (parts are inside their questions)."""
        return sum(raw for raw, _ in self.totals.values())
