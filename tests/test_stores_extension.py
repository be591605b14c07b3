"""The seen-store's owner: back ends registered through DEDUPE_STORES, the abstract base that
refuses an incomplete one, and every store call made off the reactor thread in a real crawl."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from twisted.python import threadable

from conftest import crawl
from crawler.stores import SeenStore, store_class
from crawler.stores.sqlite import SqliteStore
from sites import news

HERE = Path(__file__).parent


class SpyStore(SqliteStore):
    """``spy:///path``: the SQLite store, writing each call's method and thread to path.calls."""

    def __init__(self, path: str):
        super().__init__(path)
        self.calls = Path(f"{path}.calls")
        self.log("open")

    @classmethod
    def from_uri(cls, uri: str) -> SpyStore:
        return cls(uri.removeprefix("spy:///"))

    def log(self, method: str) -> None:
        call = {
            "method": method,
            "thread": threading.get_ident(),
            "main_thread": threading.main_thread().ident,
            "reactor_thread": threadable.isInIOThread(),
        }
        with self.calls.open("a") as calls:
            calls.write(json.dumps(call) + "\n")

    def get(self, url):
        self.log("get")
        return super().get(url)

    def get_many(self, urls):
        self.log("get_many")
        return super().get_many(urls)

    def failures(self, urls):
        self.log("failures")
        return super().failures(urls)

    def record(self, url, **fields):
        self.log("record")
        return super().record(url, **fields)

    def record_many(self, records):
        # ExportPipeline records a batch at once: one "record" logged per article.
        records = list(records)
        for _ in records:
            self.log("record")
        return super().record_many(records)

    def record_failure(self, url, reason, at):
        self.log("record_failure")
        return super().record_failure(url, reason, at)

    def channel_depths(self, source, channels):
        self.log("channel_depths")
        return super().channel_depths(source, channels)

    def record_channel_depth(self, source, channel, depth):
        self.log("record_channel_depth")
        return super().record_channel_depth(source, channel, depth)

    def close(self):
        self.log("close")
        super().close()


class SlowGets(SpyStore):
    """``slow:///path``: the spy, whose batched reads take a while, as a remote store's do."""

    @classmethod
    def from_uri(cls, uri: str) -> SlowGets:
        return cls(uri.removeprefix("slow:///"))

    def get_many(self, urls):
        urls = list(urls)
        self.log(f"get_many {len(urls)}")
        time.sleep(0.3)
        return SqliteStore.get_many(self, urls)


class NoFailures(SeenStore):
    """A back end that forgot failure() (and close())."""

    @classmethod
    def from_uri(cls, uri: str) -> NoFailures:
        return cls()

    def get(self, url):
        return None

    def record(self, url, **fields):
        pass

    def record_failure(self, url, reason, at):
        pass

    def channel_depths(self, source, channels):
        return {}

    def record_channel_depth(self, source, channel, depth):
        pass


SPY = json.dumps({"spy": "test_stores_extension.SpyStore"})


