"""One line, no traceback, where Scrapy logs a routine network failure with a traceback: the
filter, and the extension that sets it on those loggers."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

# Scrapy's loggers that log an expected failure (a refused connection, a timeout) with its
# traceback. RobotsTxtMiddleware: "Error downloading <GET …>: <the error>" for a robots.txt that
# could not be fetched; the line says all (its count: robotstxt/exception_count/<type>).
ROUTINE_FAILURE_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt",)


class WithoutTraceback(logging.Filter):
    """Keeps a record's line and drops its traceback (``exc_info``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = record.exc_text = None
        return True


def without_tracebacks(name: str) -> None:
    """Set WithoutTraceback on logger ``name``, once however often it is asked."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, WithoutTraceback) for f in logger.filters):
        logger.addFilter(WithoutTraceback())


class DownloadErrorWithoutTraceback(logging.Filter):
    """Keeps the line of Scrapy's scraper's "Error downloading <GET …>" (a request without an
    errback: `scrapy parse`'s, `scrapy fetch`'s), with the error's message added, and drops
    its traceback; the scraper's other
    records, a spider's own errors among them, keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Error downloading"):
            error = record.exc_info[1] if record.exc_info else None
            if error is not None:
                # The reason, which only the traceback held, kept on the line.
                from crawler.exporters import one_line

                record.msg = f"{record.msg}: {one_line(error).replace('%', '%%')}"
            record.exc_info = record.exc_text = None
        return True


class OneLineFailures:
    """An extension (EXTENSIONS): ROUTINE_FAILURE_LOGGERS log their failures in one line, and
    so does the scraper a download error of a request without an errback."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        for name in ROUTINE_FAILURE_LOGGERS:
            without_tracebacks(name)
        scraper = logging.getLogger("scrapy.core.scraper")
        if not any(isinstance(f, DownloadErrorWithoutTraceback) for f in scraper.filters):
            scraper.addFilter(DownloadErrorWithoutTraceback())
        return cls()
