"""Pages rendered by the system's Chromium through scrapy-playwright: the requests of a seed with
``render = "playwright"``, the browser found on the machine, and the settings its crawl needs."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.spidermiddlewares.httperror import HttpError

from crawler.render import Renderer

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Request
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

# Where the system's Chromium is looked for, after the PLAYWRIGHT_CHROMIUM environment variable
# (Debian's package installs /usr/bin/chromium; others name it chromium-browser).
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# A headless Chromium that asks nothing of the network but the pages (no updates, sync, QUIC),
# and runs as root in a container (no sandbox, no /dev/shm).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
# Chromium's network errors (net::ERR_...) as the stats keys a plain download would give.
NET_ERRORS = {
    "ERR_CONNECTION_REFUSED": "connection_refused",
    "ERR_NAME_NOT_RESOLVED": "dns",
    "ERR_TIMED_OUT": "timeout",
    "ERR_CONNECTION_RESET": "connection_lost",
    "ERR_CONNECTION_CLOSED": "connection_lost",
    "ERR_EMPTY_RESPONSE": "connection_lost",
}
# What Playwright says when the browser is gone (killed, crashed, never started).
BROWSER_GONE = (
    "has been closed",
    "has disconnected",
    "crashed",
    "BrowserType.launch",
    "Connection closed",
)


def find_chromium(environ: dict[str, str] | None = None) -> str | None:
    """The system's Chromium: $PLAYWRIGHT_CHROMIUM when set (even if it is not there, so that
    the error names it), else ``chromium`` or ``chromium-browser`` on the PATH, else None."""
    environ = os.environ if environ is None else environ
    if environ.get("PLAYWRIGHT_CHROMIUM"):
        return environ["PLAYWRIGHT_CHROMIUM"]
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_options(settings: BaseSettings) -> dict[str, Any]:
    """PLAYWRIGHT_LAUNCH_OPTIONS as given, with the system's Chromium and our arguments when
    they name no executable (Playwright's own browser download cannot run here)."""
    options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
    if options.get("executable_path"):
        return options
    options["executable_path"] = find_chromium()
    options.setdefault("headless", True)
    options.setdefault("args", CHROMIUM_ARGS)
    return options


def browser_error(settings: BaseSettings) -> str | None:
    """Why no browser can be launched, in one line naming what to install or set; or None."""
    given = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")).get("executable_path")
    path = given or find_chromium()
    if path is None:
        return (
            "no Chromium found: install it (apt-get install chromium) or set "
            "PLAYWRIGHT_CHROMIUM to its path"
        )
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        if given:
            where = "PLAYWRIGHT_LAUNCH_OPTIONS' executable_path"
        elif os.environ.get("PLAYWRIGHT_CHROMIUM"):
            where = "PLAYWRIGHT_CHROMIUM"
        else:
            where = "found on PATH"
        return (
            f"Chromium {path} ({where}) is not an executable file: install it "
            "(apt-get install chromium) or name it in PLAYWRIGHT_CHROMIUM"
        )
    return None


def update_settings(settings: BaseSettings) -> None:
    """The settings of a crawl that renders with Playwright, at spider priority: scrapy-
    playwright's download handler (which downloads requests without ``meta["playwright"]`` as
    Scrapy's own does), the system's Chromium, and page loads limited by DOWNLOAD_TIMEOUT."""
    handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
    for scheme in ("http", "https"):
        handlers.setdefault(scheme, HANDLER)
    settings.set("DOWNLOAD_HANDLERS", handlers, "spider")
    priority = max(settings.getpriority("PLAYWRIGHT_LAUNCH_OPTIONS") or 0, 30)
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch_options(settings), priority)
    if settings.getpriority("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") is None:
        timeout = settings.getfloat("DOWNLOAD_TIMEOUT") * 1000
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", timeout, "spider")


class PlaywrightRenderer(Renderer):
    """Requests with ``meta["playwright"]``: the page loads in Chromium, then waits for what it
    must show (``wait_for_function``, a page method) and ``wait`` seconds; scrapy-playwright
    closes each page once read (``playwright_include_page`` is never set)."""

    name: ClassVar[str] = "playwright"

    def request(self, url: str, callback: Callable, kind: str, **kwargs: Any) -> Request:
        from scrapy import Request
        from scrapy_playwright.page import PageMethod

        methods = []
        condition = self.conditions[kind]
        if condition:
            methods.append(PageMethod("wait_for_function", condition, timeout=self.timeout * 1000))
        if self.source.wait:
            methods.append(PageMethod("wait_for_timeout", self.source.wait * 1000))
        meta = {
            **kwargs.pop("meta", {}),
            "playwright": True,
            "playwright_page_methods": methods,
        }
        return Request(url, callback, meta=meta, **kwargs)

    def failure_reason(self, failure: Failure) -> str | None:
        return playwright_failure_reason(failure)

    def failure_detail(self, failure: Failure) -> str:
        if not failure.request.meta.get("playwright") or failure.check(HttpError):
            return ""
        return str(failure.value).strip().split("\n", 1)[0][:300]

    @classmethod
    def missing(cls, settings: BaseSettings) -> str | None:
        return browser_error(settings)


def playwright_failure_reason(failure: Failure) -> str | None:
    """Why a page rendered by Playwright failed, as a stats key, or None when Playwright did not
    fail it: ``wait_for_timeout``, ``browser_down`` (Chromium would not start, or died),
    ``timeout``, or the network error Chromium met (``connection_refused``, ``dns``, ...)."""
    if not failure.request.meta.get("playwright"):
        return None
    from playwright.async_api import Error, TimeoutError

    if not failure.check(Error):
        return None
    message = str(failure.value)
    if failure.check(TimeoutError):
        return "wait_for_timeout" if "wait_for_function" in message else "timeout"
    for code, reason in NET_ERRORS.items():
        if f"net::{code}" in message:
            return reason
    if any(sign in message for sign in BROWSER_GONE):
        return "browser_down"
    found = message.split("net::", 1)
    if len(found) == 2:
        return found[1].split()[0].lower()
    return "browser_error"
