"""`scrapy seed-frontier NAME`: start a distributed run of a seed by putting its channel pages
in the shared frontier (REDIS_URL), for the workers (`scrapy crawl NAME`) to take.

The file's name is the command's: Scrapy names a command after its module.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.commands import crawler_process, refuse, seed_error
from crawler.distributed import distributed_error, is_distributed
from crawler.report import counted
from crawler.runs import Run
from crawler.seed_settings import cmdline_error

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    # Made in run() once the input is checked (see crawler.commands.crawler_process).
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"PROGRESS": "off"}

    def syntax(self) -> str:
        return "<seed>"

    def short_desc(self) -> str:
        return "Put a seed's channel pages in the shared frontier (REDIS_URL) for its workers"

    def long_desc(self) -> str:
        return (
            "Start a distributed run of a seed: its channel pages go into the frontier in "
            "Redis (REDIS_URL), where every `scrapy crawl NAME` with the same REDIS_URL takes "
            "requests from. Pages already in the frontier of a running run are not put in "
            "twice. Without it, the first worker of a run puts them in."
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError()
        name = args[0]
        if not is_distributed(self.settings):
            self.exitcode = refuse("seed-frontier needs REDIS_URL: the Redis of the frontier")
            return
        error = (
            cmdline_error(self.settings)
            or distributed_error(self.settings)
            or seed_error(self.settings, name)
        )
        if error:
            self.exitcode = refuse(error)
            return
        # Only the start requests are scheduled: no page is fetched, no item processed.
        self.settings.set(
            "SCHEDULER", "crawler.distributed.scheduler.SeedingScheduler", priority="cmdline"
        )
        self.settings.set("ITEM_PIPELINES", {}, priority="cmdline")
        process = crawler_process(self.settings)
        crawler = process.create_crawler(name)
        process.crawl(crawler)
        process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        if stats.get("run/error"):
            self.exitcode = refuse(stats["run/error"])
            return
        run = Run.of(crawler).id
        put = stats.get("scheduler/enqueued/redis", 0)
        there = stats.get("dupefilter/filtered", 0)
        print(
            f"{name}: run {run}: {counted(put, 'channel page')} put in the frontier"
            + (f", {there} already there" if there else ""),
            file=sys.stdout,
        )
