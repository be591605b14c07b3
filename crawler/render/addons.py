"""Scrapy add-ons (ADDONS) of rendering: scrapy-splash set up when SPLASH_URL is set."""

from __future__ import annotations

from importlib.util import find_spec
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class SplashAddon:
    """A Scrapy add-on (ADDONS): when SPLASH_URL is set, scrapy-splash's middlewares (ours from
    crawler.render.splash_compat) and its request fingerprinter are set up, as scrapy-splash's
    README says; settings given elsewhere win. Without SPLASH_URL it changes nothing."""

    DOWNLOADER_MIDDLEWARES: ClassVar[dict[str, int]] = {
        "crawler.render.splash_compat.SplashMiddleware": 725,
        # Rendered pages as HtmlResponses (its process_response runs after scrapy-splash's).
        "crawler.render.splash.SplashPageMiddleware": 724,
        # Decompression after Splash's middleware, as scrapy-splash asks.
        "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": 810,
    }
    SPIDER_MIDDLEWARES: ClassVar[dict[str, int]] = {
        "crawler.render.splash_compat.SplashDeduplicateArgsMiddleware": 100,
    }
    FINGERPRINTER = "crawler.render.splash_compat.SplashRequestFingerprinter"

    def update_settings(self, settings: BaseSettings) -> None:
        # Without scrapy-splash a seed that renders with Splash is refused before the crawl
        # (crawler.render.renderer_error): nothing to set up.
        if not settings.get("SPLASH_URL") or find_spec("scrapy_splash") is None:
            return
        for name in ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES"):
            components = {**getattr(self, name), **settings.getdict(name)}
            settings.set(name, components, settings.getpriority(name) or 0)
        settings.set("REQUEST_FINGERPRINTER_CLASS", self.FINGERPRINTER, "addon")
        # Our errbacks log each failed render in one line, with Splash's message.
        settings.set("SPLASH_LOG_400", False, "addon")
