"""`scrapy check`: the ``-s`` settings and the seeds checked as `scrapy crawl` checks them (one
line for each refused seed or a bad setting, exit status 1), then Scrapy's contracts of the
spiders of one's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.check import Command as ScrapyCheckCommand

from crawler.commands import crawler_process, no_such_spider, refuse
from crawler.seed_settings import cmdline_error

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCheckCommand):
    # Made in run() once the -s settings are checked (see crawler.commands.crawler_process).
    requires_crawler_process = False

    def short_desc(self) -> str:
        return "Check every seed file, then the contracts of the spiders of one's own"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        error = cmdline_error(self.settings)
        if error:
            self.exitcode = refuse(error)
            return
        self.crawler_process = crawler_process(self.settings)
        spider_loader = self.crawler_process.spider_loader
        errors = getattr(spider_loader, "errors", {})
        for name, error in sorted(errors.items()):
            if not args or name in args:
                refuse(f"bad seed: {error}")
        unknown = [a for a in args if a not in errors and a not in spider_loader.list()]
        for name in unknown:
            refuse(no_such_spider(self.settings, name))
        # Counted over the spiders named, when some are.
        loaded = [n for n in spider_loader.list() if not args or n in args]
        refused = [n for n in errors if not args or n in args]
        loads = "1 spider loads" if len(loaded) == 1 else f"{len(loaded)} spiders load"
        files = "1 seed file" if len(refused) == 1 else f"{len(refused)} seed files"
        print(f"{loads}; {files} refused")
        rest = [a for a in args if a not in errors and a not in unknown]
        if rest or not args:  # none left of those named: not every spider instead
            super().run(rest, opts)
        if unknown or any(not args or name in args for name in errors):
            self.exitcode = 1
