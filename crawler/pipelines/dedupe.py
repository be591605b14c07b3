"""Let through only what is new or updated since the last export, once per run."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.fingerprints import FingerprintSet
from crawler.pipelines import ArticleDropped, drop
from crawler.stores.extension import SeenStoreExtension

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from crawler.stores import Seen


class RunURLs:
    """The URLs let through in a run, kept as 16-byte BLAKE2b digests in a temporary
    FingerprintSet (SQLite, 1 MiB of cache) removed when the engine stops."""

    def __init__(self) -> None:
        self.fingerprints = FingerprintSet(cache_kib=1024)

    @staticmethod
    def digest(url: str) -> bytes:
        return hashlib.blake2b(url.encode("utf-8"), digest_size=16).digest()

    def add(self, url: str) -> bool:
        """Take ``url`` for the run: True unless it was taken already."""
        return self.fingerprints.add(self.digest(url))

    def __contains__(self, url: str) -> bool:
        return self.digest(url) in self.fingerprints

    def discard(self, url: str) -> None:
        """Give ``url`` back: another copy may be let through."""
        self.fingerprints.discard(self.digest(url))

    def close(self) -> None:
        self.fingerprints.close()


def body_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def date_moves(article: ItemAdapter) -> bool:
    """The date is the crawl time, or relative to it ("3小时前"): it moves on every run by
    itself, and says nothing of an update."""
    return article["date_source"] == "crawled" or bool(article.get("date_relative"))


def is_update(article: ItemAdapter, seen: Seen) -> bool:
    """A newer date or update date than the store holds, or another body text."""
    if article["body_hash"] != seen.body_hash:
        return True
    if not date_moves(article) and seen.date and article["date"] > seen.date:
        return True
    updated = article.get("updated")
    return bool(updated and (seen.updated is None or updated > seen.updated))


# Drops that say nothing about the page itself are not remembered as failures.
NOT_FAILURES = frozenset({"duplicate", "duplicate_in_run"})


class DedupePipeline:
    """Keyed by canonical URL: new -> "new", changed -> "updated", same -> dropped.

    It also remembers, as failures, the articles other pipelines dropped (no body, ...), so
    that the spider does not request them on every run.
    """

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        seen = crawler.get_extension(SeenStoreExtension)
        if seen is None:
            raise ValueError("DedupePipeline needs SeenStoreExtension in EXTENSIONS")
        self.seen = seen
        # Canonical URLs let through in this run (a second copy is a duplicate): on disk, so
        # that a crawl of 100,000 articles holds no more memory than one of 5,000.
        self.this_run = RunURLs()
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.this_run.close, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def item_dropped(self, item: object, response: object, exception: Exception) -> None:
        if not isinstance(exception, ArticleDropped) or not exception.url:
            return
        if exception.reason not in NOT_FAILURES:
            self.seen.record_failure(exception.url, exception.reason)

    async def first_in_run(self, article: ItemAdapter) -> bool:
        """Whether no other copy of the article (by canonical URL) was let through in this
        run; if so it is taken for this one. Taken before the store is asked: another copy
        arriving meanwhile (items are processed concurrently) is a duplicate of this run, not a
        second "new" article. The seam where a distributed run's workers share the question."""
        return self.this_run.add(article["url"])

    async def process_item(self, item: object) -> object:
        article = ItemAdapter(item)
        url = article["url"]
        if not await self.first_in_run(article):
            raise drop(self.stats, "duplicate_in_run", url)
        article["body_hash"] = body_hash(article["text"])
        seen = await maybe_deferred_to_future(self.seen.get(url))
        if seen is None:
            article["status"] = "new"
            article["first_date"] = article["date"]
        elif is_update(article, seen):
            article["status"] = "updated"
            first = seen.first_date or article["date"]
            article["first_date"] = first.astimezone(article["date"].tzinfo)
        else:
            raise drop(self.stats, "duplicate", url)
        self.stats.inc_value(f"articles/{article['status']}")
        return item
