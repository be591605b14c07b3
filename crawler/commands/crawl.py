"""`scrapy crawl NAME`, refusing in one line, before any request, a bad seed, exporter or
argument, a renderer that is not configured, or a second crawl of a source already being
crawled; and exiting 1 with one line when the run could not do its job (no channel page
fetched, or pages lost to a renderer that was down) or failed a health check. A refusal is the
only line printed: Scrapy's start-up banner comes with the crawler process, made once the input
is checked."""

from __future__ import annotations

import sys
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.spiderloader import get_spider_loader

from crawler.commands import (
    SourceLock,
    arguments_error,
    crawler_process,
    preflight_error,
    refuse,
    seed_error,
)
from crawler.render import renderer_error
from crawler.report import CrawlReport
from crawler.spiders.seed import SeedSpider

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler
    from scrapy.spiderloader import SpiderLoaderProtocol


class Command(ScrapyCrawlCommand):
    # A real crawl writes its run report (crawler.report).
    default_settings: ClassVar[dict[str, Any]] = {"WRITE_REPORTS": True}
    # Made in run() once the input is checked (see crawler.commands.crawler_process).
    requires_crawler_process = False
    crawler: Crawler | None = None

    @cached_property
    def spider_loader(self) -> SpiderLoaderProtocol:
        """The project's spiders, loaded to check the input before any crawler process exists."""
        return get_spider_loader(self.settings)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's usage error, before anything is made
            return
        error = preflight_error(self.settings, opts.spargs)
        if not error:
            error = (
                seed_error(self.settings, args[0], self.spider_loader)
                or self.arguments_error(args[0], opts.spargs)
                or self.renderer_error(args[0])
            )
            if not error:
                self.lock = SourceLock(self.settings, args[0])
                error = self.lock.acquire()
        if error:
            self.exitcode = refuse(error)
            return
        self.crawler_process = crawler_process(self.settings)
        super().run(args, opts)
        report = self.crawler.get_extension(CrawlReport) if self.crawler else None
        if report is not None and report.failed_checks:
            # Printed at the end, one line each, whatever the log level or LOG_FILE.
            for failed in report.failed_checks:
                print(f"unhealthy: {failed['message']}", file=sys.stderr)
            self.exitcode = 1
        if report is not None and report.error:
            self.exitcode = refuse(report.error)

    def _create_crawler(self, spname: str) -> Crawler:
        # Kept, to read the run's outcome once it is over.
        self.crawler = super()._create_crawler(spname)
        return self.crawler

    def arguments_error(self, name: str, arguments: dict[str, str]) -> str | None:
        """A seed's spider takes only its own arguments: a typo (``-a sinse=``) is refused."""
        return arguments_error(self.spider_loader.load(name), arguments)

    def renderer_error(self, name: str) -> str | None:
        """A seed whose renderer is not configured here (no SPLASH_URL, no Chromium)."""
        spider = self.spider_loader.load(name)
        if not issubclass(spider, SeedSpider):
            return None
        return renderer_error(spider.source, self.settings)
