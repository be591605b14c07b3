"""A crawl SIGKILLed at any moment, then run again: nothing lost, nothing written twice."""

from __future__ import annotations

import sqlite3
import subprocess
import time

import pytest

from conftest import crawl, next_second, read_jsonl, split_post, start_crawl
from sites import news

# Articles whose date does not move with the clock, so each post's name is fixed.
PAGES = [p for p in news.PAGES if p.expect_date is None or p.expect_date[0].isdigit()]
EXPECTED = {p.title for p in PAGES if p.expect_date}
JSONL = "crawler.exporters.jsonl.JsonLinesExporter"


def feed_lines(output) -> int:
    return sum(
        path.read_bytes().count(b"\n") for path in (output / "feeds" / "news").glob("*.jsonl")
    )


def kill_when(proc: subprocess.Popen, ready, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, "the crawl ended before the moment to kill it"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.kill()
    proc.wait()


@pytest.mark.parametrize(
    "moment",
    ["before_any_export", "after_first_export", "after_eight_exports"],
)
def test_killed_crawl_resumes(tmp_path, serve, moment):
    root = tmp_path / "site"
    server = serve(root)
    news.build(root, server.base_url, PAGES)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "news.toml").write_text(news.seed(server.base_url), encoding="utf-8")
    output = tmp_path / "output"

    server.delay = 0.15
    started = time.monotonic()
    # Batches of 4 at most: a slow fsync does not let every article into the feed at once.
    proc = start_crawl(
        "news", seeds, output, "-s", "CONCURRENT_REQUESTS=2", "-s", "EXPORT_BATCH_MAX=4"
    )
    ready = {
        "before_any_export": lambda: (
            time.monotonic() - started > 1.5 and any(p.startswith("/a/") for p in server.paths())
        ),
        "after_first_export": lambda: feed_lines(output) >= 1,
        "after_eight_exports": lambda: feed_lines(output) >= 8,
    }[moment]
    kill_when(proc, ready)
    first_feeds = sorted((output / "feeds" / "news").glob("*.jsonl"))
    store = output / "state" / "seen.sqlite"
    recorded: set[str] = set()
    seen: set[str] = set()
    if store.exists():
        db = sqlite3.connect(store)
        seen = {url for (url,) in db.execute("SELECT url FROM seen")}
        # What the feed exporter recorded as written: an article seen by every exporter, or
        # written to the feed before another exporter had it.
        query = "SELECT url FROM written WHERE exporter = ?"
        recorded = {url for (url,) in db.execute(query, (JSONL,))}
        assert seen <= recorded
    if moment == "after_eight_exports":
        assert len(seen) >= 7

    server.delay = 0
    next_second()
    result = crawl("news", seeds, output)
    assert result.returncode == 0, result.stderr[-3000:]

    feeds = sorted((output / "feeds" / "news").glob("*.jsonl"))
    assert len(feeds) == len(first_feeds) + 1
    every_line = []
    for feed in feeds:
        every_line += read_jsonl(feed)  # which checks that no line is cut in half
    assert {line["title"] for line in every_line} == EXPECTED

    second = read_jsonl(feeds[-1])
    every_url = {line["url"] for line in every_line}
    assert sorted(line["url"] for line in second) == sorted(every_url - recorded)

    posts = result.posts()
    assert sorted(split_post(text)[0]["title"] for text in posts.values()) == sorted(EXPECTED)
    assert not list((output / "posts").glob(".*.tmp"))


def test_second_crawl_refused_while_the_first_runs(tmp_path, news_site):
    server, seeds = news_site.server, news_site.seeds
    output = tmp_path / "output"
    # Long enough that the first crawl still runs when the second has started (a loaded
    # machine takes seconds to start Python and Scrapy); it is killed below anyway.
    server.delay = 3
    first = start_crawl("news", seeds, output)
    try:
        deadline = time.monotonic() + 60
        while not server.paths():
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.05)
        second = crawl("news", seeds, output)
        assert second.returncode == 1
        assert "another crawl of news is running" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.kill()
        first.wait()
    # Killed, the first crawl's lock went with it.
    server.delay = 0
    third = crawl("news", seeds, output)
    assert third.returncode == 0, third.stderr[-2000:]
