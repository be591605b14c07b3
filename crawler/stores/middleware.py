"""Incremental crawls: drop listed articles the seen-store says need no request."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.stores import Failed, Seen
from crawler.stores.extension import SeenStoreExtension

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class IncrementalMiddleware:
    """Reads two request meta keys the spider sets on a listing page's output:

    - ``seen_check``: ``{"listed_as_of": datetime | None}`` on an article request that may be
      skipped: it is dropped if the store has it and the listing date (when given) is not
      newer (``listing/skipped/seen``), or if it failed less than RETRY_FAILED_AFTER seconds
      ago (``listing/skipped/failed_recently``);
    - ``stop_on_seen``: ``True`` on a next listing page, dropped when every ``seen_check``
      request of the page was (``listing/stopped_on_seen``).

    A page's article requests are looked up in one batched call on the store's thread.
    """

    def __init__(self, crawler: Crawler):
        seen = crawler.get_extension(SeenStoreExtension)
        if seen is None:  # no store in this run (`scrapy extract`): nothing to skip
            raise NotConfigured
        self.seen = seen
        self.stats = crawler.stats
        self.retry_failed_after = timedelta(seconds=crawler.settings.getfloat("RETRY_FAILED_AFTER"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        output = [r async for r in result]
        checks = [r for r in output if isinstance(r, Request) and "seen_check" in r.meta]
        if not checks:
            for r in output:
                yield r
            return
        known = await maybe_deferred_to_future(self.seen.lookup(r.url for r in checks))
        now = datetime.now(UTC)
        skipped = set()
        for request in checks:
            reason = self.skip_reason(known.get(request.url), request.meta["seen_check"], now)
            if reason:
                self.stats.inc_value(f"listing/skipped/{reason}")
                skipped.add(id(request))
        stop = len(skipped) == len(checks)
        stopped = False
        for r in output:
            if id(r) in skipped:
                continue
            if stop and isinstance(r, Request) and r.meta.get("stop_on_seen"):
                stopped = True
                continue
            yield r
        if stopped:
            self.stats.inc_value("listing/stopped_on_seen")
            logger.info("Nothing new on %s: its channel stops here", response.url)

    def skip_reason(
        self, known: Seen | Failed | None, check: dict[str, Any], now: datetime
    ) -> str | None:
        """Why an article need not be requested: seen and not newer, or failed recently.

        ``check["listed_as_of"]`` is the listing date when it can tell an update, else None.
        """
        if isinstance(known, Failed):
            return "failed_recently" if now - known.at < self.retry_failed_after else None
        if known is None:
            return None
        listed_as_of = check.get("listed_as_of")
        if listed_as_of and known.newest and listed_as_of > known.newest:
            return None
        return "seen"
