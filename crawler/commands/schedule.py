"""`scrapy schedule [--once] [--seed NAME]`: crawl each seed when its `schedule` falls due."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.utils.log import configure_logging

from crawler.commands import no_such_spider, refuse
from crawler.schedule import Scheduler
from crawler.seed_settings import cmdline_error
from crawler.seeds import SeedError, load_seed

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--once] [--seed NAME]"

    def short_desc(self) -> str:
        return "Run each seed's crawl when its schedule (a cron expression) falls due"

    def long_desc(self) -> str:
        return (
            "Run each seed's crawl when its schedule (a cron expression) falls due, as a "
            "`scrapy crawl` subprocess logging to OUTPUT_DIR/logs/<seed>/<run>.log, until "
            "SIGTERM or SIGINT; --once runs what is due now and exits (for cron and systemd "
            "timers); --seed NAME limits it to one seed, run at once, due or not. Options "
            "given with -s and -L are passed on to every crawl."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--once", action="store_true", help="run the crawls due now, wait for them, exit"
        )
        parser.add_argument(
            "--seed", metavar="NAME", help="only this seed, run now whether due or not"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args:
            self.exitcode = refuse(f"unexpected arguments: {' '.join(args)} (see --help)")
            return
        # Passed on to every crawl, which would refuse a bad one: refused here once instead.
        error = cmdline_error(self.settings)
        if error:
            self.exitcode = refuse(error)
            return
        if opts.seed:
            seeds_dir = Path(self.settings.get("SEEDS_DIR"))
            path = seeds_dir / f"{opts.seed}.toml"
            if "/" in opts.seed or not path.is_file():
                self.exitcode = refuse(no_such_spider(self.settings, opts.seed))
                return
            try:
                load_seed(path)
            except SeedError as exc:
                self.exitcode = refuse(f"bad seed: {exc}")
                return
        configure_logging(self.settings)
        # What the scheduler was given on its command line, passed on to every crawl.
        arguments = [part for setting in opts.set for part in ("-s", setting)]
        if opts.loglevel:
            arguments += ["-L", opts.loglevel]
        self.exitcode = Scheduler(self.settings, arguments, only=opts.seed).run(once=opts.once)
