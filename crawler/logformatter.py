"""Log lines of our own shape: a dropped article is one line with its reason and URL; the lines
of every response and item not built when their level is not logged."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.http import Response
    from twisted.python.failure import Failure

# The loggers that write Scrapy's "Crawled" (each response, images included) and "Scraped"
# (each item) lines, at DEBUG.
CRAWLED_LOGGER = logging.getLogger("scrapy.core.engine")
SCRAPED_LOGGER = logging.getLogger("scrapy.core.scraper")


class ArticleLogFormatter(LogFormatter):
    """Scrapy's, but a dropped article is not printed whole (its body can be long), and the
    "Crawled" and "Scraped" lines are not built (None: Scrapy logs nothing) when their logger
    does not log DEBUG (LOG_LEVEL above it, crawler.loglevel)."""

    def crawled(
        self, request: Request, response: Response, spider: Spider
    ) -> LogFormatterResult | None:
        if not CRAWLED_LOGGER.isEnabledFor(logging.DEBUG):
            return None
        return super().crawled(request, response, spider)

    def scraped(
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult | None:
        if not SCRAPED_LOGGER.isEnabledFor(logging.DEBUG):
            return None
        return super().scraped(item, response, spider)

    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return {**result, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}
