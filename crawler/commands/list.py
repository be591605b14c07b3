"""`scrapy list`: every usable seed, and one line on stderr for each refused one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands.list import Command as ScrapyListCommand
from scrapy.spiderloader import get_spider_loader

from crawler.commands import refuse

if TYPE_CHECKING:
    import argparse


class Command(ScrapyListCommand):
    def short_desc(self) -> str:
        return "List the spiders made from seed files, and the seed files refused"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        seeds = Path(self.settings.get("SEEDS_DIR"))
        if not seeds.is_dir():
            self.exitcode = refuse(f"no seed folder at {seeds}/ (SEEDS_DIR)")
            return
        spider_loader = get_spider_loader(self.settings)
        print("\n".join(sorted(spider_loader.list())))
        errors = getattr(spider_loader, "errors", {})
        for error in errors.values():
            self.exitcode = refuse(f"bad seed: {error}")
