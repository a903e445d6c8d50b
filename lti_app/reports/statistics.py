"""The figures of the Statistics tab, gathered from finished attempts one at a time."""
import math
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from .charts import bar_chart
from .questions import QuestionStatistics

SCORE_BIN_PERCENT = 10
NICE_MINUTES = (1, 2, 5, 10, 15, 20, 30, 60, 120, 240, 480, 1440)


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int
    last: bool = False  # the last bin includes its upper edge


def histogram(values, width, top):
    """Counts in [low, low + width) from 0 up to `top`, the last bin closed; values above top go in it."""
    bins = max(1, math.ceil(top / width))
    counts = [0] * bins
    for value in values:
        counts[min(int(value // width), bins - 1)] += 1
    return [Bin(i * width, (i + 1) * width, count, i == bins - 1) for i, count in enumerate(counts)]


def minutes_width(longest_minutes, most_bins=12):
    """A round bin width (in minutes) giving at most `most_bins` bins."""
    return next((w for w in NICE_MINUTES if longest_minutes < w * most_bins), NICE_MINUTES[-1])


def by_day(days):
    """Count per day from the first to the last day, days without any included as 0."""
    counts = Counter(days)
    if not counts:
        return []
    first, last = min(counts), max(counts)
    return [(first + timedelta(d), counts[first + timedelta(d)]) for d in range((last - first).days + 1)]


class ResourceFigures:
    """Everything the Statistics tab shows, fed with AttemptResults."""

    def __init__(self):
        self.scores = []  # percent, one per scored attempt
        self.minutes = []
        self.finished_days = []
        self.questions = QuestionStatistics()

    def add(self, result):
        if result.score is not None:
            self.scores.append(100 * result.score)
        self.minutes.append(result.time_spent_seconds / 60)
        if result.finished_at:
            self.finished_days.append(result.finished_at.date())
        self.questions.add(result)

    @property
    def attempts(self):
        return len(self.minutes)

    def score_bins(self):
        return histogram(self.scores, SCORE_BIN_PERCENT, 100)

    def time_bins(self):
        longest = max(self.minutes, default=0)
        width = minutes_width(longest)
        return histogram(self.minutes, width, max(width, math.floor(longest / width + 1) * width))

    def completions(self):
        """(day, finished that day, finished so far)."""
        total, rows = 0, []
        for day, count in by_day(self.finished_days):
            total += count
            rows.append((day, count, total))
        return rows

    def mean_score(self):
        return sum(self.scores) / len(self.scores) if self.scores else None

    def median_minutes(self):
        ordered = sorted(self.minutes)
        if not ordered:
            return None
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _bin_label(low, high, unit=""):
    return f"{low:g}–{high:g}{unit}"


def score_chart(bins):
    return bar_chart("score-chart", "Score distribution",
                     f"Number of finished attempts in each {SCORE_BIN_PERCENT}% score band.",
                     "Score (%)", "Attempts", [(_bin_label(b.low, b.high), b.count) for b in bins])


def time_chart(bins):
    return bar_chart("time-chart", "Time spent",
                     "Number of finished attempts by time spent, in minutes.",
                     "Time spent (minutes)", "Attempts", [(_bin_label(b.low, b.high), b.count) for b in bins])


def question_chart(question_figures):
    questions = [q for q in question_figures if q.kind == "question"]
    return bar_chart("question-chart", "Mean score per question",
                     "Mean mark of each question as a percentage of its maximum.",
                     "Question", "Mean score (%)", [(str(n), q.mean_percent or 0) for n, q in enumerate(questions, 1)],
                     y_top=100, whole=False, fmt=lambda v: f"{v:.0f}", names=[q.label for q in questions])


def completion_chart(completions):
    return bar_chart("completion-chart", "Completion over time",
                     "Number of attempts finished on each day (UTC).",
                     "Day", "Attempts finished", [(f"{day:%d %b}", count) for day, count, _ in completions])
