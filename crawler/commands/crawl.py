"""`scrapy crawl NAME`, refusing a bad or unknown seed in one line instead of a traceback."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.seeds import SeedError

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        since = opts.spargs.get("since")
        if since is not None:
            try:
                date.fromisoformat(since)
            except ValueError:
                print(f"error: -a since={since!r}: give a day as YYYY-MM-DD", file=sys.stderr)
                self.exitcode = 1
                return
        try:
            super().run(args, opts)
        except SeedError as exc:
            print(f"error: bad seed: {exc}", file=sys.stderr)
            self.exitcode = 1
        except KeyError as exc:
            seeds_dir = self.settings.get("SEEDS_DIR")
            print(f"error: {exc.args[0]} (no such seed in {seeds_dir}/)", file=sys.stderr)
            self.exitcode = 1
