"""An attempt's score: the package's total, an instructor's re-marks, the resource's discounts.
`attempt_total` is the one place that computes it.

The package's own total is the authority (cmi.score.raw / cmi.score.max, or cmi.score.scaled;
SCORM 1.2 cmi.core.score.*): a question not answered yet counts 0 of its maximum because the
package's maximum already includes it. Question scores (objectives) and part scores (interactions)
explain that total and carry the changes: a re-mark or a discount moves the total by what it changes
in its question or part. Only a package that reports no total is scored from the questions' maxima.

A part ("q0p1") counts inside its question ("q0"): the question keeps the score the package gave it,
moved by whatever re-marks and discounts did to its parts. Changing a question replaces its score,
and its parts follow it in proportion to their maxima.
"""
from dataclasses import dataclass, replace

from sqlalchemy import exists, or_, select

from ..extensions import db
from ..models import Discount, QuestionScore, Remark
from ..scorm.cmi import attempt_result, question_of
from ..scorm.names import plain_label


# The table's own columns: a report marks every question of every attempt, and rows straight from the driver
# cost a fraction of ORM objects (and skip the ORM's per-row step for mapped columns).
SCORES = QuestionScore.__table__.c
STATE = object()  # attempt_total's default: the package's scaled score as the attempt's state holds it
SCORE_COLUMNS = (SCORES.attempt_id, SCORES.item_id, SCORES.kind, SCORES.label, SCORES.raw, SCORES.max)


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
    removed: bool = False  # by its own discount, or with its question
    from_question: bool = False  # a part whose question was re-marked or discounted
    lost: float = 0.0  # a question's marks removed with its discounted parts

    @property
    def changed(self):
        return self.remark is not None or self.discount is not None

    @property
    def counted_raw(self):
        return 0.0 if self.removed else (self.raw or 0.0)

    @property
    def counted_max(self):
        return 0.0 if self.removed else (self.max or 0.0) - self.lost


@dataclass(frozen=True)
class Total:
    """What an attempt scored: marks earned out of the exam's total, and where that total comes from."""

    earned: float
    maximum: float
    from_package: bool  # False: the package reported no total; the questions' maxima are summed

    @property
    def score(self):
        return _clamp(self.earned / self.maximum)


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
    alike = {}  # ItemMark is immutable: the many attempts that score an item alike share one
    scores = db.session.execute(select(*SCORE_COLUMNS).where(SCORES.attempt_id.in_(attempt_ids))
                                .order_by(SCORES.attempt_id, SCORES.position))
    for attempt_id, item_id, kind, label, raw, top in scores:
        score = (item_id, kind, label, raw, top, remarks.get((attempt_id, item_id)), discounts.get(item_id))
        marks[attempt_id].append(alike.get(score) or alike.setdefault(score, _mark(*score)))
    return {attempt_id: _carried(item_marks) for attempt_id, item_marks in marks.items()}


def _mark(item_id, kind, label, package_raw, top, remark, discount):
    raw = package_raw
    if remark is not None:
        raw = remark.score
    if discount is not None and discount.mode == "full_marks":
        raw = top
    removed = discount is not None and discount.mode == "remove"
    label = label or plain_label(item_id, kind)
    return ItemMark(item_id, kind, label, package_raw, raw, top, remark, discount, removed)


def _carried(marks) -> list[ItemMark]:
    """The marks with each change carried across: a changed question sets its parts, changed parts move
    their question."""
    questions = {mark.item_id: mark for mark in marks if mark.kind == "question"}
    parts = {}
    for part in (mark for mark in marks if mark.kind == "part"):
        owner = question_of(part.item_id, questions)
        if owner is not None:
            parts.setdefault(owner, []).append(part)
    carried = {}
    for item_id, own in parts.items():
        question = questions[item_id]
        if question.changed:
            carried.update((part.item_id, _following(part, question)) for part in own)
            continue
        raw = (question.raw or 0.0) + sum(part.counted_raw - (part.package_raw or 0.0) for part in own)
        lost = sum(part.max or 0.0 for part in own if part.removed)
        unchanged = raw == (question.raw or 0.0)
        if lost or not unchanged:  # parts that changed nothing leave their question as it is
            carried[item_id] = replace(question, raw=question.raw if unchanged else raw, lost=lost)
    return [carried.get(mark.item_id, mark) for mark in marks]


