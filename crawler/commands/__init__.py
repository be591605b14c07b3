"""Custom `scrapy` commands (COMMANDS_MODULE): demo, and crawl/list that report bad input in
one line."""

from __future__ import annotations

import fcntl
import sys
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING

from crawler.exporters import check_exporters
from crawler.health import health_error
from crawler.runs import run_id_error
from crawler.stores import default_uri, store_error

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def refuse(message: str) -> int:
    """Print one error line for the user; the exit status to leave with."""
    print(f"error: {message}", file=sys.stderr)
    return 1


class SourceLock:
    """One crawl of a source at a time: an exclusive lock on OUTPUT_DIR/state/<source>.lock,
    held by the crawling process until it exits, however it exits (a kill frees it too)."""

    def __init__(self, settings: BaseSettings, source: str):
        self.path = Path(settings.get("OUTPUT_DIR")) / "state" / f"{source}.lock"
        self.file: IO[str] | None = None

    def acquire(self) -> str | None:
        """None once held; else why not, in one line."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.path.open("a")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.close()
            return f"another crawl of {self.path.stem} is running (it holds {self.path})"
        return None

    def release(self) -> None:
        """Lets the lock go (a process that exits lets it go by itself)."""
        if self.file is not None:
            self.file.close()
            self.file = None


def preflight_error(settings: BaseSettings, spider_args: dict[str, str]) -> str | None:
    """What would stop a crawl at its start, found before any request: one line, or None."""
    since = spider_args.get("since")
    if since is not None:
        try:
            date.fromisoformat(since)
        except ValueError:
            return f"-a since={since!r}: give a day as YYYY-MM-DD"
    return (
        run_id_error(settings.get("RUN_ID"))
        or health_error(settings)
        or store_error(default_uri(settings), settings)
        or check_exporters(settings)
    )
