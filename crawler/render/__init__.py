"""Pages rendered in a browser before they are read: which pages of a seed render, what each
waits for, and the renderer (Splash or Playwright) that makes their requests."""

from __future__ import annotations

import json
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any, ClassVar

from parsel.csstranslator import HTMLTranslator
from scrapy.utils.misc import load_object

from crawler.seeds import is_xpath

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Request
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

    from crawler.seeds import Query, Source

# The renderer of each render mode of a seed.
RENDERERS = {
    "splash": "crawler.render.splash.SplashRenderer",
    "playwright": "crawler.render.playwright.PlaywrightRenderer",
}
# Failure reasons (stats keys) that say the renderer itself was not there or went away: a run
# that lost a page to one of them failed (crawler.report).
RENDERER_DOWN = ("splash_down", "browser_down")
# True once one of the XPath expressions (%s: a JSON list of them) selects a node.
WAIT_CONDITION = (
    "(function (xpaths) { return xpaths.some(function (x) { return document.evaluate(x, "
    "document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue !== null; "
    "}); })(%s)"
)


def wait_condition(query: Query | None) -> str | None:
    """A JavaScript expression that is true once the page has what ``query`` selects, or None.

    The query is a seed field (CSS, XPath, or a list of them). CSS is turned into the XPath that
    parsel itself would use (``::text`` and ``::attr()`` included), so the browser waits for
    exactly what extraction will read; the browser evaluates the XPath with
    ``document.evaluate``.
    """
    if query is None:
        return None
    queries = query if isinstance(query, tuple) else (query,)
    translate = HTMLTranslator().css_to_xpath
    xpaths = [q if is_xpath(q) else translate(q) for q in queries]
    return WAIT_CONDITION % json.dumps(xpaths)


class Renderer:
    """Makes the requests of a seed's rendered pages; one subclass per renderer.

    ``request(url, callback, kind, **kwargs)`` gives the request of a ``"listing"`` or
    ``"article"`` page; ``failure_reason(failure)`` names why a rendered page failed when the
    renderer knows better than the plain downloader (a stats key), else None.
    """

    name: ClassVar[str] = ""

    def __init__(self, source: Source, settings: BaseSettings):
        self.source = source
        self.settings = settings
        # Seconds a page may take to show what it waits for.
        self.timeout = settings.getfloat("RENDER_TIMEOUT")
        listing = source.listing.link or source.listing.item
        self.conditions = {
            "listing": wait_condition(listing),
            "article": wait_condition(source.wait_for),
        }

    def renders(self, kind: str) -> bool:
        """Whether pages of this kind ("listing", "article") are rendered (``render_pages``)."""
        return self.source.render_pages in ("both", kind)

    def request(self, url: str, callback: Callable, kind: str, **kwargs: Any) -> Request:
        raise NotImplementedError

    def failure_reason(self, failure: Failure) -> str | None:
        return None

    def failure_detail(self, failure: Failure) -> str:
        """The renderer's words on why a page it rendered failed (one line), or ""."""
        return ""

    @classmethod
    def missing(cls, settings: BaseSettings) -> str | None:
        """What this machine or these settings lack for the renderer, in one line; None when
        nothing is."""
        return None


def renderer_class(source: Source) -> type[Renderer] | None:
    """The Renderer of a seed's ``render``; None for ``render = "none"``."""
    path = RENDERERS.get(source.render)
    return load_object(path) if path else None


def renderer_error(source: Source, settings: BaseSettings) -> str | None:
    """Why a seed's renderer cannot be used with these settings, in one line naming what to set
    or install; None when it can (or the seed renders nothing). Nothing is requested."""
    if source.render == "none":
        return None
    package = {"splash": "scrapy_splash", "playwright": "scrapy_playwright"}[source.render]
    if find_spec(package) is None:
        return (
            f'seed {source.name} has render = "{source.render}", which needs '
            f"{package.replace('_', '-')}: pip install 'crawler[{source.render}]'"
        )
    missing = renderer_class(source).missing(settings)
    return f'seed {source.name} has render = "{source.render}": {missing}' if missing else None


def requested_url(request: Request) -> str:
    """The page a request asks for: a request sent through Splash has Splash's address as its
    URL once scrapy-splash's middleware has handled it, and the page's in its arguments."""
    if request.meta.get("_splash_processed"):
        return request.meta["splash"]["args"].get("url", request.url)
    return request.url
