"""Bar chart geometry for server-drawn SVG: coordinates and labels only, the template draws them."""
import math
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 60, 16, 16, 64
MOST_X_LABELS = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    title: str  # what a pointer over the bar reads: its full name and value


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    desc: str
    x_label: str
    y_label: str
    bars: list
    y_ticks: list
    x_ticks: list
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


def nice_step(span, ticks=5, whole=False):
    """1, 2 or 5 times a power of ten, so about `ticks` steps cover `span`."""
    raw = span / ticks if span > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(1, math.ceil(step)) if whole else step


def bar_chart(chart_id, title, desc, x_label, y_label, values, y_top=None, whole=True, fmt=str, names=None):
    """values: (label, value) pairs, drawn left to right; y runs from 0 to y_top (or a round number).
    names: a longer name for each bar than its axis label, read over the bar."""
    step = nice_step(y_top or max((v for _, v in values), default=0), whole=whole)
    top = y_top or step * max(1, math.ceil(max((v for _, v in values), default=0) / step))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(values))
    gap = min(slot * 0.15, 6)

    def y_of(value):
        return TOP + plot_h * (1 - value / top)

    names = names or [label for label, _ in values]
    bars = [Bar(LEFT + i * slot + gap / 2, y_of(value), slot - gap, plot_h * value / top, label, fmt(value),
                f"{name}: {fmt(value)}") for i, ((label, value), name) in enumerate(zip(values, names))]
    y_ticks = [Tick(y_of(i * step), fmt(i * step)) for i in range(round(top / step) + 1)]
    every = math.ceil(len(values) / MOST_X_LABELS) or 1
    x_ticks = [Tick(bar.x + bar.width / 2, bar.label) for bar in bars[::every]]
    return BarChart(chart_id, title, desc, x_label, y_label, bars, y_ticks, x_ticks)
