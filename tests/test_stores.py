"""The seen-store behind one interface: SQLite, memory and a real Redis server keep the same
records; a crawl on Redis does not export twice, nor read again the pages another read."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from conftest import crawl, next_second
from crawler.stores import Written, open_store
from sites import news, paged


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


def test_reserving_many_locations_is_reserving_each_in_turn(store):
    """reserve_locations (one call for a batch of posts) answers and records what
    reserve_location called for each in turn does: a name another URL holds is refused, a
    name two URLs of the batch want is the first's; and the records written are the same.
    written_many reads what written reads."""
    base = f"https://news.example/r/{time.time_ns()}"
    at = datetime(2022, 4, 9, 10, 0, tzinfo=UTC)
    many, each = f"posts.Many{time.time_ns()}", f"posts.Each{time.time_ns()}"
    for exporter in (many, each):
        store.record_written(exporter, f"{base}/1", version="v1", location="x.md", at=at)
        store.record_written(exporter, f"{base}/2", version="v1", location="", at=at)
    wanted = [
        ("x.md", f"{base}/3"),  # held by 1
        ("y.md", f"{base}/2"),  # 2's row had no location: now y.md
        ("y.md", f"{base}/4"),  # held by 2 since the previous line
        ("x.md", f"{base}/1"),  # its own
        ("w.md", f"{base}/5"),
        ("z.md", f"{base}/1"),  # 1 holds x.md already
        ("z.md", f"{base}/6"),
        ("w.md", f"{base}/6"),  # held by 5
    ]
    answers = store.reserve_locations(many, wanted, at)
    assert answers == [store.reserve_location(each, loc, url, at) for loc, url in wanted]
    # (Whether a row without a location takes one is the back end's own rule.)
    assert [answers[i] for i in (0, 3, 4, 7)] == [f"{base}/1", None, None, f"{base}/5"]
    assert store.reserve_locations(many, [], at) == []
    for n in range(1, 7):
        by = {name: (w.version, w.location) for name, w in store.written(f"{base}/{n}").items()}
        assert by.get(many) == by.get(each)
    for location in ("x.md", "y.md", "w.md", "z.md"):
        owner = store.location_owner(many, location)
        assert owner == store.location_owner(each, location)
    assert store.written_many([f"{base}/2", f"{base}/9"]) == {
        f"{base}/2": store.written(f"{base}/2")
    }


def test_writes_in_a_batch_are_kept_after_it_even_when_it_raises(store):
    base = f"https://news.example/batch/{time.time_ns()}"
    at = datetime(2022, 4, 9, 10, 0, tzinfo=UTC)
    with store.batch():
        store.record_written("posts.Hexo", f"{base}/1.html", version="v1", location="", at=at)
        with store.batch():  # nested: part of the outer one
            store.record(
                f"{base}/1.html", date=at, updated=None, body_hash="d" * 40, exported_at=at
            )
        # Read back inside the block.
        assert store.written(f"{base}/1.html")["posts.Hexo"].version == "v1"
        assert store.get(f"{base}/1.html").body_hash == "d" * 40
    with pytest.raises(RuntimeError), store.batch():
        store.record_failure(f"{base}/2.html", "no_body", at)
        raise RuntimeError("an exporter failed")
    assert store.get(f"{base}/1.html").body_hash == "d" * 40
    assert store.failure(f"{base}/2.html").reason == "no_body"


# A process that writes two batches into a SQLite store, then is killed: before the second
# ends (KILL_IN), or once it has ended (KILL_AFTER).
BATCHES_THEN_KILLED = """
import os, signal, sys
from datetime import UTC, datetime
from crawler.stores import open_store

store = open_store(sys.argv[1])
at = datetime(2022, 4, 9, 10, 0, tzinfo=UTC)
for batch in range(2):
    with store.batch():
        for i in range(50):
            url = f"https://news.example/{batch}/{i}.html"
            store.reserve_location("posts.Hexo", f"{batch}-{i}.md", url, at)
            store.record(url, date=at, updated=None, body_hash="e" * 40, exported_at=at)
        if batch == 1 and sys.argv[2] == "KILL_IN":
            os.kill(os.getpid(), signal.SIGKILL)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("moment", ["KILL_IN", "KILL_AFTER"])
def test_a_sqlite_batch_is_whole_or_absent_after_a_kill(tmp_path, moment):
    uri = f"sqlite:///{tmp_path}/seen.sqlite"
    proc = subprocess.run([sys.executable, "-c", BATCHES_THEN_KILLED, uri, moment], check=False)
    assert proc.returncode == -signal.SIGKILL
    store = open_store(uri)
    try:
        urls = [f"https://news.example/{b}/{i}.html" for b in range(2) for i in range(50)]
        seen = store.get_many(urls)
        owners = [
            store.location_owner("posts.Hexo", f"{b}-{i}.md") for b in range(2) for i in range(50)
        ]
    finally:
        store.close()
    kept = urls[:50] if moment == "KILL_IN" else urls
    assert sorted(seen) == sorted(kept)
    assert [o for o in owners if o] == kept
