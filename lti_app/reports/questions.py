"""Per-question statistics, gathered one attempt at a time so memory does not grow with attempts.

Discrimination is the item–rest correlation: Pearson's r between an item's marks and the marks of
the rest of the attempt (its total without that item). Near 1: strong students score on it and weak
ones do not; near 0 or below: the item does not separate them (or is flawed)."""
import math
import re
from dataclasses import dataclass

from .formats import number

HEADER = [
    "item_id", "name", "kind", "attempts", "mean_score", "max_score", "mean_percent", "std_dev",
    "discrimination", "remarked", "discounted",
]


def item_order(item_id):
    """q2 before q10, and a question's parts (q2p0, q2p1) right after it."""
    return [int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", item_id)]


@dataclass
class _Sums:
    kind: str
    label: str
    n: int = 0
    x: float = 0.0
    xx: float = 0.0
    rest: float = 0.0
    rest2: float = 0.0
    x_rest: float = 0.0
    max: float = 0.0
    remarked: int = 0
    discount: str = ""


@dataclass(frozen=True)
class QuestionFigures:
    item_id: str
    label: str
    kind: str
    attempts: int
    mean: float | None
    max: float | None
    mean_percent: float | None
    std_dev: float | None
    discrimination: float | None
    remarked: int
    discount: str


class QuestionStatistics:
    def __init__(self):
        self._sums = {}

    def add(self, result):
        total = result.total
        for mark in result.marks:
            raw, top = result.counted(mark)
            if raw is None:
                continue
            sums = self._sums.setdefault(mark.item_id, _Sums(mark.kind, mark.label))
            rest = total - raw
            sums.n += 1
            sums.x += raw
            sums.xx += raw * raw
            sums.rest += rest
            sums.rest2 += rest * rest
            sums.x_rest += raw * rest
            sums.max += top
            sums.remarked += mark.remark is not None
            sums.discount = mark.discount.mode if mark.discount else sums.discount

    def figures(self):
        return [_figures(item_id, self._sums[item_id]) for item_id in sorted(self._sums, key=item_order)]


def _figures(item_id, s):
    mean = s.x / s.n
    spread_x = s.n * s.xx - s.x * s.x
    spread_rest = s.n * s.rest2 - s.rest * s.rest
    # Rounding can leave a tiny negative spread for constant marks; those correlate with nothing.
    tiny = 1e-9 * max(1.0, s.n * s.xx, s.n * s.rest2)
    discrimination = None
    if s.n > 1 and spread_x > tiny and spread_rest > tiny:
        discrimination = (s.n * s.x_rest - s.x * s.rest) / math.sqrt(spread_x * spread_rest)
    return QuestionFigures(
        item_id=item_id, label=s.label, kind=s.kind, attempts=s.n, mean=mean, max=s.max / s.n,
        mean_percent=100 * (s.x / s.max) if s.max else None,  # divided first: huge sums stay finite
        std_dev=math.sqrt(max(spread_x, 0.0)) / s.n, discrimination=discrimination,
        remarked=s.remarked, discount=s.discount,
    )


def row(figures):
    return [
        figures.item_id, figures.label, figures.kind, figures.attempts, number(figures.mean), number(figures.max),
        number(figures.mean_percent, 1), number(figures.std_dev), number(figures.discrimination, 3),
        figures.remarked, figures.discount,
    ]
