"""Hand each article to every exporter, then record it as seen; one failure spares the others."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from crawler.exporters import build_exporters
from crawler.stores import seen_store

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


class ExportPipeline:
    """An exporter that fails to open is left out of the run; one that fails on an article
    is counted under export/errors/<exporter>, and that article is not recorded as seen, so
    the next run exports it again."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.exporters: list[tuple[str, Any]] = build_exporters(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        self.store = seen_store(self.crawler)
        opened = []
        for name, exporter in self.exporters:
            try:
                exporter.open()
            except Exception as exc:
                self.failed(name, f"cannot open: {exc}")
            else:
                opened.append((name, exporter))
        self.complete = len(opened) == len(self.exporters)
        self.exporters = opened

    def failed(self, name: str, message: str) -> None:
        self.stats.inc_value(f"export/errors/{name.rsplit('.', 1)[-1]}")
        self.crawler.spider.logger.error("Exporter %s %s", name, message)

    def process_item(self, item: object) -> object:
        article = ItemAdapter(item)
        written = 0
        for name, exporter in self.exporters:
            try:
                exporter.export(article)
            except Exception as exc:
                self.failed(name, f"failed on {article['url']}: {exc!r}")
            else:
                written += 1
        if self.complete and written == len(self.exporters):
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
        for name, exporter in self.exporters:
            try:
                exporter.close()
            except Exception as exc:
                self.failed(name, f"cannot close: {exc}")
