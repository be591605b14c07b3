"""Article pages read in worker processes (EXTRACT_PROCESSES), off the reactor's thread.

A crawl runs on one thread: Scrapy's reactor downloads, schedules, runs the pipelines and, in
the spider's callback, reads each article page (``read_page``: ``extract_article`` and the
article's next page). Reading a page needs nothing of the reactor, so the ``ExtractWorkers``
extension has worker processes (``PipePool``: started by a ``forkserver`` that has imported
the extraction code once) read them while the reactor goes on, and a second core does the
work. Each worker has a pipe, written and read from the asyncio loop itself (the project's
reactor is asyncio's): ``concurrent.futures.ProcessPoolExecutor`` was tried first, and its
two threads in the crawl's process (moving each page to a queue, then its result back) cost
the reactor's thread as much GIL time as the extraction they spared it. Another reactor than
asyncio's reads every page in its own thread.

- The pool starts once ``EXTRACT_PROCESSES_AFTER`` article pages have been read in a crawl
  (a small crawl, a test's, never starts one) while the reactor's thread was busy at least
  ``EXTRACT_PROCESSES_BUSY`` of the time (its CPU time over the wall time since the last
  check, ``time.thread_time``), checked every ``EXTRACT_PROCESSES_AFTER`` pages: a crawl that
  waits on its sites (AutoThrottle, a slow server) leaves that thread idle, and a second
  process would cost its memory and start-up for nothing. It is started on a thread, and
  pages are read in the reactor's thread until it is up. It is shut down when the spider
  closes.
- A worker is sent the response's class, URL, headers, body and the encoding it was given,
  and builds the same response (so the same text, the same tree, the same article); one
  page at a time, the others waiting in the crawl's process.
- A page the workers could not read (a worker died, a value would not pickle, an error) is
  read again in the reactor's thread, as it is without workers: no article is lost. Each is
  counted under ``extract/workers/fallback`` and logged in one line; a pool whose worker died
  is replaced (``extract/workers/restarts``), at most ``MAX_RESTARTS`` times a crawl.
- What the extraction code logs in a worker is sent back with the page's result and logged
  by the crawl's own loggers.

Stats: ``extract/workers/pages`` (pages read by a worker), ``extract/workers/not_busy``
(checks that found the reactor's thread too idle to start the pool), ``extract/workers/fallback``,
``extract/workers/restarts``, ``extract/workers/not_started`` (the workers could not start:
every page read in the reactor's thread, logged).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import time
from collections import deque
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer, threads

from crawler.extract import base_url, extract_article
from crawler.extract.pages import next_page
from crawler.loglevel import handled_level

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from crawler.extract import ExtractOptions
    from crawler.items import Article

logger = logging.getLogger(__name__)

# The response classes a worker rebuilds (a rendered page's own classes are read in the
# reactor's thread); by exact class.
CLASSES: dict[str, type[TextResponse]] = {
    "html": HtmlResponse,
    "xml": XmlResponse,
    "text": TextResponse,
}
KINDS = {cls: kind for kind, cls in CLASSES.items()}
# Pools replaced after a worker died, at most, in one crawl; then every page is read in the
# reactor's thread.
MAX_RESTARTS = 3


def read_page(response: Response, options: ExtractOptions) -> tuple[Article, str | None]:
    """What the spider reads of an article page: its article (``extract_article``) and the
    absolute URL of its next page, or None (``crawler.extract.pages.next_page``). The one
    function run for a page, in a worker or in the reactor's thread."""
    article = extract_article(response, options)
    following = next_page(response, options.rules, base_url(response.selector, response.url))
    return article, following


