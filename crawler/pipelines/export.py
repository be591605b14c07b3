"""Hand each article to every exporter, then record it as seen; one failure spares the others."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.exporters import build_exporters
from crawler.stores.extension import SeenStoreExtension

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


class ExportPipeline:
    """An exporter that fails to open is left out of the run; one that fails on an article
    is counted under export/errors/<exporter>, and that article is not recorded as seen, so
    the next run exports it again.

    Exporters write and fsync every article before it is recorded: that blocking work runs on
    the seen-store's worker thread (``SeenStoreExtension.run``), off the reactor's, one article
    at a time and in order with the store's writes; ``open`` and ``close`` run there too.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.exporters: list[tuple[str, Any]] = build_exporters(crawler)
        seen = crawler.get_extension(SeenStoreExtension)
        if seen is None:
            raise ValueError("ExportPipeline needs SeenStoreExtension in EXTENSIONS")
        self.seen = seen

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def open_spider(self) -> None:
        await maybe_deferred_to_future(self.seen.run(self.open_exporters))

    def open_exporters(self) -> None:
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
        logger.error("Exporter %s %s", name, message)

    async def process_item(self, item: object) -> object:
        article = ItemAdapter(item)
        written = await maybe_deferred_to_future(self.seen.run(self.export, article))
        if self.complete and written == len(self.exporters):
            # Every exporter has written it durably: only now is it seen.
            record = self.seen.record(
                article["url"],
                date=article["date"],
                updated=article.get("updated"),
                body_hash=article["body_hash"],
            )
            await maybe_deferred_to_future(record)
            self.stats.inc_value("articles/exported")
        return item

    def export(self, article: ItemAdapter) -> int:
        """The article to every exporter, in turn; how many wrote it."""
        written = 0
        for name, exporter in self.exporters:
            try:
                exporter.export(article)
            except Exception as exc:
                self.failed(name, f"failed on {article['url']}: {exc!r}")
            else:
                written += 1
        return written

    async def close_spider(self) -> None:
        await maybe_deferred_to_future(self.seen.run(self.close_exporters))

    def close_exporters(self) -> None:
        for name, exporter in self.exporters:
            try:
                exporter.close()
            except Exception as exc:
                self.failed(name, f"cannot close: {exc}")
