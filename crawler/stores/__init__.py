"""The seen-store: what was exported, per canonical URL, chosen by DEDUPE_STORE's URI scheme."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


@dataclass(frozen=True)
class Seen:
    """What the store holds of one article."""

    url: str
    date: datetime | None
    updated: datetime | None
    body_hash: str
    # The date it was first exported with: names its post for good.
    first_date: datetime | None
    first_exported: datetime
    last_exported: datetime

    @property
    def newest(self) -> datetime | None:
        """The later of its date and its update date."""
        dates = [d for d in (self.date, self.updated) if d]
        return max(dates) if dates else None


@dataclass(frozen=True)
class Failed:
    """An article page that gave nothing to export (a 4xx, no body, ...), and when."""

    url: str
    reason: str
    at: datetime


class SeenStore:
    """get() what is known of a URL; record() an article once every exporter has written it.

    Pages that gave nothing are kept apart (record_failure/failure), so that a broken article
    is not requested on every run; exporting the URL later clears its failure.
    """

    def get(self, url: str) -> Seen | None:
        raise NotImplementedError

    def record(
        self,
        url: str,
        *,
        date: datetime | None,
        updated: datetime | None,
        body_hash: str,
        exported_at: datetime,
    ) -> None:
        raise NotImplementedError

    def record_failure(self, url: str, reason: str, at: datetime) -> None:
        raise NotImplementedError

    def failure(self, url: str) -> Failed | None:
        raise NotImplementedError

    def close(self) -> None:
        """Release the store's resources."""


STORE_SCHEMES = {
    "sqlite": "crawler.stores.sqlite.SqliteStore",
    "redis": "crawler.stores.redis.RedisStore",
    "memory": "crawler.stores.memory.MemoryStore",
}
# What a scheme needs installed, and how to install it.
STORE_REQUIRES = {"redis": ("redis", "pip install 'crawler[redis]'")}


def store_error(uri: str) -> str | None:
    """Why DEDUPE_STORE cannot be used, in one line, or None."""
    scheme, sep, _ = uri.partition("://")
    if not sep or scheme not in STORE_SCHEMES:
        return f"DEDUPE_STORE {uri!r}: the scheme must be one of {', '.join(STORE_SCHEMES)}"
    if scheme in STORE_REQUIRES:
        module, hint = STORE_REQUIRES[scheme]
        if importlib.util.find_spec(module) is None:
            return f"DEDUPE_STORE {uri!r} needs the {module} package: {hint}"
        try:  # a server that does not answer should stop the crawl before it starts
            load_object(STORE_SCHEMES[scheme]).from_uri(uri).close()
        except Exception as exc:
            return f"DEDUPE_STORE {uri!r}: cannot reach it: {exc}"
    return None


def open_store(uri: str) -> SeenStore:
    """``sqlite:///relative/path``, ``sqlite:////absolute/path``, ``redis://host:port/db`` or
    ``memory://``."""
    error = store_error(uri)
    if error:
        raise NotConfigured(error)
    return load_object(STORE_SCHEMES[uri.partition("://")[0]]).from_uri(uri)


def seen_store(crawler: Crawler) -> SeenStore:
    """The crawl's one seen-store, shared by the spider and the pipelines; closed at the end."""
    store = getattr(crawler, "seen_store", None)
    if store is None:
        store = crawler.seen_store = open_store(crawler.settings.get("DEDUPE_STORE"))
        crawler.signals.connect(store.close, signal=signals.engine_stopped, weak=False)
    return store
