"""What one benchmarked crawl cost, measured inside its own process: a Scrapy add-on that any
crawl takes with ``-s ADDONS='{"probe.Probe": 0}' -s BENCH_PROBE_FILE=out.json`` (``bench/`` on
the Python path), ours and the bare reference alike.

The file gets ``{"seconds", "cpu_seconds", "html_pages", "images", "requests", "peak_rss_kb"}``:
wall and process CPU seconds (all threads) from the engine's start to its stop; HTML pages
and images answered (robots.txt is neither); every request downloaded; the process's peak
resident memory, from ``getrusage``. Processes the crawl started (EXTRACT_PROCESSES' forkserver
and workers) are counted in: their CPU seconds and the sum of their peak resident memory,
read from /proc when the spider closes (``workers_cpu_seconds`` gives their CPU alone).

With ``-s BENCH_PROBE_SAMPLES=trace.tsv`` it also writes, every ``BENCH_PROBE_INTERVAL``
seconds (default 5), a line of: seconds since the start, resident memory now (MB, from
``/proc/self/statm``), requests waiting in the scheduler, requests in the downloader, items
scraped: what grows with a crawl's size shows there.
"""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.http import HtmlResponse
from twisted.internet.task import LoopingCall

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import Settings


def rss_mb() -> float:
    """The process's resident memory now, MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def descendants() -> list[Path]:
    """The /proc folders of every process started below this one (a forkserver, its worker
    processes: EXTRACT_PROCESSES), which getrusage's RUSAGE_CHILDREN does not count until they
    end and are waited for (a forkserver's workers never are by this process)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], list(parents.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        found.append(Path(f"/proc/{pid}"))
        todo += parents.get(pid, [])
    return found


def descendants_usage() -> tuple[float, int]:
    """CPU seconds (user + system) and peak resident memory (KB, VmHWM) of the processes
    below this one, summed."""
    ticks = os.sysconf("SC_CLK_TCK")
    cpu, peak = 0.0, 0
    for proc in descendants():
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            status = (proc / "status").read_text()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / ticks
        peak += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0
        )
    return cpu, peak


class Probe:
    """The add-on: enables ProbeExtension."""

    def update_settings(self, settings: Settings) -> None:
        settings.set_in_component_priority_dict("EXTENSIONS", ProbeExtension, 0)


class ProbeExtension:
    """Measures the crawl and writes BENCH_PROBE_FILE when the engine stops."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.path = crawler.settings.get("BENCH_PROBE_FILE")
        self.html_pages = self.images = 0
        self.samples = crawler.settings.get("BENCH_PROBE_SAMPLES")
        self.interval = crawler.settings.getfloat("BENCH_PROBE_INTERVAL", 5)
        self.sampler = LoopingCall(self.sample)
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)
        self.children_cpu, self.children_peak_kb = 0.0, 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProbeExtension:
        return cls(crawler)

    def engine_started(self) -> None:
        self.started, self.cpu_started = time.perf_counter(), cpu_seconds()
        if self.samples:
            Path(self.samples).write_text("seconds\trss_mb\tscheduled\tdownloading\titems\n")
            self.sampler.start(self.interval)

    def sample(self) -> None:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        scheduled = len(slot.scheduler) if slot and slot.scheduler else 0
        downloading = len(engine.downloader.active) if engine and engine.downloader else 0
        items = self.crawler.stats.get_value("item_scraped_count", 0)
        line = f"{time.perf_counter() - self.started:.0f}\t{rss_mb():.1f}\t{scheduled}"
        with Path(self.samples).open("a") as out:
            out.write(f"{line}\t{downloading}\t{items}\n")

    def response_received(self, response: Response) -> None:
        if isinstance(response, HtmlResponse):
            self.html_pages += 1
        elif response.headers.get(b"Content-Type", b"").startswith(b"image/"):
            self.images += 1

    def spider_closed(self) -> None:
        # Before ExtractWorkers (a later extension) shuts its worker processes down.
        self.children_cpu, self.children_peak_kb = descendants_usage()

    def engine_stopped(self) -> None:
        if self.sampler.running:
            self.sampler.stop()
        figures = {
            "seconds": time.perf_counter() - self.started,
            "cpu_seconds": cpu_seconds() - self.cpu_started + self.children_cpu,
            "workers_cpu_seconds": self.children_cpu,
            "html_pages": self.html_pages,
            "images": self.images,
            "requests": self.crawler.stats.get_value("downloader/request_count", 0),
            "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + self.children_peak_kb,
        }
        if self.path:
            Path(self.path).write_text(json.dumps(figures))
