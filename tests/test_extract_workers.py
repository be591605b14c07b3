"""ExtractWorkers (EXTRACT_PROCESSES): a page read in a worker process gives the article the
reactor's thread gives; a page the workers cannot read (a worker killed, a value that does not
pickle) is read in the crawl's thread, counted, and no article is lost."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from conftest import ROOT
from crawler.extract import ExtractOptions
from crawler.extract.workers import ExtractWorkers, read_page
from crawler.seeds import ArticleRules

sys.path.insert(0, str(ROOT / "bench"))
import newssite

OPTIONS = ExtractOptions(
    language="zh",
    timezone="Asia/Shanghai",
    source="bench",
    site="Bench",
    crawled_at=datetime(2026, 12, 1, tzinfo=UTC),
)
# A GBK page that says so only in its <meta>: the worker's response decodes it as the crawl's.
GBK_PAGE = (
    '<html><head><meta charset="gbk"><title>新闻标题</title></head><body><article>'
    + "<p>第一段新闻的正文，写得很长很长。</p>" * 20
    + '<a href="http://[bad">坏链接</a><img src="/img/a.png"></article>'
    + '<a href="/news/1_2.html">下一页</a></body></html>'
).encode("gbk")


@pytest.fixture
def workers():
    crawler = get_crawler(settings_dict={"EXTRACT_PROCESSES": 1, "EXTRACT_PROCESSES_AFTER": 0})
    crawler.stats.open_spider()
    workers = ExtractWorkers.from_crawler(crawler)
    workers.pool = workers.new_pool()
    yield workers
    workers.close()


def bench_pages(tmp_path, count: int = 3) -> list[HtmlResponse]:
    """Pages of the benchmark's site (furniture, images, one GBK page among the first 12)."""
    root = tmp_path / "site"
    newssite.build(root, 12)
    pages = sorted(root.rglob("*.html"))[:count]
    return [
        HtmlResponse(
            url=f"http://127.0.0.1:8000/{path.relative_to(root)}",
            body=path.read_bytes(),
            headers={"Content-Type": "text/html"},
        )
        for path in pages
    ]


def read(workers: ExtractWorkers, response, options):
    """``workers.read(response, options)`` run on an asyncio loop, as a crawl's callback."""
    return asyncio.run(workers.read(response, options))


def stat(workers: ExtractWorkers, name: str) -> int:
    return workers.stats.get_value(f"extract/workers/{name}", 0)


def test_a_worker_reads_the_article_the_crawl_thread_reads(tmp_path, workers):
    pages = [
        *bench_pages(tmp_path),
        HtmlResponse(url="http://127.0.0.1/news/1.html", body=GBK_PAGE),
    ]
    rules = ArticleRules(title="//title/text()", body="//article")
    for response in pages:
        for options in (OPTIONS, replace(OPTIONS, rules=rules)):
            got = read(workers, response, options)
            fresh = response.replace()  # nothing cached of the page read in the worker
            assert got == read_page(fresh, options)
    assert got[0].title == "新闻标题"
    assert got[1] == "http://127.0.0.1/news/1_2.html"
    assert stat(workers, "pages") == 2 * len(pages)
    assert stat(workers, "fallback") == 0


def test_a_worker_logs_through_the_crawl_loggers(workers, caplog):
    response = HtmlResponse(url="http://127.0.0.1/news/1.html", body=GBK_PAGE)
    with caplog.at_level(logging.INFO):
        workers.pool.shutdown()
        workers.pool = workers.new_pool()  # its workers log from INFO up
        read(workers, response, OPTIONS)
    assert stat(workers, "pages") == 1
    left_out = [r for r in caplog.records if r.name == "crawler.urls"]
    assert left_out and "Link left out" in left_out[0].getMessage()
    assert left_out[0].process != os.getpid()


def test_a_killed_worker_loses_no_article(tmp_path, workers):
    (response,) = bench_pages(tmp_path, 1)
    (worker,) = workers.pool.workers
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.join(10)
    got = read(workers, response, OPTIONS)
    assert got == read_page(response.replace(), OPTIONS)
    assert stat(workers, "fallback") == 1
    assert stat(workers, "restarts") == 1
    assert workers.pool is None


def test_options_that_do_not_pickle_are_read_in_the_crawl_thread(tmp_path, workers):
    (response,) = bench_pages(tmp_path, 1)
    options = replace(OPTIONS, categories=("News", lambda: None))
    article, _ = read(workers, response, options)
    assert article.title and article.categories[0] == "News"
    assert stat(workers, "fallback") == 1
    assert stat(workers, "pages") == 0
    # The pool is still up: the next page is read by a worker.
    read(workers, response, OPTIONS)
    assert stat(workers, "pages") == 1


def test_a_page_of_another_class_is_read_in_the_crawl_thread(workers):
    class RenderedResponse(TextResponse):
        pass

    response = RenderedResponse(url="http://127.0.0.1/news/1.html", body=GBK_PAGE)
    article, _ = read(workers, response, OPTIONS)
    assert article.title == "新闻标题"
    assert stat(workers, "pages") == 0
    assert stat(workers, "fallback") == 0


def spin(seconds: float) -> None:
    """Keep this thread busy (its CPU time grows) for about ``seconds``."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(range(1000))


def test_the_pool_starts_only_once_the_crawl_thread_is_busy():
    # A share far under a busy thread's, far above a sleeping one's: a loaded machine (a CI's)
    # gives a spinning thread much less than all of a CPU.
    settings = {"EXTRACT_PROCESSES": 1, "EXTRACT_PROCESSES_AFTER": 3, "EXTRACT_PROCESSES_BUSY": 0.1}
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    workers = ExtractWorkers.from_crawler(crawler)

    def read_pages(count: int, wait) -> list[bool]:
        # What read() asks at each page read in the crawl's thread, the page's work being wait().
        wanted = []
        for _ in range(count):
            workers.pages += 1
            wanted.append(workers.wanted())
            wait(0.05)
        return wanted

    # A crawl waiting on its site (AutoThrottle, a slow server): its thread sleeps.
    assert read_pages(7, time.sleep) == [False] * 7
    assert stat(workers, "not_busy") == 2  # checked at pages 4 and 7, found idle
    # Pages that keep the thread at work: the next check starts the pool.
    assert read_pages(3, spin) == [False, False, True]
    assert stat(workers, "not_busy") == 2


def test_with_no_busy_share_the_pool_starts_after_the_pages():
    settings = {"EXTRACT_PROCESSES": 1, "EXTRACT_PROCESSES_AFTER": 3, "EXTRACT_PROCESSES_BUSY": 0}
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    workers = ExtractWorkers.from_crawler(crawler)
    wanted = []
    for _ in range(3):
        workers.pages += 1
        wanted.append(workers.wanted())
        time.sleep(0.01)
    assert wanted == [False, False, True]
