"""Hand each article to every exporter, then record it as seen; one failure spares the others."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.exporters import build_exporters
from crawler.stores import Record
from crawler.stores.extension import SeenStoreExtension

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from crawler.stores import SeenStore


class ExportPipeline:
    """An exporter that fails to open is left out of the run; one that fails on an article
    is counted under export/errors/<exporter>, and that article is not recorded as seen, so
    the next run exports it again.

    Articles are exported in batches (a group commit): every article that arrives while a
    batch is being written waits for the next one, which takes them all (EXPORT_BATCH_MAX at
    most). A batch runs on the
    seen-store's worker thread (``SeenStoreExtension.run``), off the reactor's, in order with
    the store's other calls: each article to every exporter, then each exporter's ``flush``
    (one fsync per file for the whole batch rather than per article), then the articles that
    every exporter wrote recorded as seen, in one store transaction. An article is thus
    recorded only once every exporter has written it durably: a crawl killed at any moment
    loses none. ``open`` and ``close`` run on that thread too.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.exporters: list[tuple[str, Any]] = build_exporters(crawler)
        seen = crawler.get_extension(SeenStoreExtension)
        if seen is None:
            raise ValueError("ExportPipeline needs SeenStoreExtension in EXTENSIONS")
        self.seen = seen
        # Articles waiting for the next batch, each with the Deferred its process_item awaits.
        self.waiting: list[tuple[ItemAdapter, Deferred[bool]]] = []
        self.batch_max = max(1, crawler.settings.getint("EXPORT_BATCH_MAX"))
        self.writing = False

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
        done: Deferred[bool] = Deferred()
        self.waiting.append((ItemAdapter(item), done))
        if not self.writing:
            self.write_next_batch()
        if await maybe_deferred_to_future(done):
            self.stats.inc_value("articles/exported")
        return item

    def write_next_batch(self) -> None:
        """The waiting articles exported and recorded on the store's thread; then the next
        batch, if articles arrived meanwhile."""
        batch, self.waiting = self.waiting[: self.batch_max], self.waiting[self.batch_max :]
        self.writing = True
        d = self.seen.call(self.export_batch, [article for article, _ in batch])

        def written(recorded: list[bool] | Failure) -> None:
            self.writing = False
            if self.waiting:
                self.write_next_batch()
            for i, (_, done) in enumerate(batch):
                if isinstance(recorded, Failure):
                    done.errback(recorded)
                else:
                    done.callback(recorded[i])

        d.addBoth(written)

    def export_batch(self, store: SeenStore, articles: list[ItemAdapter]) -> list[bool]:
        """Each article to every exporter, every exporter flushed, then those that every
        exporter wrote recorded in the store; which were recorded."""
        written = [self.export(article) for article in articles]
        for name, exporter in self.exporters:
            flush = getattr(exporter, "flush", None)
            if flush is None:
                continue
            try:
                flush()
            except Exception as exc:
                self.failed(name, f"failed to write {len(articles)} articles: {exc!r}")
                written = [count - 1 for count in written]
        recorded = [self.complete and count == len(self.exporters) for count in written]
        now = datetime.now(UTC)
        store.record_many(
            Record(
                self.seen.key(article["url"]),
                date=article["date"],
                updated=article.get("updated"),
                body_hash=article["body_hash"],
                exported_at=now,
            )
            for article, ok in zip(articles, recorded, strict=True)
            if ok
        )
        return recorded

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
