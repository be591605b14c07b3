"""Hand each article to every configured exporter; one exporter's failure spares the others."""

from __future__ import annotations

from typing import TYPE_CHECKING

from itemadapter import ItemAdapter

from crawler.exporters import build_exporters

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
        for exporter in self.exporters:
            exporter.open()

    def process_item(self, item: object) -> object:
        article = ItemAdapter(item)
        # DedupePipeline marks updates; anything else reaching export is new.
        article["status"] = article.get("status") or "new"
        for exporter in self.exporters:
            try:
                exporter.export(article)
            except Exception:
                name = type(exporter).__name__
                self.stats.inc_value(f"export/errors/{name}")
                self.crawler.spider.logger.exception("%s failed on %s", name, article["url"])
        self.stats.inc_value("articles/exported")
        return item

    def close_spider(self) -> None:
        for exporter in self.exporters:
            exporter.close()
