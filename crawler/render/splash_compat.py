"""scrapy-splash 0.11.1 (its latest release) made to work on the Scrapy we depend on (2.19):
its request, response, fingerprinter and middlewares, each upstream defect fixed here with a
comment. Import scrapy-splash's names from this module, never from ``scrapy_splash``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import scrapy.utils.url
import w3lib.url

# Defect 1: scrapy_splash.request and .dupefilter import canonicalize_url from
# scrapy.utils.url, which no longer has it (it lives in w3lib.url, where Scrapy took it from),
# so `import scrapy_splash` fails. The name is put back before scrapy_splash is imported.
if not hasattr(scrapy.utils.url, "canonicalize_url"):
    scrapy.utils.url.canonicalize_url = w3lib.url.canonicalize_url

import scrapy_splash
from scrapy_splash import (
    SplashJsonResponse,
    SplashRequest,
    SplashRequestFingerprinter,
    SplashResponse,
    SplashTextResponse,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable

    from scrapy import Request
    from scrapy.http import Response

__all__ = [
    "SplashDeduplicateArgsMiddleware",
    "SplashJsonResponse",
    "SplashMiddleware",
    "SplashRequest",
    "SplashRequestFingerprinter",
    "SplashResponse",
    "SplashTextResponse",
]


class SplashMiddleware(scrapy_splash.SplashMiddleware):
    """scrapy-splash's downloader middleware.

    Defect 3: with its default slot policy (per domain) it asks the downloader for a request's
    slot through ``Downloader._get_slot_key(request, spider)``, which Scrapy removed for the
    public ``get_slot_key(request)``; every Splash request failed with AttributeError.

    Its ``process_request``/``process_response`` also require a ``spider`` argument, which
    Scrapy deprecates (a warning per crawl): these take it as optional and pass the crawler's.
    """

    def _get_slot_key(self, request_or_response: Any) -> str:
        return self.crawler.engine.downloader.get_slot_key(request_or_response)

    def process_request(self, request: Request, spider: Any = None) -> Request | None:
        return super().process_request(request, spider or self.crawler.spider)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        return super().process_response(request, response, spider or self.crawler.spider)


class SplashDeduplicateArgsMiddleware(scrapy_splash.SplashDeduplicateArgsMiddleware):
    """scrapy-splash's spider middleware: a Splash argument listed in ``cache_args`` (our Lua
    script) is kept once in the spider's state, not in every request of the queue.

    Defect 2: its ``process_spider_output`` is a plain generator, and Scrapy now refuses a
    spider middleware without asynchronous output (``doesn't support asynchronous spider
    output``), so the crawl did not start. Both forms are given here. Its
    ``process_start_requests`` is no longer called by Scrapy (``process_start`` replaced it), so
    the state it sets up is set up when the spider opens, and start requests go through
    ``process_start``.
    """

    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SplashDeduplicateArgsMiddleware:
        return cls(crawler)

    def _state(self) -> Any:
        spider = self.crawler.spider
        if not hasattr(spider, "state"):
            spider.state = {}
        spider.state.setdefault(self.local_values_key, {})
        return spider

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Any = None
    ) -> Iterable[Any]:
        spider = self._state()
        for element in result:
            yield self._dedupe(element, spider)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        spider = self._state()
        async for element in result:
            yield self._dedupe(element, spider)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        spider = self._state()
        async for element in start:
            yield self._dedupe(element, spider)

    def _dedupe(self, element: Any, spider: Any) -> Any:
        if isinstance(element, scrapy.Request):
            return self._process_request(element, spider)
        return element
