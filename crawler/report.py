"""The crawl's closing summary: logged, and written to output/reports/<source>/<run>.json."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from scrapy import signals

from crawler.runs import Run

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler


def _group(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)}


def counted(number: int, noun: str) -> str:
    """ "1 listing page", "2 listing pages"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class CrawlReport:
    """Figures of the crawl from its stats, for the log and the run's report file."""

    # Where the report is written: a template of the run's values and the spider's name.
    PATH = "%(output_dir)s/reports/%(source)s/%(run_id)s.json"

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        # Why the run failed, once it is closed (the crawl command exits 1 with it).
        self.error: str | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def figures(self, spider: Spider, reason: str) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats()
        return {
            "source": spider.name,
            "run": Run.of(self.crawler).id,
            "finish_reason": reason,
            "listing_pages": stats.get("listing/pages", 0),
            "article_pages": stats.get("article/pages", 0),
            "exported": stats.get("articles/exported", 0),
            "dropped": _group(stats, "articles/dropped/"),
            "failed_pages": _group(stats, "article/failed/"),
            "failed_channel_pages": _group(stats, "listing/failed/"),
            "not_http_links": stats.get("listing/skipped/not_http", 0),
            "skipped_links": _group(stats, "listing/skipped/"),
            # Counted by Scrapy's OffsiteMiddleware, the one filter of offsite requests.
            "offsite_filtered": stats.get("offsite/filtered", 0),
            "export_errors": _group(stats, "export/errors/"),
            # Articles an exporter had written in an earlier run (another one had failed).
            "export_skipped": _group(stats, "export/skipped/"),
            "images": {
                "kept": stats.get("images/kept", 0),
                "removed": stats.get("images/removed", 0),
                "failed": _group(stats, "images/failed/"),
            },
            "requests": stats.get("downloader/request_count", 0),
            "seconds": round(stats.get("elapsed_time_seconds", 0.0), 3),
        }

    def error_of(self, figures: dict[str, Any]) -> str | None:
        """Why the run could not do its job, in one line, or None: not one channel page was
        fetched (nothing listening, 5xx, timeouts, robots.txt forbidding them, ...)."""
        failed = figures["failed_channel_pages"]
        if figures["listing_pages"] == 0 and failed:
            reasons = ", ".join(f"{reason} ×{count}" for reason, count in failed.items())
            return f"no channel page of {figures['source']} could be fetched ({reasons})"
        return None

    def spider_closed(self, spider: Spider, reason: str) -> None:
        figures = self.figures(spider, reason)
        # A component that stopped the run at its start put its one line in run/error.
        stopped = self.crawler.stats.get_value("run/error")
        figures["error"] = self.error = stopped or self.error_of(figures)
        spider.logger.info(
            "Summary of %s: %s exported from %s and %s; "
            "dropped %s; failed pages %s; failed channel pages %s; offsite links filtered %d; "
            "export errors %s",
            spider.name,
            counted(figures["exported"], "article"),
            counted(figures["article_pages"], "article page"),
            counted(figures["listing_pages"], "listing page"),
            figures["dropped"] or "none",
            figures["failed_pages"] or "none",
            figures["failed_channel_pages"] or "none",
            figures["offsite_filtered"],
            figures["export_errors"] or "none",
        )
        if self.error:
            spider.logger.error("The crawl failed: %s", self.error)
        if self.crawler.settings.getbool("WRITE_REPORTS"):
            path = Run.of(self.crawler).fill(self.PATH, source=spider.name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
