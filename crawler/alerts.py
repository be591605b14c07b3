"""POST a crawl's failed health checks as JSON to ALERT_WEBHOOK."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.health import health_failed

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class WebhookAlert:
    """On ``crawler.health.health_failed``, POSTs ``{"source", "run", "health", "report"}``
    (``health``: the failed checks as the report holds them; ``report``: its path) to
    ALERT_WEBHOOK, giving up after ALERT_WEBHOOK_TIMEOUT seconds. A webhook that is down,
    slow or answers an error is logged in one line: the run has failed once already."""

    TIMEOUT = 10.0

    def __init__(self, url: str, timeout: float, crawler: Crawler):
        self.url, self.timeout = url, timeout
        self.stats = crawler.stats
        crawler.signals.connect(self.health_failed, signal=health_failed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        url = crawler.settings.get("ALERT_WEBHOOK")
        if not url:
            raise NotConfigured  # no message: Scrapy logs none for an extension left unset
        if not url.startswith(("http://", "https://")):
            raise NotConfigured(f"ALERT_WEBHOOK {url!r} is not an http(s) URL")
        timeout = crawler.settings.getfloat("ALERT_WEBHOOK_TIMEOUT", cls.TIMEOUT)
        return cls(url, timeout, crawler)

    async def health_failed(
        self, source: str, run: str, health: list[dict[str, Any]], report: str
    ) -> None:
        payload = {"source": source, "run": run, "health": health, "report": report}
        await maybe_deferred_to_future(deferToThread(self.post, payload))

    def post(self, payload: dict[str, Any]) -> None:
        """Sends one alert (on a worker thread); counted under alerts/sent or alerts/failed."""
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts are OSErrors
            self.stats.inc_value("alerts/failed")
            logger.error("Alert not sent to %s: %s", self.where, why(exc))
            return
        self.stats.inc_value("alerts/sent")
        logger.info("Alert sent to %s: %s failed its health checks", self.where, payload["source"])

    @property
    def where(self) -> str:
        """The webhook's scheme and host: its path and query often hold a secret token."""
        parts = urllib.parse.urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def why(exc: Exception) -> str:
    """One line for a failed POST: "HTTP 500", "[Errno 111] Connection refused", "timed out"."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__
