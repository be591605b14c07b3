"""The scheduler of a distributed worker: scrapy-redis's, taking requests from the shared
frontier under a lease, and closing the worker once the frontier has stayed empty."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, ClassVar

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.request import request_from_dict

from crawler.distributed import worker_id
from crawler.distributed.compat import Scheduler, in_progress, wake
from crawler.distributed.frontier import Frontier, FrontierState, WorkerIdTaken, shown_url
from crawler.runs import Run

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)


class WorkerScheduler(Scheduler):
    """scrapy-redis's scheduler (queue and dupefilter in Redis, shared by every worker of a
    seed), with a lease on what each worker takes (crawler.distributed.frontier.Frontier):

    - at open, the worker joins the run: the first one of a run (no run yet, or the last one
      died with nothing left to do) starts it, and its start requests (the channel pages) fill
      the frontier; the others' are filtered by the shared dupefilter. The run's id names
      every worker's files (``Run.join``);
    - a request taken from the queue is held in the worker's in-flight set until the engine is
      done with it (downloaded, parsed, its items through the pipelines), then acknowledged;
      the requests of a worker that stops renewing its lease (killed, frozen) are put back in
      the queue by the others, after WORKER_LEASE_SECONDS;
    - the worker closes (reason ``finished``) once the frontier, queue and every worker's
      in-flight set, has been empty for IDLE_CLOSE_SECONDS; the last worker to leave ends
      the run (its dupefilter is cleared; the next crawl starts a new run).

    SCHEDULER_PERSIST must be True (the add-on sets it): scrapy-redis would otherwise clear the
    shared queue when the first worker closes.
    """

    # Seconds between heartbeats: at most this, and at most a third of the lease.
    BEAT: ClassVar[float] = 0.5

    crawler: Crawler
    frontier: Frontier | None = None
    loop: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        settings = crawler.settings
        scheduler.worker = worker_id(settings)
        scheduler.lease = settings.getfloat("WORKER_LEASE_SECONDS")
        scheduler.idle_close = settings.getfloat("IDLE_CLOSE_SECONDS")
        # The requests this worker took, and how the frontier holds each (its encoded form).
        scheduler.held: dict[Request, bytes] = {}
        scheduler.empty_since: float | None = None
        scheduler.state: FrontierState | None = None
        # Redis failed under the worker: it stops, acknowledging nothing more.
        scheduler.lost = False
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Spider) -> None:
        super().open(spider)
        if in_progress(self.crawler) is None:
            self.refuse(
                "this Scrapy does not show which requests its engine holds "
                "(crawler.distributed.compat.in_progress): the distributed mode cannot run",
                "scrapy_incompatible",
            )
            return
        run = self.crawler.get_extension(Run)
        if run is None:
            self.refuse("crawler.runs.Run is not in EXTENSIONS: no run to join", "no_run")
            return
        frontier = Frontier(
            self.server, spider.name, self.worker, self.lease, self.queue_key, self.dupefilter_key
        )
        try:
            joined = frontier.join(run.id)
        except WorkerIdTaken as exc:
            error = f"{exc} of {spider.name}: give each worker its own WORKER_ID"
            self.refuse(error, "worker_id_taken")
            return
        except RedisError as exc:
            url = shown_url(self.crawler.settings.get("REDIS_URL"))
            self.refuse(f"REDIS_URL {url}: cannot reach it: {exc}", "frontier_error")
            return
        self.frontier = frontier
        run.join(joined.run_id, self.worker)
        if joined.first:
            logger.info(
                "Worker %s starts run %s of %s: it puts the channel pages in the frontier",
                self.worker,
                joined.run_id,
                spider.name,
            )
        else:
            logger.info(
                "Worker %s joins run %s of %s (%d requests queued)",
                self.worker,
                joined.run_id,
                spider.name,
                len(self.queue),
            )
        self.reclaimed(joined.reclaimed)
        from twisted.internet.task import LoopingCall

        self.loop = LoopingCall(self.beat)
        self.loop.start(min(self.BEAT, self.lease / 3), now=False)

    def refuse(self, error: str, reason: str) -> None:
        """Stop the worker before any request, the crawl command exiting 1 with ``error``: it
        takes nothing from the frontier, and closes when the spider opens (the engine lets
        the other components open first)."""
        logger.error("%s", error)
        if self.stats is not None:
            self.stats.set_value("run/error", error)

        def stop() -> None:
            raise CloseSpider(reason)

        self.refused = stop  # kept: the signal holds its receivers weakly
        self.crawler.signals.connect(stop, signal=signals.spider_opened)

    def reclaimed(self, count: int) -> None:
        if count:
            self.stats.inc_value("frontier/reclaimed", count)
            logger.warning(
                "%d requests held by workers that stopped renewing their lease are back in the "
                "frontier",
                count,
            )

    def lost_frontier(self, exc: Exception, stop: bool = True) -> None:
        """Redis failed under the worker: it stops (the crawl command exits 1 with the line)
        and acknowledges nothing more, so that whatever it held, including the pages whose
        links it could not put in the frontier, goes back to the other workers once its lease
        has run out."""
        if self.lost:
            return
        self.lost = True
        url = shown_url(self.crawler.settings.get("REDIS_URL"))
        error = f"lost the frontier at REDIS_URL {url}: {' '.join(str(exc).split())}"
        logger.error("%s", error)
        self.stats.set_value("run/error", error)
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if stop:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="frontier_error"))

    def enqueue_request(self, request: Request) -> bool:
        if self.lost:
            return False
        try:
            return super().enqueue_request(request)
        except RedisError as exc:
            self.lost_frontier(exc)
            return False

    def next_request(self) -> Request | None:
        if self.lost or self.frontier is None:
            return None
        try:
            self.acknowledge()
            return self.take()
        except RedisError as exc:
            self.lost_frontier(exc)
            return None

    def take(self) -> Request | None:
        """The next request of the frontier, now held by this worker, or None."""
        while True:
            member = self.frontier.take()
            if member is None:
                return None
            try:
                request = request_from_dict(self.queue.serializer.loads(member), spider=self.spider)
            except Exception as exc:
                # A request another version of the seed put in (its callback gone): dropped.
                self.frontier.ack([member])
                self.stats.inc_value("frontier/undecodable")
                logger.error("A request in the frontier cannot be read, dropped: %s", exc)
                continue
            self.held[request] = member
            self.stats.inc_value("scheduler/dequeued/redis")
            return request

    def acknowledge(self) -> None:
        """Remove from the frontier every request taken that the engine is done with."""
        if not self.held or self.frontier is None or self.lost:
            return
        active = in_progress(self.crawler) or set()
        done = [request for request in self.held if request not in active]
        if done:
            self.frontier.ack([self.held.pop(request) for request in done])

    def beat(self) -> None:
        """Renew the lease, acknowledge what is done, and wake the engine when the frontier
        has requests for it (or when it may be idle, to judge whether to close)."""
        try:
            self.acknowledge()
            self.state = self.frontier.beat()
        except RedisError as exc:
            self.lost_frontier(exc)
            return
        if self.state.lapsed:
            logger.warning(
                "Worker %s renewed its lease late (WORKER_LEASE_SECONDS=%s): the requests it "
                "held may be fetched again by another worker",
                self.worker,
                self.lease,
            )
        self.reclaimed(self.state.reclaimed)
        if self.state.queued or not self.held:
            wake(self.crawler)

    def spider_idle(self) -> None:
        """Keep an idle worker open while the frontier has, or may yet get, requests, and for
        IDLE_CLOSE_SECONDS after it was last seen empty."""
        if self.frontier is None or self.lost:
            return
        try:
            self.acknowledge()
            state = self.state = self.frontier.beat()
        except RedisError as exc:
            self.lost_frontier(exc)
            return
        self.reclaimed(state.reclaimed)
        if not state.empty:
            self.empty_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.empty_since is None:
            self.empty_since = now
        if now - self.empty_since < self.idle_close:
            raise DontCloseSpider
        logger.info(
            "The frontier has been empty for %.0f s (IDLE_CLOSE_SECONDS): worker %s closes",
            now - self.empty_since,
            self.worker,
        )

    def close(self, reason: str) -> None:
        """Leave the run: what the worker still holds goes back to the queue; the last worker
        ends the run. The shared queue and dupefilter are never flushed here."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.frontier is None or self.lost:
            return
        try:
            self.acknowledge()
            given_back, ended = self.frontier.leave()
        except RedisError as exc:
            self.lost_frontier(exc, stop=False)  # closing already
            return
        if given_back:
            logger.warning("Worker %s gave back %d requests", self.worker, given_back)
        if ended:
            run = Run.of(self.crawler).id
            logger.info("Run %s of %s is over: nothing left in its frontier", run, self.spider.name)
        self.frontier = None


class SeedingScheduler(WorkerScheduler):
    """The scheduler of `scrapy seed-frontier NAME`: it joins the run like a worker (starting
    it when there is none), puts the seed's start requests (its channel pages) in the frontier,
    takes none, and leaves as soon as they are in."""

    def next_request(self) -> Request | None:
        return None

    def has_pending_requests(self) -> bool:
        return False

    def spider_idle(self) -> None:
        return None
