"""`scrapy crawl NAME`, refusing in one line, before any request, a bad seed, exporter or
argument, or a second crawl of a source already being crawled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.commands import SourceLock, preflight_error, refuse
from crawler.seeds import SeedError

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        error = preflight_error(self.settings, opts.spargs)
        if not error and len(args) == 1:
            error = self.seed_error(args[0])
            if not error:
                self.lock = SourceLock(self.settings, args[0])
                error = self.lock.acquire()
        if error:
            self.exitcode = refuse(error)
            return
        super().run(args, opts)

    def seed_error(self, name: str) -> str | None:
        try:
            self.crawler_process.spider_loader.load(name)
        except SeedError as exc:
            return f"bad seed: {exc}"
        except KeyError as exc:
            return f"{exc.args[0]} (no such seed in {self.settings.get('SEEDS_DIR')}/)"
        return None
