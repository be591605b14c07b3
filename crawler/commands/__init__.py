"""Custom `scrapy` commands (COMMANDS_MODULE): demo, and crawl/list that report bad input in
one line."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

from crawler.exporters import check_exporters

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def refuse(message: str) -> int:
    """Print one error line for the user; the exit status to leave with."""
    print(f"error: {message}", file=sys.stderr)
    return 1


def preflight_error(settings: BaseSettings, spider_args: dict[str, str]) -> str | None:
    """What would stop a crawl at its start, found before any request: one line, or None."""
    since = spider_args.get("since")
    if since is not None:
        try:
            date.fromisoformat(since)
        except ValueError:
            return f"-a since={since!r}: give a day as YYYY-MM-DD"
    return check_exporters(settings)
