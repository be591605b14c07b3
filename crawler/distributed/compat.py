"""Where scrapy-redis 0.9.1 and Scrapy 2.19 do not fit together, mended in one place; one
comment per defect, to drop when upstream fixes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter as ScrapyRedisDupeFilter
from scrapy_redis.scheduler import Scheduler as ScrapyRedisScheduler

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler


class RFPDupeFilter(ScrapyRedisDupeFilter):
    """scrapy-redis's dupefilter (one Redis set per spider, shared by its workers), mended:

    1. Its ``request_fingerprint`` hashes its own (method, canonical URL, body) and ignores
       REQUEST_FINGERPRINTER_CLASS (Scrapy 2.7+), so it disagrees with every other component
       that fingerprints (scrapy-splash's fingerprinter tells Splash requests apart by their
       arguments): ours asks the crawler's request fingerprinter.
    2. Its ``log`` does not count ``dupefilter/filtered`` in the stats, as Scrapy's
       dupefilter does and the run report reads: ours does.
    """

    crawler: Crawler | None = None

    @classmethod
    def from_spider(cls, spider: Spider) -> Self:
        dupefilter = super().from_spider(spider)
        dupefilter.crawler = spider.crawler
        return dupefilter

    def request_fingerprint(self, request: Request) -> str:
        if self.crawler is None or self.crawler.request_fingerprinter is None:
            return super().request_fingerprint(request)
        return self.crawler.request_fingerprinter.fingerprint(request).hex()

    def log(self, request: Request, spider: Spider) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value("dupefilter/filtered")
        super().log(request, spider)


def in_progress(crawler: Crawler) -> set[Request] | None:
    """The requests the engine is downloading or whose response (or failure) it is still
    handling, items through the pipelines included; None when Scrapy no longer exposes them.

    Scrapy has no signal for "this request is done with": the downloader's ``active`` set and
    the scraper slot's ``active`` set and queue (attributes without a leading underscore, but
    not documented) together hold every request between the scheduler and its end. A request
    is in one of them from the moment the engine takes it from the scheduler (the engine
    calls the downloader at once) until its callback's items have left the pipelines.
    """
    engine = crawler.engine
    downloader = getattr(engine, "downloader", None)
    scraper = getattr(engine, "scraper", None)
    if not (hasattr(downloader, "active") and hasattr(scraper, "slot")):
        return None
    slot = scraper.slot
    if slot is None:  # the scraper is not open yet, or closed: it holds nothing
        return set(downloader.active)
    if not (hasattr(slot, "active") and hasattr(slot, "queue")):
        return None
    queued = {entry[1] for entry in slot.queue}
    return set(downloader.active) | set(slot.active) | queued


def wake(crawler: Crawler) -> None:
    """Ask the engine for the scheduler's next requests now.

    Scrapy's engine asks an idle scheduler again only on its slot heartbeat, every 5 seconds
    (``ExecutionEngine._SLOT_HEARTBEAT_INTERVAL``), with no public way to wake it: a worker
    would sit up to 5 s beside requests the others put in the frontier. Without the private
    ``_slot.nextcall`` (a Scrapy that changed it), the heartbeat still wakes it, only later.
    """
    slot: Any = getattr(crawler.engine, "_slot", None)
    nextcall = getattr(slot, "nextcall", None)
    if nextcall is not None:
        nextcall.schedule()


class Scheduler(ScrapyRedisScheduler):
    """scrapy-redis's scheduler, mended:

    3. ``enqueue_request`` and ``next_request`` pass ``spider=`` to ``StatsCollector.inc_value``,
       which Scrapy 2.19 deprecates: one warning per request.
    4. ``open`` logs through ``Spider.log()``, which Scrapy 2.19 deprecates (a warning in the
       log of every worker that joins a frontier holding requests).
    """

    def open(self, spider: Spider) -> None:
        self.spider = spider
        try:
            self.queue = load_object(self.queue_cls)(
                server=self.server,
                spider=spider,
                key=self.queue_key % {"spider": spider.name},
                serializer=self.serializer,
            )
        except TypeError as exc:
            raise ValueError(f"SCHEDULER_QUEUE_CLASS {self.queue_cls!r}: {exc}") from exc
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop(self.idle_before_close)
        if request and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
