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

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

    from crawler.stores import SeenStore

logger = logging.getLogger(__name__)


class RunDedupePipeline(DedupePipeline):
    """DedupePipeline whose "let through in this run" is shared by the run's workers.

    Before the store is asked whether an article is new, the worker claims its URL in the
    seen-store (``SeenStore.claim``: atomic, for WORKER_LEASE_SECONDS): a URL that another
    worker is handling now, or that a worker already let through in this run, is dropped as
    ``duplicate_in_run``. So two workers that fetch the same article (two addresses with one
    canonical URL) cannot both export it as new. The claim is released once the article has
    gone through every pipeline (``item_scraped``) or was dropped (``item_dropped``,
    ``item_error``), after ExportPipeline recorded it as seen; the URL is then let through
    for the run. A worker killed while it held a claim never releases it: the claim runs out
    with its lease, and the worker that takes back its request handles the article.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.crawler = crawler
        self.lease = crawler.settings.getfloat("WORKER_LEASE_SECONDS")
        # Claims this worker holds: id of the item -> (store key, run key).
        self.claims: dict[int, tuple[str, str]] = {}
        crawler.signals.connect(self.item_done, signal=signals.item_scraped)
        crawler.signals.connect(self.item_done, signal=signals.item_error)

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

        def claim(store: SeenStore) -> bool:
            return store.claim(key, run, owner, self.lease)

        claimed = await maybe_deferred_to_future(self.seen.call(claim))
        if claimed:
            self.claims[id(article.item)] = (key, run)
        else:
            # Another worker has it: should that worker die, the request of the article comes
            # back to the frontier, and this worker may be the one to take it.
            self.this_run.discard(article["url"])
        return claimed

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
        d.addErrback(self.release_failed, key)

    def release_failed(self, failure: Failure, url: str) -> None:
        """A claim that cannot be released runs out with its lease: only counted and logged."""
        self.stats.inc_value("seen_store/errors")
        error = failure.getErrorMessage()
        logger.error("Seen-store: cannot release the claim on %s: %s", url, error)
