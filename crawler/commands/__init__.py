"""Custom `scrapy` commands (COMMANDS_MODULE): demo, and crawl/list/parse/shell that report bad
input (a bad seed, argument or ``-s`` setting) in one line; the helpers they share."""

from __future__ import annotations

import difflib
import fcntl
import sys
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.crawler import AsyncCrawlerProcess, CrawlerProcess
from scrapy.spiderloader import get_spider_loader

from crawler.distributed import distributed_error, is_distributed
from crawler.exporters import check_exporters
from crawler.health import health_error
from crawler.runs import run_id_error
from crawler.seed_settings import cmdline_error
from crawler.seeds import SeedError
from crawler.spiders.seed import SeedSpider
from crawler.stores import default_uri, store_error

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import CrawlerProcessBase
    from scrapy.settings import BaseSettings, Settings
    from scrapy.spiderloader import SpiderLoaderProtocol

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


def refuse(message: str) -> int:
    """Print one error line for the user; the exit status to leave with."""
    print(f"error: {message}", file=sys.stderr)
    return 1


def crawler_process(settings: Settings) -> CrawlerProcessBase:
    """The crawler process `scrapy` would make for the command (as scrapy.cmdline.execute
    does), made by a command with ``requires_crawler_process = False`` once its input is
    checked: the process logs Scrapy's start-up banner, so a refusal's one line comes alone."""
    if (
        settings.get("TWISTED_REACTOR") == ASYNCIO_REACTOR
        and not settings.getbool("FORCE_CRAWLER_PROCESS")
    ) or not settings.getbool("TWISTED_REACTOR_ENABLED", True):
        return AsyncCrawlerProcess(settings)
    return CrawlerProcess(settings)


def seed_error(
    settings: BaseSettings, name: str, loader: SpiderLoaderProtocol | None = None
) -> str | None:
    """Why spider ``name`` cannot be made, in one line (a bad seed file, or no such seed);
    None when it can. ``loader``: the project's spider loader, if one is at hand."""
    try:
        (loader or get_spider_loader(settings)).load(name)
    except SeedError as exc:
        return f"bad seed: {exc}"
    except KeyError:
        return no_such_spider(settings, name, loader)
    return None


def no_such_spider(settings: BaseSettings, name: str, loader: Any = None) -> str:
    """The one line for a spider name that no seed file (and no spider of one's own) has; with
    the closest spider name when one is close (difflib's ratio 0.6: "dmeo" -> "demo")."""
    line = f"no such spider: {name} (no seed {name}.toml in {settings.get('SEEDS_DIR')}/)"
    try:
        names = (loader or get_spider_loader(settings)).list()
    except Exception:  # a folder the loader cannot list: the line without a guess
        names = []
    close = difflib.get_close_matches(name, names, n=1)
    return f"{line}; did you mean {close[0]}?" if close else line


class SpiderOptionChecked:
    """A mixin for Scrapy's commands that take ``--spider NAME`` (parse, shell): a bad ``-s``
    setting (crawler.seed_settings.cmdline_error), or a bad or unknown seed, is refused in one
    line, exit status 1, before the crawler process (and its start-up banner) is made;
    otherwise the command runs as Scrapy's."""

    requires_crawler_process = False

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        name = getattr(opts, "spider", None)
        error = cmdline_error(self.settings) or (seed_error(self.settings, name) if name else None)
        if error:
            self.exitcode = refuse(error)
            return
        self.crawler_process = crawler_process(self.settings)
        super().run(args, opts)


class SourceLock:
    """One crawl of a source at a time: an exclusive lock on OUTPUT_DIR/state/<source>.lock,
    held by the crawling process until it exits, however it exits (a kill frees it too).

    The workers of a distributed crawl (REDIS_URL) share the lock instead: any number of them
    crawl the source together, while a crawl of the source on its own is refused, and refuses
    them."""

    def __init__(self, settings: BaseSettings, source: str):
        self.path = Path(settings.get("OUTPUT_DIR")) / "state" / f"{source}.lock"
        self.shared = is_distributed(settings)
        self.file: IO[str] | None = None

    def acquire(self) -> str | None:
        """None once held; else why not, in one line."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.path.open("a")
        mode = fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX
        try:
            fcntl.flock(self.file, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.close()
            if self.shared:
                return (
                    f"a crawl of {self.path.stem} without REDIS_URL is running "
                    f"(it holds {self.path})"
                )
            return f"another crawl of {self.path.stem} is running (it holds {self.path})"
        return None

    def release(self) -> None:
        """Lets the lock go (a process that exits lets it go by itself)."""
        if self.file is not None:
            self.file.close()
            self.file = None


def arguments_error(spider: type, arguments: dict[str, str]) -> str | None:
    """The first ``-a`` argument a seed's spider does not take (a typo: ``-a sinse=``), as one
    line; None when all are known, or for a spider of one's own (it takes what it takes)."""
    if not issubclass(spider, SeedSpider):
        return None
    unknown = sorted(set(arguments) - set(SeedSpider.ARGUMENTS))
    if unknown:
        # Scrapyd's own arguments (_job, _version) are taken but not the user's to give.
        known = ", ".join(sorted(a for a in SeedSpider.ARGUMENTS if not a.startswith("_")))
        return f"-a {unknown[0]}: no such argument of a seed's crawl (arguments: {known})"
    return None


def preflight_error(settings: BaseSettings, spider_args: dict[str, str]) -> str | None:
    """What would stop a crawl at its start, found before any request: one line, or None. A
    bad ``-s`` setting comes first (the checks after it read settings)."""
    error = cmdline_error(settings)
    if error:
        return error
    since = spider_args.get("since")
    if since is not None:
        try:
            date.fromisoformat(since)
        except ValueError:
            return f"-a since={since!r}: give a day as YYYY-MM-DD"
    return (
        run_id_error(settings.get("RUN_ID"))
        or health_error(settings)
        or distributed_error(settings)
        or store_error(default_uri(settings), settings)
        or check_exporters(settings)
    )
