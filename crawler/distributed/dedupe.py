"""Deduplication across the workers of a distributed run: an article is let through by one
worker, once per run, by claims in the shared seen-store."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.pipelines.dedupe import DedupePipeline
from crawler.runs import Run
from crawler.stores import Claim

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.task import LoopingCall
    from twisted.python.failure import Failure

    from crawler.stores import SeenStore

logger = logging.getLogger(__name__)


class RunDedupePipeline(DedupePipeline):
    """DedupePipeline whose "let through in this run" is shared by the run's workers.

    Before the store is asked whether an article is new, the worker claims its URL in the
    seen-store (``SeenStore.claim``: atomic, for WORKER_LEASE_SECONDS, renewed every third of
    that while the worker holds it): a URL that a worker already let through in this run is
    dropped as ``duplicate_in_run``, so two workers that fetch the same article (two addresses
    with one canonical URL) cannot both export it as new. A URL that another worker is
    handling now waits (``dedupe/claim_waits``) until that claim ends: let through (a
    duplicate), or not (the other worker was killed before exporting it: this one handles
    it). Dropping it at once would lose the article whenever its holder dies, since the
    holder's request, given back to the frontier, can come back while the claim still runs.

    The claim is released once the article has gone through every pipeline (``item_scraped``)
    or was dropped (``item_dropped``, ``item_error``), after ExportPipeline recorded it as
    seen; the URL is then let through for the run. A worker killed while it held a claim
    never releases it: the claim runs out with its lease.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.crawler = crawler
        self.lease = crawler.settings.getfloat("WORKER_LEASE_SECONDS")
        # Claims this worker holds: id of the item -> (store key, run key).
        self.claims: dict[int, tuple[str, str]] = {}
        self.renewal: LoopingCall | None = None
        crawler.signals.connect(self.item_done, signal=signals.item_scraped)
        crawler.signals.connect(self.item_done, signal=signals.item_error)

    def open_spider(self) -> None:
        from twisted.internet.task import LoopingCall

        self.renewal = LoopingCall(self.renew)
        self.renewal.start(self.lease / 3, now=False)

    def close_spider(self) -> None:
        if self.renewal is not None and self.renewal.running:
            self.renewal.stop()

    def run_key(self, article: ItemAdapter) -> str:
        """The run in which an article is let through once: its source's run."""
        return f"{article['source']}/{Run.of(self.crawler).id}"

    def owner(self) -> str:
        run = Run.of(self.crawler)
        return run.worker or run.file_stem

    async def first_in_run(self, article: ItemAdapter) -> bool:
        if not await super().first_in_run(article):
            return False
        key, run, owner = self.seen.key(article["url"]), self.run_key(article), self.owner()

        def claim(store: SeenStore) -> Claim:
            return store.claim(key, run, owner, self.lease)

        waited = False
        while True:
            found = await maybe_deferred_to_future(self.seen.call(claim))
            if found is not Claim.HELD:
                break
            if not waited:
                waited = True
                self.stats.inc_value("dedupe/claim_waits")
                logger.debug("Another worker is handling %s: waiting for its claim", key)
            await self.pause(self.wait_step())
        if found is Claim.CLAIMED:
            self.claims[id(article.item)] = (key, run)
            return True
        return False

    @staticmethod
    async def pause(seconds: float) -> None:
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))

    def wait_step(self) -> float:
        """Seconds between two claims of a URL another worker holds: a tenth of the lease, at
        most half a second (a killed holder's claim runs out within the lease)."""
        return min(0.5, self.lease / 10)

    def renew(self) -> None:
        """Every claim this worker holds lasts another lease: one held longer than a lease
        (slow image downloads, a long export batch) is not taken by another worker."""
        if not self.claims:
            return
        keys = [key for key, _ in self.claims.values()]
        owner = self.owner()
        d = self.seen.call(lambda store: store.renew(keys, owner, self.lease))
        d.addErrback(self.store_failed, "cannot renew the claims", f"{len(keys)} URLs")

    def item_dropped(self, item: object, response: object, exception: Exception) -> None:
        super().item_dropped(item, response, exception)
        self.item_done(item)

    def item_done(self, item: Any) -> None:
        """An article this worker claimed left the pipelines: release the claim."""
        held = self.claims.pop(id(item), None)
        if held is None:
            return
        key, run = held
        owner = self.owner()
        d = self.seen.call(lambda store: store.release(key, run, owner))
        d.addErrback(self.store_failed, "cannot release the claim on", key)

    def store_failed(self, failure: Failure, what: str, url: str) -> None:
        """A claim that cannot be renewed or released runs out with its lease: only counted
        and logged."""
        self.stats.inc_value("seen_store/errors")
        error = failure.getErrorMessage()
        logger.error("Seen-store: %s %s: %s", what, url, error)
