"""The chart of a source's runs, new articles per run over time with one point per run, as
coordinates and labels that the page's template draws as inline SVG."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from crawler.dashboard.history import RunSummary

# The drawing's size and the margins around the plot, in SVG user units (CSS pixels).
WIDTH, HEIGHT = 720, 180
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 28
# The top of the value axis: the first of these (times a power of ten) at or over the largest.
STEPS = (1, 2, 3, 4, 5, 6, 8)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    run: RunSummary


@dataclass(frozen=True)
class Tick:
    position: float  # x or y in the drawing
    label: str


@dataclass(frozen=True)
class Chart:
    points: tuple[Point, ...]  # one per run, oldest first
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def line(self) -> str:
        """The SVG ``points`` of the line through every run."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def axis_top(largest: int) -> int:
    """The smallest round number (1, 2, 3, 4, 5, 6, 8 times a power of ten) >= ``largest``,
    and at least 1."""
    power = 1
    while True:
        for step in STEPS:
            if step * power >= largest:
                return step * power
        power *= 10


def chart(runs: Sequence[RunSummary]) -> Chart | None:
    """The chart of ``runs`` (oldest first): x is the run's start on a linear time axis
    between the first and the last run (the middle when there is one), y its new articles;
    None when there is no run."""
    if not runs:
        return None
    top_value = axis_top(max(run.new_articles for run in runs))
    plot_width, plot_height = WIDTH - RIGHT - LEFT, HEIGHT - BOTTOM - TOP
    first, last = runs[0].time.timestamp(), runs[-1].time.timestamp()

    def x(timestamp: float) -> float:
        if last == first:
            return round(LEFT + plot_width / 2, 1)
        return round(LEFT + (timestamp - first) / (last - first) * plot_width, 1)

    def y(value: float) -> float:
        return round(TOP + plot_height - value / top_value * plot_height, 1)

    points = tuple(Point(x(run.time.timestamp()), y(run.new_articles), run) for run in runs)
    values = [0, top_value] if top_value % 2 else [0, top_value // 2, top_value]
    y_ticks = tuple(Tick(y(value), str(value)) for value in values)
    stamp = "%Y-%m-%d %H:%M:%S"
    x_ticks = (Tick(points[0].x, runs[0].time.strftime(stamp)),)
    if len(runs) > 1:
        x_ticks += (Tick(points[-1].x, runs[-1].time.strftime(stamp)),)
    return Chart(points, y_ticks, x_ticks)
