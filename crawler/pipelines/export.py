"""Hand each article to every exporter, then record it as seen; one failure spares the others."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from itemadapter import ItemAdapter

from crawler.exporters import build_exporters
from crawler.stores import seen_store

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


class ExportPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.exporters = build_exporters(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        self.store = seen_store(self.crawler)
        for exporter in self.exporters:
            exporter.open()

    def process_item(self, item: object) -> object:
        article = ItemAdapter(item)
        failed = False
        for exporter in self.exporters:
            try:
                exporter.export(article)
            except Exception:
                failed = True
                name = type(exporter).__name__
                self.stats.inc_value(f"export/errors/{name}")
                self.crawler.spider.logger.exception("%s failed on %s", name, article["url"])
        if failed:
            # Not recorded: the next run exports it again.
            return item
        # Every exporter has written it durably: only now is it seen.
        self.store.record(
            article["url"],
            date=article["date"],
            updated=article.get("updated"),
            body_hash=article["body_hash"],
            exported_at=datetime.now(UTC),
        )
        self.stats.inc_value("articles/exported")
        return item

    def close_spider(self) -> None:
        for exporter in self.exporters:
            exporter.close()
