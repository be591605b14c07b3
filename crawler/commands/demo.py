"""`scrapy demo`: serve the bundled sample site on 127.0.0.1 and crawl it into OUTPUT_DIR."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from scrapy.commands import BaseRunSpiderCommand
from scrapy.spiderloader import get_spider_loader

from crawler.commands import (
    SourceLock,
    arguments_error,
    crawler_process,
    preflight_error,
    refuse,
)
from crawler.demo.server import SiteServer
from crawler.seeds import SeedError

if TYPE_CHECKING:
    import argparse

DEMO_SEED = "demo"


class Command(BaseRunSpiderCommand):
    # A real crawl writes its run report (crawler.report).
    default_settings: ClassVar[dict[str, Any]] = {"WRITE_REPORTS": True}
    # The demo's site is on this machine: no need to wait between its pages. Set over
    # settings.py (a command's default_settings rank below it); a seed's [settings] and -s win.
    LOCAL_SITE: ClassVar[dict[str, Any]] = {"AUTOTHROTTLE_ENABLED": False}
    requires_project = True
    # Made in run() once the input is checked: no banner before a refusal's one line.
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Crawl the bundled sample site offline (seeds/demo.toml) into OUTPUT_DIR"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        error = preflight_error(self.settings, opts.spargs)
        if not error:
            try:
                spider = get_spider_loader(self.settings).load(DEMO_SEED)
            except (SeedError, KeyError) as exc:
                error = f"the demo needs seeds/{DEMO_SEED}.toml: {exc}"
            else:
                error = arguments_error(spider, opts.spargs)
        if not error:
            self.lock = SourceLock(self.settings, DEMO_SEED)
            error = self.lock.acquire()
        if error:
            self.exitcode = refuse(error)
            return
        port = urlsplit(spider.source.channels[0].url).port
        try:
            server = SiteServer(port=port).start()
        except OSError as exc:
            self.exitcode = refuse(f"cannot serve the demo site on 127.0.0.1:{port}: {exc}")
            return
        self.settings.setdict(self.LOCAL_SITE, priority="project")
        self.crawler_process = crawler_process(self.settings)
        try:
            self.crawler_process.crawl(spider, **opts.spargs)
            self.crawler_process.start()
        finally:
            server.stop()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        else:
            output = self.settings.get("OUTPUT_DIR")
            print(f"Demo done: {len(server.hits)} requests served; see {output}/", file=sys.stderr)
