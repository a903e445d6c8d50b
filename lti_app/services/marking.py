"""An attempt's score: the package's question and part scores, an instructor's re-marks, the resource's
discounts. `attempt_score` is the one place that computes it.

A part ("q0p1") counts inside its question ("q0"): the question keeps the score the package gave it,
moved by whatever re-marks and discounts did to its parts. Overriding a question replaces its score.
"""
from dataclasses import dataclass

from ..models import Discount, QuestionScore, Remark
from ..scorm.cmi import attempt_result
from ..scorm.names import plain_label, question_of


@dataclass(frozen=True)
class ItemMark:
    """One question's or part's score in an attempt, as the package gave it and as it now counts."""

    item_id: str
    kind: str  # question, part
    label: str  # the name people read
    package_raw: float | None
    raw: float | None  # after a re-mark or a full-marks discount
    max: float | None
    remark: Remark | None
    discount: Discount | None

    @property
    def removed(self):
        return self.discount is not None and self.discount.mode == "remove"

    @property
    def counted_raw(self):
        return 0.0 if self.removed else (self.raw or 0.0)

    @property
    def counted_max(self):
        return 0.0 if self.removed else (self.max or 0.0)


def active_discounts(resource_id) -> dict:
    rows = Discount.query.filter_by(resource_id=resource_id, removed_at=None).order_by(Discount.id)
    return {discount.item_id: discount for discount in rows}


def item_marks(attempt, discounts=None) -> list[ItemMark]:
    """Every question and part of the attempt, in the package's order, with re-marks and discounts."""
    return marks_by_attempt([attempt.id], attempt.resource_id, discounts)[attempt.id]


def marks_by_attempt(attempt_ids, resource_id, discounts=None) -> dict:
    """{attempt id: [ItemMark]} for several attempts of one resource, in three queries."""
    discounts = active_discounts(resource_id) if discounts is None else discounts
    remarks = {}
    for remark in Remark.query.filter(Remark.attempt_id.in_(attempt_ids)).order_by(Remark.id):
        remarks[remark.attempt_id, remark.item_id] = remark  # the latest wins
    marks = {attempt_id: [] for attempt_id in attempt_ids}
    scores = (QuestionScore.query.filter(QuestionScore.attempt_id.in_(attempt_ids))
              .order_by(QuestionScore.attempt_id, QuestionScore.position))
    for score in scores:
        marks[score.attempt_id].append(
            _mark(score, remarks.get((score.attempt_id, score.item_id)), discounts.get(score.item_id)))
    return marks


def _mark(score, remark, discount):
    raw = score.raw
    if remark is not None:
        raw = remark.score
    if discount is not None and discount.mode == "full_marks":
        raw = score.max
    label = score.label or plain_label(score.item_id, score.kind)
    return ItemMark(score.item_id, score.kind, label, score.raw, raw, score.max, remark, discount)


def question_totals(marks) -> dict:
    """{question id: (counted raw, counted max)} with each part's changes carried into its question."""
    questions = {mark.item_id: mark for mark in marks if mark.kind == "question"}
    totals = {item_id: [mark.counted_raw, mark.counted_max] for item_id, mark in questions.items()}
    for part in (mark for mark in marks if mark.kind == "part"):
        owner = question_of(part.item_id, questions)
        if owner is None:  # a package that reports parts only: each part counts on its own
            totals[part.item_id] = [part.counted_raw, part.counted_max]
        elif not (questions[owner].remark or questions[owner].discount):
            totals[owner][0] += part.counted_raw - (part.package_raw or 0.0)
            totals[owner][1] -= (part.max or 0.0) if part.removed else 0.0
    return {item_id: (raw, max_) for item_id, (raw, max_) in totals.items()}


def attempt_score(attempt, discounts=None) -> float | None:
    """The attempt's score, 0–1, or None while there is none."""
    marks = item_marks(attempt, discounts)
    if not marks:
        if attempt.max_score:
            return _clamp((attempt.raw_score or 0.0) / attempt.max_score)
        return attempt_result(attempt.state or {}).score
    totals = question_totals(marks).values()
    maximum = sum(max_ for _, max_ in totals)
    if maximum <= 0:
        return None
    return _clamp(sum(raw for raw, _ in totals) / maximum)


def attempt_notes(attempt) -> list[str]:
    """What changed an attempt's marks since the package scored it, for the student's attempt list."""
    notes = []
    if Remark.query.filter_by(attempt_id=attempt.id).count():
        notes.append("re-marked")
    items = {score.item_id for score in QuestionScore.query.filter_by(attempt_id=attempt.id)}
    discounted = len(items & set(active_discounts(attempt.resource_id)))
    if discounted:
        notes.append(f"{discounted} discounted part{'s' if discounted > 1 else ''}")
    return notes


def _clamp(value):
    return min(1.0, max(0.0, value))
