"""A crawl's progress as it goes: a live line on a terminal (rich), else a periodic log line."""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.report import counted

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

MODES = ("auto", "log", "off")


def figures(stats: StatsCollector) -> dict[str, int]:
    """What progress shows, from the crawl's stats: listing pages, article links found,
    article pages fetched, articles exported, errors (failed listing and article pages,
    export errors) and responses (for the rate)."""
    values = stats.get_stats()
    errors = sum(
        value
        for key, value in values.items()
        if key.startswith(("listing/failed/", "article/failed/", "export/errors/"))
    )
    return {
        "listing": values.get("listing/pages", 0),
        "found": values.get("listing/articles_found", 0),
        "fetched": values.get("article/pages", 0),
        "exported": values.get("articles/exported", 0),
        "errors": errors,
        "responses": values.get("response_received_count", 0),
    }


def describe(numbers: dict[str, int], rate: float) -> str:
    """ "3 listing pages, 40 articles found, 35 fetched, 30 exported, 2 errors (48 pages/min)"."""
    return (
        f"{counted(numbers['listing'], 'listing page')}, "
        f"{counted(numbers['found'], 'article')} found, {numbers['fetched']} fetched, "
        f"{numbers['exported']} exported, {counted(numbers['errors'], 'error')} "
        f"({rate:.0f} pages/min)"
    )


class Progress:
    """In a real crawl (WRITE_REPORTS), with PROGRESS = "auto": on a terminal (stderr a TTY,
    no LOG_FILE) a live rich display, refreshed every REFRESH seconds, with the log printed
    above it; elsewhere, and with "log", one INFO line every PROGRESS_INTERVAL seconds, in the
    manner of Scrapy's LogStats, and one at the end. "off" shows nothing."""

    # Seconds between refreshes of the live display.
    REFRESH = 0.25

    def __init__(self, crawler: Crawler, live: bool, interval: float):
        self.stats = crawler.stats
        self.live = live
        self.interval = self.REFRESH if live else interval
        self.task: Any = None
        self.display: Any = None
        self.started = time.monotonic()
        self.last = (self.started, 0)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        mode = settings.get("PROGRESS", "auto")
        if mode not in MODES:
            raise NotConfigured(f"PROGRESS {mode!r} is not one of {', '.join(MODES)}")
        interval = settings.getfloat("PROGRESS_INTERVAL")
        if mode == "off" or interval <= 0:
            raise NotConfigured  # as asked: no message, so Scrapy logs no warning
        if not settings.getbool("WRITE_REPORTS"):
            # Only a real crawl (`scrapy crawl`, `demo`): not `shell`, `parse` or `fetch`.
            raise NotConfigured  # no message: Scrapy logs none
        live = mode == "auto" and not settings.get("LOG_FILE") and sys.stderr.isatty()
        return cls(crawler, live, interval)

    def spider_opened(self, spider: Spider) -> None:
        self.name = spider.name
        self.started = time.monotonic()
        self.last = (self.started, 0)
        if self.live:
            self.display = LiveDisplay(spider.name)
            self.display.start()
        self.task = create_looping_call(self.show)
        self.task.start(self.interval, now=False)

    def rate(self, responses: int, now: float) -> float:
        """Responses per minute: since the last line (log), or over the whole run (live)."""
        since, before = (self.started, 0) if self.live else self.last
        self.last = (now, responses)
        return (responses - before) * 60 / (now - since) if now > since else 0.0

    def show(self) -> None:
        numbers = figures(self.stats)
        now = time.monotonic()
        rate = self.rate(numbers["responses"], now)
        if self.display is not None:
            self.display.update(numbers, rate)
        else:
            logger.info("Progress of %s: %s", self.name, describe(numbers, rate))

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.show()
        if self.display is not None:
            self.display.stop()
            self.display = None


class LiveDisplay:
    """A rich Progress line for one crawl on stderr; while it shows, the log's stream handlers
    writing to stderr write through rich, above it, so that neither garbles the other."""

    def __init__(self, name: str):
        self.console = Console(file=sys.stderr)
        self.progress = RichProgress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            TextColumn("{task.fields[line]}"),
            TimeElapsedColumn(),
            console=self.console,
            redirect_stderr=True,
            redirect_stdout=False,
        )
        self.task = self.progress.add_task(name, total=None, line="starting")
        self.handlers: list[logging.StreamHandler] = []

    def start(self) -> None:
        self.progress.start()
        # rich put its proxy in sys.stderr; handlers made before still hold the real stream.
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is sys.__stderr__:
                handler.setStream(sys.stderr)
                self.handlers.append(handler)

    def update(self, numbers: dict[str, int], rate: float) -> None:
        self.progress.update(self.task, line=describe(numbers, rate))

    def stop(self) -> None:
        self.progress.refresh()
        self.progress.stop()
        for handler in self.handlers:
            handler.setStream(sys.stderr)
        self.handlers = []
