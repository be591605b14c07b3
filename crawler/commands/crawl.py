"""`scrapy crawl NAME`, refusing in one line, before any request, a bad seed, exporter or
argument, a renderer that is not configured, or a second crawl of a source already being
crawled; and exiting 1 with one line when the run could not do its job (no channel page
fetched, or pages lost to a renderer that was down) or failed a health check."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.commands import SourceLock, preflight_error, refuse
from crawler.render import renderer_error
from crawler.report import CrawlReport
from crawler.seeds import SeedError
from crawler.spiders.seed import SeedSpider

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler


class Command(ScrapyCrawlCommand):
    # A real crawl writes its run report (crawler.report).
    default_settings: ClassVar[dict[str, Any]] = {"WRITE_REPORTS": True}
    crawler: Crawler | None = None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        error = preflight_error(self.settings, opts.spargs)
        if not error and len(args) == 1:
            error = (
                self.seed_error(args[0])
                or self.arguments_error(args[0], opts.spargs)
                or self.renderer_error(args[0])
            )
            if not error:
                self.lock = SourceLock(self.settings, args[0])
                error = self.lock.acquire()
        if error:
            self.exitcode = refuse(error)
            return
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
        spider = self.crawler_process.spider_loader.load(name)
        if not issubclass(spider, SeedSpider):
            return None  # a spider of one's own takes what it takes
        unknown = sorted(set(arguments) - set(SeedSpider.ARGUMENTS))
        if unknown:
            known = ", ".join(sorted(SeedSpider.ARGUMENTS))
            return f"-a {unknown[0]}: no such argument of a seed's crawl (arguments: {known})"
        return None

    def renderer_error(self, name: str) -> str | None:
        """A seed whose renderer is not configured here (no SPLASH_URL, no Chromium)."""
        spider = self.crawler_process.spider_loader.load(name)
        if not issubclass(spider, SeedSpider):
            return None
        return renderer_error(spider.source, self.settings)

    def seed_error(self, name: str) -> str | None:
        try:
            self.crawler_process.spider_loader.load(name)
        except SeedError as exc:
            return f"bad seed: {exc}"
        except KeyError as exc:
            return f"{exc.args[0]} (no such seed in {self.settings.get('SEEDS_DIR')}/)"
        return None
