"""Let through only what is new or updated since the last export, once per run."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from itemadapter import ItemAdapter

from crawler.pipelines import drop
from crawler.stores import seen_store

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from crawler.stores import Seen


def body_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def is_update(article: ItemAdapter, seen: Seen) -> bool:
    """A newer date or update date than the store holds, or another body text."""
    if article["body_hash"] != seen.body_hash:
        return True
    # A date that is only the crawl time says nothing about the article.
    if article["date_source"] != "crawled" and seen.date and article["date"] > seen.date:
        return True
    updated = article.get("updated")
    return bool(updated and (seen.updated is None or updated > seen.updated))


class DedupePipeline:
    """Keyed by canonical URL: new -> "new", changed -> "updated", same -> dropped."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        # Canonical URLs let through in this run: a second copy is a duplicate.
        self.this_run: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        self.store = seen_store(self.crawler)

    def process_item(self, item: object) -> object:
        article = ItemAdapter(item)
        url = article["url"]
        if url in self.this_run:
            raise drop(self.stats, "duplicate_in_run", url)
        article["body_hash"] = body_hash(article["text"])
        seen = self.store.get(url)
        if seen is None:
            article["status"] = "new"
            article["first_date"] = article["date"]
        elif is_update(article, seen):
            article["status"] = "updated"
            article["first_date"] = seen.first_date or article["date"]
        else:
            raise drop(self.stats, "duplicate", url)
        self.this_run.add(url)
        self.stats.inc_value(f"articles/{article['status']}")
        return item
