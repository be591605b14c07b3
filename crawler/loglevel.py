"""Log messages below LOG_LEVEL never built: the loggers set to the level Scrapy's handler keeps."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.utils.log import get_scrapy_root_handler

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

# Loggers that Scrapy (its DEFAULT_LOGGING) or Python leaves at a level below LOG_LEVEL: the root
# logger (NOTSET, so every logger without a level of its own, Pillow's among them) and "scrapy"
# (DEBUG).
LOGGERS = ("", "scrapy")


def handled_level() -> int:
    """The least level that any handler of the root logger keeps; NOTSET (0) when one keeps
    every record (a handler of one's own, pytest's log capture) or Scrapy installed none."""
    handlers = logging.root.handlers
    if get_scrapy_root_handler() not in handlers:
        return logging.NOTSET
    return min(handler.level for handler in handlers)


def skip_records_below(level: int) -> None:
    """LOGGERS set to ``level`` where theirs is lower: a call below it returns at once instead
    of building a record that every handler then drops."""
    if level <= logging.NOTSET:
        return
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < level:
            logger.setLevel(level)


class LogLevel:
    """An extension (EXTENSIONS). Scrapy drops what is below LOG_LEVEL in its root handler, but
    leaves the loggers at NOTSET or DEBUG, so each debug call below it still builds its record
    (the caller's frame found, the record made, the handlers walked), about 4.6 µs: four for
    every image (Scrapy's "Crawled" and "File (downloaded)" lines, two of Pillow's PNG chunk
    lines), one for every page and item. When the engine starts (the crawler's handler, with its
    seed's LOG_LEVEL, installed by then), the loggers are set to the least level any handler of
    the root logger keeps: the same lines are written and counted (log_count/<level>), the
    others are not built. Nothing changes where a handler keeps every level."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls()
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        skip_records_below(handled_level())
