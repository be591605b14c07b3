"""The crawl's one seen-store, opened from DEDUPE_STORE and called on one worker thread."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, TypeVar

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from twisted.internet.defer import Deferred, fail, succeed
from twisted.python.failure import Failure

from crawler.stores import default_uri, store_class
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Self

    from scrapy.crawler import Crawler
    from twisted.python.threadpool import ThreadPool

    from crawler.stores import Failed, Seen, SeenStore
    from crawler.stores.ledger import ExportLedger

T = TypeVar("T")
# Canonical forms of URLs kept (the most recently used).
KEYS_KEPT = 4096

logger = logging.getLogger(__name__)


class SeenStoreExtension:
    """Owns the seen-store of the crawl: components reach it with
    ``crawler.get_extension(SeenStoreExtension)``.

    Every store call (SQL, Redis round trips, fsync) runs on one dedicated worker thread, in
    the order it was asked, so that a SQLite connection is used from one thread only and the
    reactor never waits on disk or network. Each method returns a Deferred; URLs are keyed
    by their canonical form (TRACKING_PARAMS removed). The store is opened at the first call,
    and closed once the calls already asked are done, when the engine stops.

    Without a reactor (TWISTED_REACTOR_ENABLED=False) the calls run in the caller's thread.
    """

    # Name of the worker thread.
    THREAD_NAME = "seen-store"

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.uri = default_uri(settings)
        try:
            self.store_cls = store_class(self.uri, settings)
        except NotConfigured as exc:
            # Not a silently skipped extension: the crawl cannot go on without its store.
            raise ValueError(str(exc)) from None
        self.tracking_params = settings.getlist("TRACKING_PARAMS")
        # An article's URL is keyed some seven times on its way (lookups, ledgers, records),
        # on both threads: each computed once (lru_cache is thread-safe).
        self._keys = lru_cache(maxsize=KEYS_KEPT)(
            partial(canonical_url, tracking_params=tuple(self.tracking_params))
        )
        self.threaded = settings.getbool("TWISTED_REACTOR_ENABLED")
        self.store: SeenStore | None = None
        self.pool: ThreadPool | None = None
        self.shutdown_trigger: Any = None
        # ``get``s waiting for the next batch, and whether one is on its way.
        self.gets: list[tuple[str, Deferred[Seen | None]]] = []
        self.getting = False
        self.stats = crawler.stats
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def key(self, url: str) -> str:
        """The store's key of ``url``: its canonical form."""
        return self._keys(url)

    def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> Deferred[T]:
        """``func(*args, **kwargs)`` on the store's thread, after every call asked before it.

        The seam for blocking work that must stay ordered with the store's writes.
        """
        if not self.threaded:
            try:
                return succeed(func(*args, **kwargs))
            except Exception:
                return fail(Failure())
        if self.pool is None:
            from twisted.internet import reactor
            from twisted.python.threadpool import ThreadPool

            self.pool = ThreadPool(minthreads=1, maxthreads=1, name=self.THREAD_NAME)
            self.pool.start()
            # Stops the thread even when the engine never stopped (a crawl that failed early).
            self.shutdown_trigger = reactor.addSystemEventTrigger(
                "during", "shutdown", self.pool.stop
            )
        from twisted.internet import reactor
        from twisted.internet.threads import deferToThreadPool

        return deferToThreadPool(reactor, self.pool, func, *args, **kwargs)

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> Deferred[T]:
        """``func(store, *args, **kwargs)`` on the store's thread, the store opened first."""
        return self.run(self._with_store, func, *args, **kwargs)

    def _with_store(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return func(self.opened(), *args, **kwargs)

    def opened(self) -> SeenStore:
        """The store, opened if need be, for direct calls: only from a function given to
        ``run`` (exporters' ``open``/``export``/``close`` are), never from the reactor."""
        if self.store is None:
            self.store = self.store_cls.from_uri(self.uri)
        return self.store

    def ledger(self, exporter: str) -> ExportLedger:
        """What ``exporter`` (its EXPORTERS name) wrote, read and recorded on this thread."""
        from crawler.stores.ledger import ExportLedger

        return ExportLedger(self, exporter)

    def get(self, url: str) -> Deferred[Seen | None]:
        """What was recorded of ``url``, or None.

        Asked while another ``get`` is on its way to the store's thread, it goes with every
        ``get`` asked meanwhile in the next one, one hop and one batched query (``get_many``)
        for them all: each article of a crawl asks, and a hop costs more than a query. The
        batch is asked after every call asked before its own ``get``s, so each reads the
        store as it was when asked, or later."""
        d: Deferred[Seen | None] = Deferred()
        self.gets.append((self.key(url), d))
        if not self.getting:
            self._next_gets()
        return d

    def _next_gets(self) -> None:
        batch, self.gets = self.gets, []
        self.getting = True

        def answered(found: dict[str, Seen] | Failure) -> None:
            self.getting = False
            if self.gets:
                self._next_gets()
            for key, d in batch:
                if isinstance(found, Failure):
                    d.errback(found)
                else:
                    d.callback(found.get(key))

        self.call(lambda store: store.get_many(dict.fromkeys(k for k, _ in batch))).addBoth(
            answered
        )

    def lookup(self, urls: Iterable[str]) -> Deferred[dict[str, Seen | Failed]]:
        """``{url: Seen}`` for the exported ones of ``urls``, ``{url: Failed}`` for those never
        exported that failed; the others are absent. One thread hop, two batched queries."""
        keys = {url: self.key(url) for url in urls}

        def lookup(store: SeenStore) -> dict[str, Seen | Failed]:
            seen = store.get_many(keys.values())
            failed = store.failures(k for k in keys.values() if k not in seen)
            known = {**failed, **seen}
            return {url: known[key] for url, key in keys.items() if key in known}

        return self.call(lookup)

    def record(
        self,
        url: str,
        *,
        date: datetime | None,
        updated: datetime | None,
        body_hash: str,
        exported_at: datetime | None = None,
    ) -> Deferred[None]:
        """Record ``url`` as exported (now, unless ``exported_at``)."""
        at = exported_at or datetime.now(UTC)
        key = self.key(url)
        return self.call(
            lambda store: store.record(
                key, date=date, updated=updated, body_hash=body_hash, exported_at=at
            )
        )

    def record_failure(self, url: str, reason: str, at: datetime | None = None) -> Deferred[None]:
        """Record that ``url`` gave nothing, for ``reason``. It never fails: a failure that
        cannot be recorded costs only a request next run, so it is logged and counted under
        seen_store/errors."""
        key, when = self.key(url), at or datetime.now(UTC)
        d = self.call(lambda store: store.record_failure(key, reason, when))
        d.addErrback(self._logged, f"cannot record the failure of {url}")
        return d

    def channel_depths(self, source: str, channels: Iterable[str]) -> Deferred[dict[str, int]]:
        """``{channel URL: depth}``: how deep a finished crawl of seed ``source`` has read each
        of ``channels``; a channel never read to the end is absent. One thread hop."""
        channels = list(channels)
        return self.call(lambda store: store.channel_depths(source, channels))

    def record_channel_depths(self, source: str, depths: dict[str, int]) -> Deferred[None]:
        """Record ``{channel URL: depth}`` of seed ``source`` once its crawl has finished. It
        never fails: a depth that cannot be recorded costs only listing pages read again next
        run, so it is logged and counted under seen_store/errors."""

        def record(store: SeenStore) -> None:
            for channel, depth in depths.items():
                store.record_channel_depth(source, channel, depth)

        d = self.call(record)
        d.addErrback(self._logged, f"cannot record how deep the channels of {source} were read")
        return d

    def _logged(self, failure: Failure, what: str) -> None:
        self.stats.inc_value("seen_store/errors")
        logger.error("Seen-store %s: %s", what, failure.getErrorMessage())

    async def spider_opened(self) -> None:
        """Open the store before the first request, so that an error shows at once."""
        from scrapy.utils.defer import maybe_deferred_to_future

        try:
            await maybe_deferred_to_future(self.call(lambda store: None))
        except Exception as exc:
            logger.error("Seen-store %s cannot be opened: %s", self.uri, exc)
            raise CloseSpider("seen_store_error") from exc

    async def engine_stopped(self) -> None:
        """Close the store once every call asked before is done, then stop the thread."""
        from scrapy.utils.defer import maybe_deferred_to_future

        await maybe_deferred_to_future(self.run(self._close))
        if self.pool is not None:
            from twisted.internet import reactor

            reactor.removeSystemEventTrigger(self.shutdown_trigger)
            self.pool.stop()
            self.pool = None

    def _close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