def _following(part, question):
    """A part of a re-marked or discounted question: its share of the question's new score."""
    share = (part.max or 0.0) / question.max if question.max else 0.0
    raw = part.raw if question.raw is None else question.raw * share
    return replace(part, raw=raw, removed=part.removed or question.removed, from_question=True)


def question_totals(marks) -> dict:
    """{question id: (counted raw, counted max)}; a part outside every question counts on its own."""
    question_ids = {mark.item_id for mark in marks if mark.kind == "question"}
    return {mark.item_id: (mark.counted_raw, mark.counted_max) for mark in marks
            if mark.kind == "question" or question_of(mark.item_id, question_ids) is None}


def attempt_total(attempt, discounts=None, marks=None, scaled=STATE) -> Total | None:
    """Marks earned out of the exam's total after re-marks and discounts; None while there is no score.
    scaled: the package's own scaled score, which a commit has before its values are written; by default
    read from the attempt's state."""
    marks = item_marks(attempt, discounts) if marks is None else marks
    counting = question_totals(marks)
    counted = [mark for mark in marks if mark.item_id in counting]
    earned_change = sum(mark.counted_raw - (mark.package_raw or 0.0) for mark in counted)
    maximum_change = sum(mark.counted_max - (mark.max or 0.0) for mark in counted)
    questions_maximum = sum(mark.max or 0.0 for mark in counted)
    if attempt.max_score and attempt.raw_score is not None:
        total = Total(attempt.raw_score + earned_change, attempt.max_score + maximum_change, True)
    elif (scaled := _package_scaled(attempt) if scaled is STATE else scaled) is not None:
        # cmi.score.scaled alone: a fraction of the package's maximum, or of what its questions explain
        maximum = attempt.max_score or questions_maximum
        if not maximum:
            return Total(scaled, 1.0, True)
        total = Total(scaled * maximum + earned_change, maximum + maximum_change, True)
    else:
        total = Total(sum(mark.counted_raw for mark in counted), sum(mark.counted_max for mark in counted), False)
    return total if total.maximum > 0 else None


def _package_scaled(attempt):
    return attempt_result(attempt.state, items=False).score


def attempt_score(attempt, discounts=None, marks=None, scaled=STATE) -> float | None:
    """The attempt's score, 0–1, or None while there is none."""
    total = attempt_total(attempt, discounts, marks, scaled)
    return None if total is None else total.score


def score_after_commit(attempt, marked, scaled) -> float | None:
    """The score once a commit changed the package's numbers (scaled: its scaled score now). Unless a
    re-mark or a discount moves it (`marked`, read by the commit), a package that reports its total is
    scored by that total alone, so no question row is read."""
    if not reads_marks_after_commit(attempt, marked):
        return attempt_score(attempt, discounts={}, marks=[])
    return attempt_score(attempt, scaled=scaled)


def reads_marks_after_commit(attempt, marked) -> bool:
    """Whether score_after_commit reads the question and part rows: so a commit writes the scores it moved
    before, or else with the attempt's row."""
    return marked or not attempt.max_score or attempt.raw_score is None


def marked(attempt_id, resource_id):
    """Whether a re-mark of the attempt or an active discount of its resource exists: an expression (of the
    attempt's and the resource's ids, as parameters or columns) the commit reads along with recording its batch."""
    return or_(exists().where(Remark.attempt_id == attempt_id),
               exists().where(Discount.resource_id == resource_id, Discount.removed_at.is_(None)))


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
