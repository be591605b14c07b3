"""`scrapy crawl NAME`, refusing a bad seed, exporter or argument in one line, before any
request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.commands import preflight_error, refuse
from crawler.seeds import SeedError

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        error = preflight_error(self.settings, opts.spargs)
        if error:
            self.exitcode = refuse(error)
            return
        try:
            super().run(args, opts)
        except SeedError as exc:
            self.exitcode = refuse(f"bad seed: {exc}")
        except KeyError as exc:
            seeds_dir = self.settings.get("SEEDS_DIR")
            self.exitcode = refuse(f"{exc.args[0]} (no such seed in {seeds_dir}/)")
