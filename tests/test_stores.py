"""The seen-store behind one interface: SQLite, memory and a real Redis server keep the same
records; a crawl on Redis does not export twice, nor read again the pages another read."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest

from conftest import crawl, next_second, require
from crawler.stores import Written, open_store
from sites import news, paged


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server of our own on a free port of 127.0.0.1, stopped after the tests."""
    server = shutil.which("redis-server")
    require(server is not None, "redis-server is not installed (.ci/run installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(params=["sqlite", "memory", "redis"])
def store(request, tmp_path):
    uri = {
        "sqlite": f"sqlite:///{tmp_path}/seen.sqlite",
        "memory": "memory://",
    }.get(request.param) or request.getfixturevalue("redis_url")
    store = open_store(uri)
    yield store
    store.close()


def test_records_kept_and_updated(store):
    url = f"https://news.example/a/{time.time_ns()}.html"
    first = datetime(2022, 4, 9, 9, 56, 37, tzinfo=UTC)
    exported = datetime(2022, 4, 9, 10, 0, tzinfo=UTC)
    assert store.get(url) is None
    store.record_failure(url, "http_404", exported)
    assert store.failure(url).reason == "http_404"
    store.record(url, date=first, updated=None, body_hash="a" * 40, exported_at=exported)
    assert store.failure(url) is None  # exported: no longer a failure

    later = exported + timedelta(hours=2)
    store.record(
        url, date=first + timedelta(days=1), updated=later, body_hash="b" * 40, exported_at=later
    )
    seen = store.get(url)
    assert seen.date == first + timedelta(days=1)
    assert seen.updated == later and seen.newest == first + timedelta(days=1)
    assert seen.body_hash == "b" * 40
    assert seen.first_date == first and seen.first_exported == exported
    assert seen.last_exported == later


def test_crawl_on_redis_exports_once(redis_url, news_site, tmp_path):
    _, server, seeds = news_site
    store = ("-s", f"DEDUPE_STORE={redis_url.rsplit('/', 1)[0]}/1")
    first = crawl("news", seeds, tmp_path / "one", *store)
    assert first.returncode == 0, first.stderr[-3000:]
    assert first.report("news")["exported"] == len(news.EXPORTED)
    server.hits.clear()
    # Another machine's output folder, the same store: nothing new to export.
    second = crawl("news", seeds, tmp_path / "two", *store)
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.report("news")["exported"] == 0
    assert [p for p in server.paths() if p != "/robots.txt"] == ["/list/1.html"]


def test_channel_depths_shared_through_redis(redis_url, tmp_path, serve):
    """Crawls on two machines (two OUTPUT_DIRs) sharing one Redis store: max_pages raised from
    2 to 5 on one has pages 3 to 5 read once; after that neither reads more than page 1."""
    root = tmp_path / "site"
    paged.build(root)
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    store = ("-s", f"DEDUPE_STORE={redis_url.rsplit('/', 1)[0]}/2")

    def run(output: str, max_pages: int):
        (seeds / "paged.toml").write_text(paged.seed(server.base_url, max_pages), "utf-8")
        server.hits.clear()
        next_second()
        result = crawl("paged", seeds, tmp_path / output, *store)
        assert result.returncode == 0, result.stderr[-3000:]
        return paged.listing_paths(server.paths()), paged.article_numbers(server.paths())

    assert run("one", 2) == (["/p1.html", "/p2.html"], [1, 2, 3, 4])
    assert run("two", 5) == ([f"/p{n}.html" for n in range(1, 6)], list(range(5, 11)))
    assert run("one", 5) == (["/p1.html"], [])
    assert run("three", 5) == (["/p1.html"], [])
    assert not list(tmp_path.glob("*/state/seen.sqlite"))


def test_unreachable_or_unknown_store_refused(news_site, tmp_path):
    _, server, seeds = news_site
    for uri, message in [
        ("redis://127.0.0.1:1/0", "cannot reach it"),
        ("mongodb://x", "the scheme must be one of"),
    ]:
        result = crawl("news", seeds, tmp_path / "out", "-s", f"DEDUPE_STORE={uri}")
        assert result.returncode == 1
        assert message in result.stderr and "Traceback" not in result.stderr
    assert server.hits == []


def test_batched_lookups_match_single_ones(store):
    base = f"https://news.example/b/{time.time_ns()}"
    urls = [f"{base}/{i}.html" for i in range(1200)]  # more than one SQL batch
    at = datetime(2022, 4, 9, 10, 0, tzinfo=UTC)
    for url in urls[:600:3]:
        store.record(url, date=at, updated=None, body_hash="c" * 40, exported_at=at)
    for url in urls[1:600:3]:
        store.record_failure(url, "no_body", at)
    seen = store.get_many(urls)
    failed = store.failures(urls)
    assert seen == {url: store.get(url) for url in urls[:600:3]}
    assert failed == {url: store.failure(url) for url in urls[1:600:3]}
    assert store.get_many([]) == {} and store.failures([]) == {}


def test_channel_depths_kept_per_source_and_channel(store):
    source = f"paged{time.time_ns()}"
    front, feed = "https://news.example/list/1.html", "https://news.example/feed.xml"
    assert store.channel_depths(source, [front, feed]) == {}
    store.record_channel_depth(source, front, 2)
    store.record_channel_depth(f"other{source}", feed, 7)
    assert store.channel_depths(source, [front, feed]) == {front: 2}
    store.record_channel_depth(source, front, 5)  # max_pages raised and read down to
    assert store.channel_depths(source, [feed, front, front]) == {front: 5}
    assert store.channel_depths(f"other{source}", [feed]) == {feed: 7}
    assert store.channel_depths(source, []) == {}


def test_what_each_exporter_wrote_is_kept_apart(store):
    url = f"https://news.example/w/{time.time_ns()}.html"
    post = f"post-{time.time_ns()}.md"
    at = datetime(2022, 4, 9, 10, 0, tzinfo=UTC)
    later = at + timedelta(hours=1)
    assert store.written(url) == {}
    store.record_written("feed.Jsonl", url, version="v1", location="", at=at)
    store.record_written("posts.Hexo", url, version="v1", location=post, at=at)
    assert store.written(url) == {
        "feed.Jsonl": Written("feed.Jsonl", url, "v1", "", at),
        "posts.Hexo": Written("posts.Hexo", url, "v1", post, at),
    }
    assert store.get(url) is None  # written by some exporters is not seen
    assert store.location_owner("posts.Hexo", post) == url
    assert store.location_owner("feed.Jsonl", post) is None
    assert store.location_owner("feed.Jsonl", "") is None
    store.record_written("posts.Hexo", url, version="v2", location=post, at=later)
    assert store.written(url)["posts.Hexo"] == Written("posts.Hexo", url, "v2", post, later)
    assert store.written(url)["feed.Jsonl"].version == "v1"
