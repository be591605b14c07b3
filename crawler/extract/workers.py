"""Article pages read in worker processes (EXTRACT_PROCESSES), off the reactor's thread.

A crawl runs on one thread: Scrapy's reactor downloads, schedules, runs the pipelines and, in
the spider's callback, reads each article page (``read_page``: ``extract_article`` and the
article's next page). Reading a page needs nothing of the reactor, so the ``ExtractWorkers``
extension has a pool of worker processes (``concurrent.futures.ProcessPoolExecutor``, started
by a ``forkserver`` that has imported the extraction code once) read them while the reactor
goes on, and a second core does the work.

- The pool starts once ``EXTRACT_PROCESSES_AFTER`` article pages have been read in a crawl
  (a small crawl, a test's, never starts one); it is started on a thread, and pages are read
  in the reactor's thread until it is up. It is shut down when the spider closes.
- A worker is sent the response's class, URL, headers, body and the encoding it was given,
  and builds the same response (so the same text, the same tree, the same article).
- A page the workers could not read (a worker died, a value would not pickle, an error) is
  read again in the reactor's thread, as it is without workers: no article is lost. Each is
  counted under ``extract/workers/fallback`` and logged in one line; a pool whose worker died
  is replaced (``extract/workers/restarts``), at most ``MAX_RESTARTS`` times a crawl.
- What the extraction code logs in a worker is sent back with the page's result and logged
  by the crawl's own loggers.

Stats: ``extract/workers/pages`` (pages read by a worker), ``extract/workers/fallback``,
``extract/workers/restarts``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
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


def default_processes() -> int:
    """EXTRACT_PROCESSES when unset: one process a CPU beside the reactor's, at most 4."""
    return max(0, min((os.cpu_count() or 1) - 1, 4))


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


class ExtractWorkers:
    """An extension (EXTENSIONS): the pool of EXTRACT_PROCESSES worker processes that the
    seed spider's ``read`` hands article pages to. Not enabled with EXTRACT_PROCESSES = 0."""

    def __init__(self, crawler: Crawler, processes: int, after: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.processes = processes
        self.after = after
        self.pages = 0
        self.restarts = 0
        self.pool: ProcessPoolExecutor | None = None
        self.starting: defer.Deferred | None = None
        # No pool (again): the spider closed, the pool could not start, or died too often.
        self.off = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        setting = crawler.settings.get("EXTRACT_PROCESSES")
        processes = default_processes() if setting in (None, "") else int(setting)
        if processes <= 0:
            raise NotConfigured
        after = crawler.settings.getint("EXTRACT_PROCESSES_AFTER")
        workers = cls(crawler, processes, after)
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
            if self.pages >= self.after:
                self.start()
            return read_page(response, options)
        pool = self.pool
        try:
            future = pool.submit(
                _read_in_worker,
                kind,
                response.url,
                dict(response.headers),
                response.body,
                getattr(response, "_encoding", None),
                options,
            )
            article, following, records = await self.result(future)
        except Exception as exc:
            self.failed(pool, response, exc)
            return read_page(response, options)
        self.stats.inc_value("extract/workers/pages")
        for record in records:
            logging.getLogger(record.name).handle(record)
        return article, following

    async def result(self, future: Future) -> Any:
        """The future's result, awaited on the reactor (asyncio's or another)."""
        if is_asyncio_available():
            return await asyncio.wrap_future(future)
        from twisted.internet import reactor

        waiting: defer.Deferred = defer.Deferred()

        def done(future: Future) -> None:
            if future.exception() is not None:
                reactor.callFromThread(waiting.errback, future.exception())
            else:
                reactor.callFromThread(waiting.callback, future.result())

        future.add_done_callback(done)
        return await maybe_deferred_to_future(waiting)

    def failed(self, pool: ProcessPoolExecutor, response: Response, exc: Exception) -> None:
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
            pool.shutdown(wait=False, cancel_futures=True)
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
        starting = threads.deferToThread(self.new_pool)
        self.starting = starting
        starting.addCallbacks(self._up, self._not_up)

    def new_pool(self) -> ProcessPoolExecutor:
        """A pool of EXTRACT_PROCESSES workers, each started (blocks until they are); they
        log from the level the crawl's handlers keep."""
        level = max(handled_level(), logging.getLogger().getEffectiveLevel())
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        pool = ProcessPoolExecutor(
            self.processes, mp_context=context, initializer=_start_worker, initargs=(level,)
        )
        # Every worker started and ready: the first pages are not kept waiting for them.
        for future in [pool.submit(os.getpid) for _ in range(self.processes)]:
            future.result()
        return pool

    def _up(self, pool: ProcessPoolExecutor) -> None:
        self.starting = None
        if self.off:
            pool.shutdown(wait=False, cancel_futures=True)
            return
        self.pool = pool
        logger.info("Article pages are read by %d worker processes", self.processes)

    def _not_up(self, failure: Any) -> None:
        self.starting = None
        self.off = True
        self.stats.inc_value("extract/workers/not_started")
        logger.error(
            "Worker processes could not start (%s): pages are read in the crawl's thread",
            failure.getErrorMessage(),
        )

    def close(self) -> None:
        """Shut the pool down (spider_closed, engine_stopped): its workers end."""
        self.off = True
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
