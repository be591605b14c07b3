"""`scrapy splash install|start|stop|status`: a Splash 3.5 server on 127.0.0.1 for seeds with
render = "splash", without Docker (crawler.render.splash_server)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.commands import refuse
from crawler.render.splash_server import SplashError, SplashServer, install
from crawler.seed_settings import cmdline_error

if TYPE_CHECKING:
    import argparse

ACTIONS = ("install", "start", "stop", "status")


class Command(ScrapyCommand):
    requires_project = True
    # It says what it did in one printed line: Scrapy's start-up banner would only bury it.
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}
    # No crawl: no crawler process, whose logging set-up would fail on a bad -L with a
    # traceback; the -s and -L values are checked in run().
    requires_crawler_process = False

    def syntax(self) -> str:
        return "install|start|stop|status [options]"

    def short_desc(self) -> str:
        return "Install, start, stop or show a local Splash server (SPLASH_URL) without Docker"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--port", type=int, default=8050, help="port on 127.0.0.1 (0: any free port)"
        )
        parser.add_argument("--slots", type=int, default=4, help="pages rendered at once")
        parser.add_argument(
            "--max-timeout", type=float, default=90, help="longest render allowed (seconds)"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or args[0] not in ACTIONS:
            raise UsageError(f"give one of {', '.join(ACTIONS)}")
        error = cmdline_error(self.settings)
        if error:
            self.exitcode = refuse(error)
            return
        venv = Path(self.settings.get("SPLASH_VENV"))
        server = SplashServer(venv, Path(self.settings.get("OUTPUT_DIR")) / "state", opts.port)
        try:
            if args[0] == "install":
                install(venv)
                print(f"Splash installed in {venv}; `scrapy splash start` runs it")
            elif args[0] == "start":
                pid = server.start(slots=opts.slots, max_timeout=opts.max_timeout)
                print(f"Splash runs at {server.url} (pid {pid}): -s SPLASH_URL={server.url}")
            elif args[0] == "stop":
                if not server.stop():
                    self.exitcode = refuse(f"Splash is not running on port {server.port}")
                    return
                print(f"Splash on port {server.port} stopped")
            else:
                print(server.status())
                if not server.running():
                    self.exitcode = 3
        except SplashError as exc:
            self.exitcode = refuse(str(exc))
