"""A webhook receiver on 127.0.0.1, in a thread: it keeps every POST's path, headers and body
and answers 204 (or ``status``)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple


class Post(NamedTuple):
    path: str
    headers: dict[str, str]
    body: bytes


class _Handler(BaseHTTPRequestHandler):
    server: Webhook

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.posts.append(
            Post(self.path, dict(self.headers.items()), self.rfile.read(length))
        )
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: ``posts`` is the log."""


class Webhook(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, status: int = 204):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.posts: list[Post] = []
        self.status = status
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/hooks/crawler?token=secret-token"

    def start(self) -> Webhook:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
