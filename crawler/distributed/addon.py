"""The Scrapy add-on (ADDONS) of distributed crawls: scrapy-redis set up when REDIS_URL is set."""

from __future__ import annotations

from importlib.util import find_spec
from typing import TYPE_CHECKING, ClassVar

from scrapy.settings import SETTINGS_PRIORITIES

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class DistributedAddon:
    """When REDIS_URL (scrapy-redis's own setting) is set: scrapy-redis's scheduler and
    dupefilter (ours, crawler.distributed.scheduler and .compat), kept in Redis when a worker
    closes (SCHEDULER_PERSIST), and the dedupe pipeline whose claims on articles are shared by
    the workers (crawler.distributed.dedupe). Without REDIS_URL it changes nothing: a crawl is
    one process, as before."""

    SCHEDULER = "crawler.distributed.scheduler.WorkerScheduler"
    DUPEFILTER_CLASS = "crawler.distributed.compat.RFPDupeFilter"
    # Dupefilters of one process (Scrapy's, the project's on disk): replaced by the shared one,
    # at their priority; any other DUPEFILTER_CLASS is taken to be shared, and kept.
    LOCAL_DUPEFILTERS = (
        "scrapy.dupefilters.RFPDupeFilter",
        "crawler.dupefilters.DiskDupeFilter",
    )
    # Pipelines replaced in the distributed mode, at the same place in ITEM_PIPELINES.
    PIPELINES: ClassVar[dict[str, str]] = {
        "crawler.pipelines.dedupe.DedupePipeline": "crawler.distributed.dedupe.RunDedupePipeline",
    }

    def update_settings(self, settings: BaseSettings) -> None:
        # Without scrapy-redis the crawl command refuses REDIS_URL before the crawl
        # (crawler.distributed.distributed_error): nothing to set up.
        if not settings.get("REDIS_URL") or find_spec("scrapy_redis") is None:
            return
        settings.set("SCHEDULER", self.SCHEDULER, "addon")
        if settings.get("DUPEFILTER_CLASS") in self.LOCAL_DUPEFILTERS:
            priority = max(
                settings.getpriority("DUPEFILTER_CLASS") or 0, SETTINGS_PRIORITIES["addon"]
            )
            settings.set("DUPEFILTER_CLASS", self.DUPEFILTER_CLASS, priority)
        settings.set("SCHEDULER_PERSIST", True, "addon")
        # A flush at start would empty the frontier the other workers are taking from.
        settings.set("SCHEDULER_FLUSH_ON_START", False, "addon")
        pipelines = settings.getdict("ITEM_PIPELINES")
        replaced = {self.PIPELINES.get(path, path): order for path, order in pipelines.items()}
        settings.set("ITEM_PIPELINES", replaced, settings.getpriority("ITEM_PIPELINES") or 0)
