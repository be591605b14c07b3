"""`scrapy check`: the seeds checked as `scrapy crawl` checks them (one line for each refused
seed, exit status 1), then Scrapy's contracts of the spiders of one's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.check import Command as ScrapyCheckCommand

from crawler.commands import refuse

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCheckCommand):
    def short_desc(self) -> str:
        return "Check every seed file, then the contracts of the spiders of one's own"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        spider_loader = self.crawler_process.spider_loader
        errors = getattr(spider_loader, "errors", {})
        for name, error in sorted(errors.items()):
            if not args or name in args:
                refuse(f"bad seed: {error}")
        print(f"{len(spider_loader.list())} spiders load; {len(errors)} seed files refused")
        super().run([a for a in args if a not in errors], opts)
        if any(not args or name in args for name in errors):
            self.exitcode = 1
