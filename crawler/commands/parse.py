"""`scrapy parse --spider NAME URL`: Scrapy's command, with a bad or unknown seed refused in one
line (see SpiderOptionChecked), and its callbacks made coroutines.

Scrapy's parse command (2.19) wraps each callback in a function returning a Deferred, which its
own scraper has deprecated since 2.14 (scrapy/scrapy#7151): every run printed a
ScrapyDeprecationWarning. Here the same wrapper is awaited inside an ``async def`` callback."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.commands.parse import Command as ScrapyParseCommand
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.commands import SpiderOptionChecked

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from scrapy import Spider
    from scrapy.http import Response


def awaited(callback: Callable[..., Any]) -> Callable[..., Any]:
    """``callback``, which returns a Deferred, as a coroutine function giving its result."""

    @functools.wraps(callback)
    async def coroutine(response: Response, **cb_kwargs: Any) -> Any:
        return await maybe_deferred_to_future(callback(response, **cb_kwargs))

    return coroutine


class Command(SpiderOptionChecked, ScrapyParseCommand):
    def prepare_request(
        self, spider: Spider, request: Request, opts: argparse.Namespace
    ) -> Request:
        request = super().prepare_request(spider, request, opts)
        request.callback = awaited(request.callback)
        return request

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        if args and self.first_response is None and not self.exitcode:
            # Scrapy logs "No response downloaded for: URL" and exits 0: a failure here.
            self.exitcode = 1

    def scraped_data(self, args: tuple) -> list[Any]:
        data = super().scraped_data(args)
        for request in data:
            # The requests followed below --depth get Scrapy's wrapper back as their callback.
            if isinstance(request, Request) and request.callback is not None:
                request.callback = awaited(request.callback)
        return data
