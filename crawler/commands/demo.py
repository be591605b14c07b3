"""`scrapy demo`: serve the bundled sample site on 127.0.0.1 and crawl it into OUTPUT_DIR."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from scrapy.commands import BaseRunSpiderCommand

from crawler.commands import SourceLock, preflight_error, refuse
from crawler.demo.server import SiteServer
from crawler.seeds import SeedError

if TYPE_CHECKING:
    import argparse

DEMO_SEED = "demo"


class Command(BaseRunSpiderCommand):
    # A real crawl writes its run report (crawler.report).
    default_settings: ClassVar[dict[str, Any]] = {"WRITE_REPORTS": True}
    requires_project = True

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Crawl the bundled sample site offline (seeds/demo.toml) into OUTPUT_DIR"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process
        error = preflight_error(self.settings, opts.spargs)
        if not error:
            self.lock = SourceLock(self.settings, DEMO_SEED)
            error = self.lock.acquire()
        if error:
            self.exitcode = refuse(error)
            return
        try:
            spider = self.crawler_process.spider_loader.load(DEMO_SEED)
        except (SeedError, KeyError) as exc:
            self.exitcode = refuse(f"the demo needs seeds/{DEMO_SEED}.toml: {exc}")
            return
        port = urlsplit(spider.source.channels[0].url).port
        try:
            server = SiteServer(port=port).start()
        except OSError as exc:
            self.exitcode = refuse(f"cannot serve the demo site on 127.0.0.1:{port}: {exc}")
            return
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