def default_processes(crawls: int = 1) -> int:
    """EXTRACT_PROCESSES = "auto": the CPUs beside the reactors' threads of ``crawls``
    crawls running at once, shared between them, at most 4 a crawl (1 for one crawl on 2 CPUs;
    none for `scrapy schedule`'s 4 crawls on 2 CPUs, which keep both busy already)."""
    crawls = max(1, crawls)
    spare = usable_cpus() - crawls
    return max(0, min(spare // crawls, 4))


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity (``taskset``, a container's cpuset)
    where the system tells it, else ``os.cpu_count()``."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class _Records(logging.Handler):
    """A worker's handler: the records of the page being read, made picklable."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg = record.getMessage()
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


_records: _Records | None = None


def _start_worker(level: int) -> None:
    """A worker's initializer: its records kept for the crawl, from ``level`` up."""
    global _records
    _records = _Records()
    root = logging.getLogger()
    root.handlers = [_records]
    root.setLevel(level)


def _read_in_worker(
    kind: str, url: str, headers: dict, body: bytes, encoding: str | None, options: ExtractOptions
) -> tuple[Article, str | None, list[logging.LogRecord]]:
    """``read_page`` of the response these parts make; with the records it logged."""
    assert _records is not None
    _records.records = []
    response = CLASSES[kind](url=url, headers=headers, body=body, encoding=encoding)
    article, following = read_page(response, options)
    return article, following, _records.records


def _serve(conn: Any, level: int) -> None:
    """A worker process's loop: each message its pickled ``_read_in_worker`` arguments, each
    answer ``("ok", result)`` or ``("error", exception)``, pickled; ends when the pipe does."""
    _start_worker(level)
    conn.send_bytes(b"ready")
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            answer = pickle.dumps(("ok", _read_in_worker(*pickle.loads(data))), protocol=5)
        except Exception as exc:
            try:
                answer = pickle.dumps(("error", exc), protocol=5)
            except Exception:
                answer = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        conn.send_bytes(answer)


class _Worker:
    """One worker process and its pipe; one page in it at a time, the others waiting here."""

    def __init__(self, context: Any, level: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, level), daemon=True)
        self.process.start()
        child.close()
        self.sent: asyncio.Future | None = None
        self.waiting: deque[tuple[bytes, asyncio.Future]] = deque()

    def load(self) -> int:
        return len(self.waiting) + (self.sent is not None)


class PipePool:
    """Worker processes fed through their pipes from the asyncio loop's own thread: a page's
    arguments pickled here and written to an idle worker's pipe, its answer read when the
    loop sees the pipe readable. No thread of the pool's (ProcessPoolExecutor's two threads
    take the GIL from the reactor's at each page, more than a page's extraction)."""

    def __init__(self, processes: int, level: int):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        self.workers = [_Worker(context, level) for _ in range(processes)]
        for worker in self.workers:
            if worker.conn.recv_bytes() != b"ready":
                raise RuntimeError("a worker process did not start")
        self.loop: asyncio.AbstractEventLoop | None = None
        self.broken = False

    def attach(self) -> None:
        """Watch the pipes on the running asyncio loop (the reactor's)."""
        loop = asyncio.get_running_loop()
        if loop is self.loop:
            return
        self.loop = loop
        for worker in self.workers:
            self.loop.add_reader(worker.conn.fileno(), self._readable, worker)

    def submit(self, args: tuple) -> asyncio.Future:
        if self.broken:
            raise BrokenProcessPool("a worker process died")
        data = pickle.dumps(args, protocol=5)
        assert self.loop is not None
        future = self.loop.create_future()
        worker = min(self.workers, key=_Worker.load)
        worker.waiting.append((data, future))
        self._send(worker)
        return future

    def _send(self, worker: _Worker) -> None:
        if worker.sent is None and worker.waiting:
            data, future = worker.waiting.popleft()
            worker.sent = future
            try:
                worker.conn.send_bytes(data)
            except OSError:
                self._died(worker)

    def _readable(self, worker: _Worker) -> None:
        try:
            status, value = pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError):
            self._died(worker)
            return
        future, worker.sent = worker.sent, None
        if future is not None and not future.done():
            if status == "ok":
                future.set_result(value)
            else:
                future.set_exception(value)
        self._send(worker)

    def _died(self, worker: _Worker) -> None:
        """A worker gone: the pool is broken; every page it held fails (and is read again)."""
        self.broken = True
        for one in self.workers:
            futures = [one.sent] if one.sent else []
            futures += [future for _, future in one.waiting]
            one.sent, one.waiting = None, deque()
            for future in futures:
                if not future.done():
                    future.set_exception(BrokenProcessPool("a worker process died"))
        self.shutdown()

    def shutdown(self) -> None:
        for worker in self.workers:
            if self.loop is not None and not self.loop.is_closed():
                self.loop.remove_reader(worker.conn.fileno())
            worker.conn.close()
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
        self.workers = []


class ExtractWorkers:
    """An extension (EXTENSIONS): the pool of EXTRACT_PROCESSES worker processes that the
    seed spider's ``read`` hands article pages to. Not enabled with EXTRACT_PROCESSES = 0."""

    def __init__(
        self, crawler: Crawler, processes: int, after: int, busy: float = 0.0, auto: bool = False
    ):
        self.crawler = crawler
        self.stats = crawler.stats
        self.processes = processes
        self.after = after
        self.busy = busy
        self.auto = auto
        # (wall time, the reactor thread's CPU time, pages read) at the last busy check.
        self.window: tuple[float, float, int] | None = None
        self.pages = 0
        self.restarts = 0
        self.pool: PipePool | None = None
        self.starting: defer.Deferred | None = None
        # No pool (again): the spider closed, the pool could not start, or died too often.
        self.off = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        setting = crawler.settings.get("EXTRACT_PROCESSES")
        processes = (
            default_processes()
            if setting == "auto"
            else crawler.settings.getint("EXTRACT_PROCESSES")
        )
        if processes <= 0:
            raise NotConfigured
        after = crawler.settings.getint("EXTRACT_PROCESSES_AFTER")
        busy = crawler.settings.getfloat("EXTRACT_PROCESSES_BUSY")
        workers = cls(crawler, processes, after, busy, auto=setting == "auto")
        crawler.signals.connect(workers.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(workers.close, signal=signals.spider_closed)
        crawler.signals.connect(workers.close, signal=signals.engine_stopped)
        return workers

    async def spider_opened(self) -> None:
        """With EXTRACT_PROCESSES_AFTER = 0, the pool is started before the first page, and
        the crawl waits for it: every article page is read by a worker."""
        if self.after <= 0:
            self.start()
            if self.starting is not None:
                await maybe_deferred_to_future(self.starting)

    async def read(self, response: Response, options: ExtractOptions) -> tuple[Article, str | None]:
        """``read_page(response, options)``, in a worker when the pool is up, else here."""
        self.pages += 1
        kind = KINDS.get(type(response))
        if self.pool is None or kind is None:
            if self.wanted():
                self.start()
            return read_page(response, options)
        pool = self.pool
        try:
            pool.attach()
            future = pool.submit(
                (
                    kind,
                    response.url,
                    dict(response.headers),
                    response.body,
                    getattr(response, "_encoding", None),
                    options,
                )
            )
            article, following, records = await future
        except Exception as exc:
            self.failed(pool, response, exc)
            return read_page(response, options)
        self.stats.inc_value("extract/workers/pages")
        for record in records:
            logging.getLogger(record.name).handle(record)
        return article, following

    def wanted(self) -> bool:
        """Whether the pool is to start now (called in the reactor's thread at each page read
        there): ``after`` pages read, and, unless ``busy`` is 0, the reactor's thread busy at
        least ``busy`` of the time over the last ``after`` pages (its CPU time,
        ``time.thread_time``, over the wall time); a check that finds it idler starts the next
        window and is counted (``extract/workers/not_busy``)."""
        if self.pool is not None or self.starting is not None or self.off:
            return False
        if self.busy <= 0:
            return self.pages >= self.after
        now, cpu = time.perf_counter(), time.thread_time()
        if self.window is None:
            self.window = (now, cpu, self.pages)
        since, since_cpu, since_pages = self.window
        if self.pages - since_pages < max(self.after, 1):
            return False
        self.window = (now, cpu, self.pages)
        share = (cpu - since_cpu) / max(now - since, 1e-9)
        if share >= self.busy:
            logger.info(
                "The crawl's thread is busy %.0f%% of the time: worker processes start",
                100 * min(share, 1.0),
            )
            return True
        self.stats.inc_value("extract/workers/not_busy")
        return False

    def failed(self, pool: PipePool, response: Response, exc: Exception) -> None:
        """A page the workers could not read: counted and logged; a broken pool let go (the
        next page starts another, MAX_RESTARTS times at most)."""
        self.stats.inc_value("extract/workers/fallback")
        logger.warning(
            "A worker process could not read %s (%s: %s): read in the crawl's thread",
            response.url,
            type(exc).__name__,
            str(exc).splitlines()[0] if str(exc) else "",
        )
        if isinstance(exc, BrokenProcessPool) and self.pool is pool:
            self.pool = None
            pool.shutdown()
            if self.restarts < MAX_RESTARTS:
                self.restarts += 1
                self.stats.inc_value("extract/workers/restarts")
            else:
                self.off = True
                logger.error(
                    "Worker processes died %d times: every page is read in the crawl's thread",
                    MAX_RESTARTS + 1,
                )

    def start(self) -> None:
        """Start the pool on a thread (its forkserver imports the extraction code); pages are
        read here until it is up."""
        if self.pool is not None or self.starting is not None or self.off:
            return
        if not is_asyncio_available():
            self.off = True
            # Asked for by number: said as a warning; "auto", the default: as information.
            logger.log(
                logging.INFO if self.auto else logging.WARNING,
                "EXTRACT_PROCESSES needs the asyncio reactor (TWISTED_REACTOR): pages are read "
                "in the crawl's thread",
            )
            return
        starting = threads.deferToThread(self.new_pool)
        self.starting = starting
        starting.addCallbacks(self._up, self._not_up)

    def new_pool(self) -> PipePool:
        """A pool of EXTRACT_PROCESSES workers, each started (blocks until they are); they
        log from the level the crawl's handlers keep."""
        level = max(handled_level(), logging.getLogger().getEffectiveLevel())
        return PipePool(self.processes, level)

    def _up(self, pool: PipePool) -> None:
        self.starting = None
        if self.off:
            pool.shutdown()
            return
        pool.attach()
        self.pool = pool
        logger.info(
            "Article pages are read by %d worker process%s",
            self.processes,
            "" if self.processes == 1 else "es",
        )

    def _not_up(self, failure: Any) -> None:
        self.starting = None
        self.off = True
        self.stats.inc_value("extract/workers/not_started")
        # Asked for by number: an error; under "auto", the default, the crawl does its job
        # without them: a warning.
        logger.log(
            logging.WARNING if self.auto else logging.ERROR,
            "Worker processes could not start (%s): pages are read in the crawl's thread",
            failure.getErrorMessage(),
        )

    def close(self) -> None:
        """Shut the pool down (spider_closed, engine_stopped): its workers end."""
        self.off = True
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.shutdown()
