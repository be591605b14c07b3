"""A static site on 127.0.0.1, in a thread, keeping a log of every request it answers."""

from __future__ import annotations

import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

SITE_DIR = Path(__file__).parent / "site"


class Hit(NamedTuple):
    """One request the site answered."""

    path: str
    status: int
    headers: dict[str, str]
    # When it was answered: time.monotonic() seconds.
    at: float = 0.0


class _Handler(SimpleHTTPRequestHandler):
    server: SiteServer

    def do_GET(self) -> None:
        if self.server.delay:
            time.sleep(self.server.delay)
        super().do_GET()

    def translate_path(self, path: str) -> str:
        """A file named ``<name>@<query>`` answers ``<name>?<query>`` (pages told apart by their
        query string, such as ``story.html?page=2``); any other query is ignored, as usual."""
        found = super().translate_path(path)
        query = urlsplit(path).query
        if query and Path(f"{found}@{query}").is_file():
            return f"{found}@{query}"
        return found

    def end_headers(self) -> None:
        for name, value in self.server.extra_headers.get(urlsplit(self.path).path, {}).items():
            self.send_header(name, value)
        super().end_headers()

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        status = int(code) if str(code).isdigit() else 0
        self.server.hits.append(
            Hit(self.path, status, dict(self.headers.items()), time.monotonic())
        )

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the hits list is the log."""


class SiteServer(ThreadingHTTPServer):
    """Serves ``root`` until ``stop()``; ``hits`` lists what was asked, in order.

    ``delay`` seconds pass before each answer (a slow site, for tests); it can be changed live,
    and so can ``extra_headers``: more headers sent with the file at a path (``{"/a.xml.gz":
    {"Content-Encoding": "gzip"}}``). A file ``x.html@page=2`` answers ``x.html?page=2``.
    """

    daemon_threads = True

    def __init__(
        self,
        root: Path | str = SITE_DIR,
        port: int = 0,
        host: str = "127.0.0.1",
        delay: float = 0.0,
    ):
        super().__init__((host, port), partial(_Handler, directory=str(root)))
        self.hits: list[Hit] = []
        self.delay = delay
        self.extra_headers: dict[str, dict[str, str]] = {}
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]