def spy_crawl(seeds: Path, output: Path, store: Path):
    result = crawl(
        "news",
        seeds,
        output,
        "-s",
        f"DEDUPE_STORES={SPY}",
        "-s",
        f"DEDUPE_STORE=spy:///{store}",
        path=(HERE,),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # Its worker thread stopped once, quietly, after the store was closed.
    assert "Traceback" not in result.stderr and "Unhandled error" not in result.stderr
    calls = [json.loads(line) for line in Path(f"{store}.calls").read_text().splitlines()]
    return result, calls


def test_back_end_registered_through_dedupe_stores(news_site, tmp_path):
    _, server, seeds = news_site
    store = tmp_path / "spy" / "seen.sqlite"
    first, calls = spy_crawl(seeds, tmp_path / "one", store)
    assert first.report("news")["exported"] == len(news.EXPORTED)
    methods = [call["method"] for call in calls]
    assert methods[0] == "open" and methods[-1] == "close"
    assert methods.count("record") == len(news.EXPORTED)
    # The 404 page and the one without a body: remembered as failures.
    assert methods.count("record_failure") == 2
    # Read down to max_pages, its one channel's depth recorded at the end.
    assert methods[1] == "channel_depths" and methods[-2] == "record_channel_depth"
    assert not (tmp_path / "one" / "state" / "seen.sqlite").exists()

    server.hits.clear()
    second, calls = spy_crawl(seeds, tmp_path / "two", store)
    assert second.report("news")["exported"] == 0
    assert [p for p in server.paths() if p != "/robots.txt"] == ["/list/1.html"]
    # The channel's depth read, and one listing page: its links looked up in one batched call,
    # not one call each.
    methods = [call["method"] for call in calls][len(methods) :]
    assert methods == ["open", "channel_depths", "get_many", "failures", "close"]


def test_articles_asked_of_the_store_while_it_answers_go_together(news_site, tmp_path):
    _, _, seeds = news_site
    store = tmp_path / "slow" / "seen.sqlite"
    stores = json.dumps({"slow": "test_stores_extension.SlowGets"})
    settings = ["-s", f"DEDUPE_STORES={stores}", "-s", f"DEDUPE_STORE=slow:///{store}"]
    result = crawl("news", seeds, tmp_path / "out", *settings, path=(HERE,))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.report("news")["exported"] == len(news.EXPORTED)
    calls = [json.loads(line)["method"] for line in Path(f"{store}.calls").read_text().splitlines()]
    sizes = [int(call.split()[1]) for call in calls if call.startswith("get_many")]
    # The listing page's lookup, then DedupePipeline's reads: fewer hops than articles, and
    # every article read.
    assert "get" not in calls
    assert sum(sizes[1:]) >= len(news.EXPORTED)
    assert len(sizes) - 1 < len(news.EXPORTED), sizes


def test_store_calls_run_on_one_thread_off_the_reactor(news_site, tmp_path):
    _, _, seeds = news_site
    _, calls = spy_crawl(seeds, tmp_path / "out", tmp_path / "spy" / "seen.sqlite")
    assert len(calls) > len(news.EXPORTED)
    assert len({call["thread"] for call in calls}) == 1  # one worker: writes stay in order
    for call in calls:
        assert not call["reactor_thread"], call
        assert call["thread"] != call["main_thread"], call


def test_abstract_base_refuses_a_back_end_missing_a_method(news_site, tmp_path):
    with pytest.raises(TypeError, match="failure"):
        NoFailures.from_uri("nofail://")
    settings = {"DEDUPE_STORES": {"nofail": "test_stores_extension.NoFailures"}}
    from scrapy.settings import Settings

    with pytest.raises(NotConfigured, match="NoFailures lacks close, failure"):
        store_class("nofail://", Settings(settings))
    # The crawl refuses it in one line, before any request.
    _, server, seeds = news_site
    result = crawl(
        "news",
        seeds,
        tmp_path / "out",
        "-s",
        f"DEDUPE_STORES={json.dumps(settings['DEDUPE_STORES'])}",
        "-s",
        "DEDUPE_STORE=nofail://",
        path=(HERE,),
    )
    assert result.returncode == 1
    assert "NoFailures lacks close, failure" in result.stderr
    assert "Traceback" not in result.stderr
    assert server.hits == []


def test_dedupe_stores_can_disable_a_scheme(news_site, tmp_path):
    _, server, seeds = news_site
    result = crawl(
        "news",
        seeds,
        tmp_path / "out",
        "-s",
        'DEDUPE_STORES={"memory": null}',
        "-s",
        "DEDUPE_STORE=memory://",
    )
    assert result.returncode == 1
    assert "the scheme must be one of sqlite, redis" in result.stderr
    assert server.hits == []


class BatchSizes(SpyStore):
    """``batches:///path``: the spy, logging how many articles each export batch recorded."""

    @classmethod
    def from_uri(cls, uri: str) -> BatchSizes:
        return cls(uri.removeprefix("batches:///"))

    def record_many(self, records):
        records = list(records)
        self.log(f"record_many {len(records)}")
        return SqliteStore.record_many(self, records)


def test_an_export_batch_waits_for_more_articles(news_site, tmp_path):
    _, _, seeds = news_site
    store = tmp_path / "batches" / "seen.sqlite"
    stores = json.dumps({"batches": "test_stores_extension.BatchSizes"})
    settings = ["-s", f"DEDUPE_STORES={stores}", "-s", f"DEDUPE_STORE=batches:///{store}"]
    settings += ["-s", "EXPORT_BATCH_MAX=4", "-s", "EXPORT_BATCH_WAIT=5"]
    result = crawl("news", seeds, tmp_path / "out", *settings, path=(HERE,))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.report("news")["exported"] == len(news.EXPORTED)
    calls = [json.loads(line)["method"] for line in Path(f"{store}.calls").read_text().splitlines()]
    sizes = [int(call.split()[1]) for call in calls if call.startswith("record_many")]
    # Every batch waited until it was full, but the last, written once its first article had
    # waited EXPORT_BATCH_WAIT.
    assert sum(sizes) == len(news.EXPORTED)
    assert sizes[:-1] == [4] * (len(sizes) - 1), sizes
