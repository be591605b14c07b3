"""Hand each article to every exporter that has not written this version of it, then record it
as seen; an exporter that cannot open stops the crawl before any request."""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import CloseSpider
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.exporters import ExporterError, build_exporters, exporter_label, one_line
from crawler.pipelines.dedupe import date_moves
from crawler.stores import Record
from crawler.stores.extension import SeenStoreExtension

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from crawler.stores import SeenStore
    from crawler.stores.ledger import ExportLedger


def export_version(article: ItemAdapter) -> str:
    """40 hex digits naming what an export of the article holds, by DedupePipeline's rule of
    an update: its text (``body_hash``), its date unless it moves with the clock ("3小时前",
    the crawl time), its update date. An exporter that wrote this version is not asked again."""

    def instant(value: datetime | None) -> str:
        return value.astimezone(UTC).isoformat() if value else ""

    date = None if date_moves(article) else article["date"]
    parts = (article["body_hash"] or "", instant(date), instant(article.get("updated")))
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()


def articles_count(count: int) -> str:
    """``1 article``, ``3 articles``: for log lines."""
    return f"{count} article" if count == 1 else f"{count} articles"


class ExportPipeline:
    """Every exporter is opened when the spider opens, before any request: one that cannot
    open (its target unreachable) stops the crawl (close reason ``exporter_error``, the line
    in the ``run/error`` stat, which the crawl command prints and exits 1 with).

    Per article, each exporter that has not yet written this version of it (the store's
    ``written`` records, see ExportLedger) writes it, and the write is recorded; one that fails
    is counted under export/errors/<exporter> and the others still write. Only when every
    exporter has written it is the article recorded as seen; the next run exports it again,
    to the exporters that had failed only, so no feed gets a line twice.

    Articles are exported in batches (a group commit): every article that arrives while a
    batch is being written waits for the next one, which takes them all (EXPORT_BATCH_MAX at
    most); a batch is written once EXPORT_BATCH_MAX articles wait, or once the first of them
    has waited EXPORT_BATCH_WAIT seconds (fewer, larger batches). A batch runs on the
    seen-store's worker thread (``SeenStoreExtension.run``), off the reactor's, in order with
    the store's other calls: each article to every exporter (their store calls in one
    transaction), then each exporter's ``flush`` (one fsync per file for the whole batch
    rather than per article), then each exporter's writes recorded, then the articles that
    every exporter has recorded as seen, in one store transaction (see ``SeenStore.batch``).
    A write is thus recorded only once it is durable, and an article only once every exporter
    has it: a crawl killed at any moment loses none. ``open`` and ``close`` run on that
    thread too.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        seen = crawler.get_extension(SeenStoreExtension)
        if seen is None:
            raise ValueError("ExportPipeline needs SeenStoreExtension in EXTENSIONS")
        self.seen = seen
        self.exporters: list[tuple[str, Any]] = build_exporters(crawler)
        self.ledgers: dict[str, ExportLedger] = {}
        for name, exporter in self.exporters:
            self.ledgers[name] = seen.ledger(name)
            if hasattr(exporter, "ledger"):  # an exporter that asks for its records
                exporter.ledger = self.ledgers[name]
        self.opened: list[tuple[str, Any]] = []
        # Articles waiting for the next batch, each with the Deferred its process_item awaits
        # and when it came (time.monotonic()).
        self.waiting: list[tuple[ItemAdapter, Deferred[bool], float]] = []
        self.writing = False
        self.batch_max = max(1, crawler.settings.getint("EXPORT_BATCH_MAX"))
        # Without a reactor (store calls in the caller's thread) a batch never waits.
        self.batch_wait = crawler.settings.getfloat("EXPORT_BATCH_WAIT") if seen.threaded else 0
        # The call that writes the waiting articles once the first of them has waited
        # EXPORT_BATCH_WAIT seconds.
        self.timer: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def open_spider(self) -> None:
        error = await maybe_deferred_to_future(self.seen.run(self.open_exporters))
        if error:
            self.stats.set_value("run/error", error)
            raise CloseSpider("exporter_error")

    def open_exporters(self) -> str | None:
        """Open each exporter in turn; at the first that cannot, why, in one line."""
        for name, exporter in self.exporters:
            try:
                exporter.open()
            except Exception as exc:
                # An ExporterError names the target already ("cannot reach <url>: ...").
                prefix = "" if isinstance(exc, ExporterError) else "cannot open: "
                error = f"exporter {exporter_label(name)}: {prefix}{one_line(exc)}"
                self.count_error(name)
                logger.error("%s", error)
                return error
            self.opened.append((name, exporter))
        return None

    def count_error(self, name: str, count: int = 1) -> None:
        self.stats.inc_value(f"export/errors/{exporter_label(name)}", count)

    async def process_item(self, item: object) -> object:
        done: Deferred[bool] = Deferred()
        self.waiting.append((ItemAdapter(item), done, time.monotonic()))
        self.next_batch()
        if await maybe_deferred_to_future(done):
            self.stats.inc_value("articles/exported")
        return item

    def next_batch(self) -> None:
        """The waiting articles written once no batch is being written and they are
        EXPORT_BATCH_MAX, or the first of them has waited EXPORT_BATCH_WAIT seconds."""
        if self.writing or not self.waiting:
            return
        if self.batch_wait <= 0 or len(self.waiting) >= self.batch_max:
            self.write_next_batch()
            return
        left = self.waiting[0][2] + self.batch_wait - time.monotonic()
        if left <= 0:
            self.write_next_batch()
        elif self.timer is None:
            from twisted.internet import reactor

            self.timer = reactor.callLater(left, self.waited)

    def waited(self) -> None:
        self.timer = None
        self.next_batch()

    def write_next_batch(self) -> None:
        """The waiting articles exported and recorded on the store's thread; then the next
        batch, if articles arrived meanwhile."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        batch, self.waiting = self.waiting[: self.batch_max], self.waiting[self.batch_max :]
        self.writing = True
        d = self.seen.call(self.export_batch, [article for article, _, _ in batch])

        def written(complete: list[bool] | Failure) -> None:
            self.writing = False
            self.next_batch()
            for i, (_, done, _) in enumerate(batch):
                if isinstance(complete, Failure):
                    done.errback(complete)
                else:
                    done.callback(complete[i])

        d.addBoth(written)

    def export_batch(self, store: SeenStore, articles: list[ItemAdapter]) -> list[bool]:
        """Each article to every exporter that has not written this version of it, every
        exporter flushed, its writes recorded, then the articles every exporter has recorded
        as seen; whether each article is complete.

        The store's calls are grouped in two ``store.batch()``: the exports' (what each
        exporter wrote of the articles, read in one query and lent to the ledgers; each
        exporter's ``prepare``, then the exports: a post's name reserved...), then the
        records; none is open during the flush, so no lock is held while files are synced."""
        complete = [True] * len(articles)
        writes: dict[str, list[tuple[int, str, str]]] = {name: [] for name, _ in self.opened}
        keys = [self.seen.key(article["url"]) for article in articles]
        with store.batch():
            found = store.written_many(keys)
            known = {key: found.get(key, {}) for key in keys}
            versions = [export_version(article) for article in articles]
            # Per article, the exporters that write it: those without this version yet.
            todo: list[dict[str, Any]] = []
            for key, version in zip(keys, versions, strict=True):
                written = known[key]
                todo.append({})
                for name, exporter in self.opened:
                    done = written.get(name)
                    if done is not None and done.version == version:
                        # written by an earlier run
                        self.stats.inc_value(f"export/skipped/{exporter_label(name)}")
                    else:
                        todo[-1][name] = exporter
            for ledger in self.ledgers.values():
                ledger.known = known
            try:
                for name, exporter in self.opened:
                    asked = [a for a, to in zip(articles, todo, strict=True) if name in to]
                    self.prepare(name, exporter, asked)
                for i, article in enumerate(articles):
                    for name, exporter in todo[i].items():
                        if not self.export(name, exporter, article, versions[i], i, writes):
                            complete[i] = False
            finally:
                for ledger in self.ledgers.values():
                    ledger.known = None
        flushed = [
            (name, self.flush(name, exporter, writes[name])) for name, exporter in self.opened
        ]
        with store.batch():
            for name, ok in flushed:
                if not ok:
                    for i, _, _ in writes[name]:
                        complete[i] = False
                    continue
                self.ledgers[name].record_many(
                    (articles[i]["url"], version, location) for i, version, location in writes[name]
                )
                if writes[name]:
                    label = exporter_label(name)
                    self.stats.inc_value(f"export/written/{label}", len(writes[name]))
            now = datetime.now(UTC)
            store.record_many(
                Record(
                    key,
                    date=article["date"],
                    updated=article.get("updated"),
                    body_hash=article["body_hash"],
                    exported_at=now,
                )
                for article, key, done in zip(articles, keys, complete, strict=True)
                if done
            )
        return complete

    def prepare(self, name: str, exporter: Any, articles: list[ItemAdapter]) -> None:
        """The exporter's ``prepare`` with the articles it is about to write, if it has one and
        there are some. What it raises is logged and counted (``export/prepare_failed/<name>``):
        its exports then go their own way, one article at a time."""
        prepare = getattr(exporter, "prepare", None)
        if prepare is None or not articles:
            return
        try:
            prepare(articles)
        except Exception as exc:
            self.stats.inc_value(f"export/prepare_failed/{exporter_label(name)}")
            logger.error(
                "Exporter %s failed to prepare %s: %s",
                exporter_label(name),
                articles_count(len(articles)),
                one_line(exc),
            )

    def flush(self, name: str, exporter: Any, writes: list[tuple[int, str, str]]) -> bool:
        """The exporter's ``flush`` (its writes made durable); False, logged and counted, when
        it fails."""
        flush = getattr(exporter, "flush", None)
        try:
            if flush is not None:
                flush()
        except Exception as exc:
            self.count_error(name, len(writes))
            logger.error(
                "Exporter %s failed to write %s: %s",
                exporter_label(name),
                articles_count(len(writes)),
                one_line(exc),
            )
            return False
        return True

    def export(
        self,
        name: str,
        exporter: Any,
        article: ItemAdapter,
        version: str,
        i: int,
        writes: dict[str, list[tuple[int, str, str]]],
    ) -> bool:
        """The article to the exporter, the write noted in ``writes`` (recorded once flushed);
        whether it did not fail, logged and counted when it did."""
        try:
            location = exporter.export(article)
        except Exception as exc:
            self.count_error(name)
            label = exporter_label(name)
            logger.error("Exporter %s failed on %s: %s", label, article["url"], one_line(exc))
            return False
        writes[name].append((i, version, location if isinstance(location, str) else ""))
        return True

    async def close_spider(self) -> None:
        await maybe_deferred_to_future(self.seen.run(self.close_exporters))
        errors = {
            key.removeprefix("export/errors/"): count
            for key, count in self.stats.get_stats().items()
            if key.startswith("export/errors/")
        }
        if errors and len(self.opened) == len(self.exporters):
            failures = ", ".join(f"{label} ×{count}" for label, count in sorted(errors.items()))
            logger.error(
                "Export errors: %s; the next run writes those articles to those exporters only",
                failures,
            )

    def close_exporters(self) -> None:
        for name, exporter in self.opened:
            try:
                exporter.close()
            except Exception as exc:
                self.count_error(name)
                logger.error("Exporter %s cannot close: %s", exporter_label(name), one_line(exc))
