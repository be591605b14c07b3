"""report.html rendered from the sources' histories by Jinja2 with every value HTML-escaped
(autoescape): one static page, its chart inline SVG and its style inline, no script, nothing
loaded from anywhere (its Content-Security-Policy tells the browser so too)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING

from jinja2 import Environment, StrictUndefined

from crawler.dashboard.chart import Chart, chart

if TYPE_CHECKING:
    from datetime import datetime

    from crawler.dashboard.history import RunSummary, SourceHistory

TEMPLATE = "report.html.j2"
# The coverage figures of a run report, as the page names them.
COVERAGE_LABELS = {
    "author": "an author other than the site's name",
    "date": "a date from the page",
    "headimg": "a head image",
    "text": "a text over 200 characters",
}


@dataclass(frozen=True)
class SourceView:
    history: SourceHistory
    chart: Chart | None

    @property
    def last(self) -> RunSummary | None:
        return self.history.last

    @property
    def coverage_run(self) -> RunSummary | None:
        """The newest run that exported articles, whose coverage is shown (the last run's
        shares are empty when it found nothing new); else the last run."""
        for run in reversed(self.history.runs):
            if run.coverage_articles:
                return run
        return self.last

    @property
    def state(self) -> str:
        """ "bad seed", "no run", or the last run's health: "failed", "ok" or "unknown"."""
        if self.history.seed_error:
            return "bad seed"
        if self.last is None:
            return "no run"
        return "failed" if self.last.failed else self.last.health


def utc(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def figure(value: int | None) -> str:
    return "—" if value is None else str(value)


def environment() -> Environment:
    """Jinja2 with autoescape on for every template, whatever its name."""
    env = Environment(
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    env.filters.update(utc=utc, percent=percent, figure=figure)
    return env


def render_page(
    histories: list[SourceHistory], problems: list[str], *, generated: datetime, output_dir: str
) -> str:
    """The page: an overview of every source, then each one's last run (health, figures,
    coverage), its chart of new articles per run and its latest articles."""
    template = environment().from_string(
        files("crawler.dashboard").joinpath(TEMPLATE).read_text("utf-8")
    )
    sources = [SourceView(history, chart(history.runs)) for history in histories]
    return template.render(
        sources=sources,
        problems=problems,
        generated=generated,
        output_dir=output_dir,
        failing=sum(source.state in ("failed", "bad seed") for source in sources),
        coverage_labels=COVERAGE_LABELS,
    )
