"""Distributed crawls: several real `scrapy crawl` workers on one seed, one output folder and a
real redis-server share the frontier; every article is exported once, none is lost when a
worker is killed, and a second run exports nothing new."""

from __future__ import annotations

import json
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis

from conftest import (
    ROOT,
    crawl,
    crawl_args,
    read_jsonl,
    scrapy,
    scrapy_env,
    split_post,
    start_redis,
)
from crawler.demo.server import SiteServer
from sites import spread

SOURCE = "spread"
EXPORTERS = json.dumps(
    {
        "crawler.exporters.jsonl.JsonLinesExporter": {},
        "crawler.exporters.hexo.HexoExporter": {},
        "crawler.exporters.syndication.SyndicationExporter": {"max_entries": 1000},
        "crawler.exporters.sql.SqlExporter": {},
    }
)
# Short times, for a test: a killed worker's requests come back after 3 s. Two requests at a
# time each, so that one worker cannot take the whole frontier at once.
WORKER = (
    "-s", "IDLE_CLOSE_SECONDS=3", "-s", "WORKER_LEASE_SECONDS=3", "-s", "CONCURRENT_REQUESTS=2",
)  # fmt: skip


class GatedSite(SiteServer):
    """The fixture site, answering nothing until ``gate`` is set (every worker has joined the
    run), then each request after ``pause`` seconds, so that the work spreads."""

    def __init__(self, root: Path, pause: float):
        super().__init__(root)
        self.gate = threading.Event()
        self.pause = pause

    @property
    def delay(self) -> float:
        self.gate.wait(60)
        return self.pause

    @delay.setter
    def delay(self, value: float) -> None:
        pass


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    server = GatedSite(root, pause=0.2).start()
    spread.build(root, server.base_url)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / f"{SOURCE}.toml").write_text(spread.seed(server.base_url), "utf-8")
    yield server, seeds
    server.gate.set()
    server.stop()


@pytest.fixture
def frontier_redis(redis_url):
    """REDIS_URL of an empty database of the module's redis-server, and a client of it."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield redis_url, client
    client.close()


class Worker:
    """A `scrapy crawl` worker process, its log in ``<output>.<worker>.log``."""

    def __init__(self, name: str, seeds: Path, output: Path, redis_url: str, *args: str):
        self.name = name
        self.log = output.with_name(f"{output.name}.{name}.log")
        arguments = crawl_args(SOURCE, seeds, output, "-s", f"REDIS_URL={redis_url}")
        arguments += ["-s", f"WORKER_ID={name}", "-s", f"EXPORTERS={EXPORTERS}", *WORKER, *args]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "scrapy", *arguments],
                cwd=ROOT,
                env=scrapy_env(),
                stdout=subprocess.DEVNULL,
                stderr=log,
            )

    def text(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def joined(self) -> bool:
        return re.search(r"Worker \S+ (starts|joins) run", self.text()) is not None

    def wait(self, timeout: float = 180) -> int:
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def wait_for(condition, timeout: float = 120, workers: list[Worker] = ()) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for worker in workers:
            assert worker.process.poll() is None, worker.text()[-3000:]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def start_workers(count: int, site, output: Path, redis_url: str) -> list[Worker]:
    """``count`` workers, started together; the site answers once each has joined the run."""
    server, seeds = site
    workers = [Worker(f"w{n}", seeds, output, redis_url) for n in range(1, count + 1)]
    wait_for(lambda: all(w.joined() for w in workers), workers=workers)
    server.gate.set()
    return workers


def feed_lines(output: Path) -> dict[str, list[dict]]:
    """Each feed file's lines, by file name."""
    return {p.name: read_jsonl(p) for p in sorted((output / "feeds" / SOURCE).glob("*.jsonl"))}


def expected_urls(server: SiteServer) -> set[str]:
    return {server.base_url + path for path in spread.ARTICLES}


def check_everything_once(output: Path, server: SiteServer, client: redis.Redis) -> dict:
    """Every article exported once: in the union of the feeds, the posts, the syndication
    journal and feeds, the SQL table and the seen-store. The feeds, by file name."""
    expected = expected_urls(server)
    feeds = feed_lines(output)
    urls = [line["url"] for lines in feeds.values() for line in lines]
    assert sorted(urls) == sorted(expected)
    assert {line["status"] for lines in feeds.values() for line in lines} == {"new"}

    posts = [split_post(p.read_text("utf-8"))[0] for p in (output / "posts").glob("*.md")]
    assert sorted(post["source_url"] for post in posts) == sorted(expected)
    assert not list((output / "posts").glob(".*.tmp"))

    journal = read_jsonl(output / "state" / "syndication" / f"{SOURCE}.jsonl")
    assert sorted(entry["url"] for entry in journal) == sorted(expected)
    atom = (output / "feeds" / SOURCE / "feed.atom").read_text("utf-8")
    assert atom.count("<entry>") == len(expected)

    with sqlite3.connect(output / "articles.sqlite") as db:
        rows = [url for (url,) in db.execute("SELECT url FROM articles")]
    assert sorted(rows) == sorted(expected)

    assert all(client.exists(f"crawler:seen:{url}") for url in expected)
    return feeds


@pytest.mark.parametrize("count", [2, 3])
def test_workers_share_the_crawl_and_export_each_article_once(
    count, site, frontier_redis, tmp_path
):
    server, seeds = site
    redis_url, client = frontier_redis
    output = tmp_path / "output"
    if count == 2:
        # The run started by seed-frontier: both workers join it.
        seeded = scrapy("seed-frontier", SOURCE, "-s", f"SEEDS_DIR={seeds}",
                        "-s", f"OUTPUT_DIR={output}", "-s", f"REDIS_URL={redis_url}")  # fmt: skip
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        assert re.search(r"run \d{8}T\d{6}Z: 2 channel pages put in the frontier", seeded.stdout)
    workers = start_workers(count, site, output, redis_url)
    for worker in workers:
        assert worker.wait() == 0, worker.text()[-3000:]

    run = client.get(f"{SOURCE}:run")
    assert run is None  # the last worker ended the run
    assert not client.keys(f"{SOURCE}:*")  # queue, dupefilter, leases: all gone
    feeds = check_everything_once(output, server, client)
    run_ids = set()
    for worker in workers:
        text = worker.text()
        assert "Traceback" not in text
        summary = re.search(r"Summary of spread: .* from (\d+) article pages? and (\d+) list", text)
        assert summary and int(summary[1]) + int(summary[2]) > 0, f"{worker.name} got no work"
        [report_path] = (output / "reports" / SOURCE).glob(f"*-{worker.name}.json")
        report = json.loads(report_path.read_text("utf-8"))
        assert report["worker"] == worker.name and report["health"] == "ok"
        assert report_path.stem == f"{report['run']}-{worker.name}"
        run_ids.add(report["run"])
    [run_id] = run_ids  # one run, shared
    # Each worker's feed file is its own: <run>-<worker id>.jsonl.
    assert set(feeds) <= {f"{run_id}-{worker.name}.jsonl" for worker in workers}
    # The mirror pages were fetched and found to be articles already let through.
    hits = server.paths()
    assert all(f"/m/{slug}.html" in hits for slug in spread.MIRRORED)
    assert sum(path.startswith("/a/") for path in hits) == len(spread.ARTICLES)


def test_a_killed_workers_requests_are_taken_back_and_nothing_is_lost(
    site, frontier_redis, tmp_path
):
    server = site[0]
    redis_url, client = frontier_redis
    output = tmp_path / "output"
    workers = start_workers(3, site, output, redis_url)
    victim = workers[1]

    def victim_exported() -> int:
        feeds = list((output / "feeds" / SOURCE).glob(f"*-{victim.name}.jsonl"))
        return len(read_jsonl(feeds[0])) if feeds else 0

    wait_for(lambda: victim_exported() >= 3, workers=workers)
    victim.kill()
    held = client.zcard(f"{SOURCE}:inflight:{victim.name}")
    for worker in (workers[0], workers[2]):
        assert worker.wait() == 0, worker.text()[-3000:]
        assert "Traceback" not in worker.text()

    expected = expected_urls(server)
    urls = [line["url"] for lines in feed_lines(output).values() for line in lines]
    assert set(urls) == expected  # nothing lost
    # An article whose feed line the victim wrote, but had not yet recorded as written, is
    # written again by the worker that took its request back: at most one.
    assert len(urls) - len(expected) <= 1
    posts = [split_post(p.read_text("utf-8"))[0] for p in (output / "posts").glob("*.md")]
    assert sorted(post["source_url"] for post in posts) == sorted(expected)
    assert all(client.exists(f"crawler:seen:{url}") for url in expected)
    survivors = workers[0].text() + workers[2].text()
    if held:
        assert "held by workers that stopped renewing their lease are back" in survivors
    assert not client.keys(f"{SOURCE}:*")


def test_an_article_a_dead_worker_had_claimed_waits_for_the_claim_and_is_not_lost(
    site, frontier_redis, tmp_path
):
    """A worker killed while it handled an article leaves its claim on the URL until its lease
    runs out, and its request can come back to another worker before that: that worker must
    wait for the claim to end, not drop the article as a duplicate (it would be lost)."""
    server = site[0]
    redis_url, client = frontier_redis
    output = tmp_path / "output"
    slug = "c2-04"
    url = f"{server.base_url}/a/{slug}.html"
    client.set(f"crawler:claim:{url}", "killed-worker", px=120_000)
    [worker] = start_workers(1, site, output, redis_url)
    wait_for(lambda: f"/a/{slug}.html" in server.paths(), workers=[worker])
    time.sleep(1.5)  # the page answered (0.2 s) and its article reached the claim
    assert worker.process.poll() is None, worker.text()[-3000:]
    client.delete(f"crawler:claim:{url}")  # the dead worker's lease ran out
    assert worker.wait() == 0, worker.text()[-3000:]
    urls = [line["url"] for lines in feed_lines(output).values() for line in lines]
    assert sorted(urls) == sorted(expected_urls(server))
    assert "'dedupe/claim_waits': 1," in worker.text()


def test_a_second_distributed_run_exports_nothing_new(site, frontier_redis, tmp_path):
    server, seeds = site
    redis_url, client = frontier_redis
    output = tmp_path / "output"
    first = start_workers(2, site, output, redis_url)
    assert all(worker.wait() == 0 for worker in first)
    feeds = feed_lines(output)
    assert sum(len(lines) for lines in feeds.values()) == len(spread.ARTICLES)
    hits = len(server.paths())

    second = [Worker(f"again{n}", seeds, output, redis_url) for n in (1, 2)]
    for worker in second:
        assert worker.wait() == 0, worker.text()[-3000:]
    assert feed_lines(output) == feeds  # no new feed file, nothing appended
    paths = (output / "reports" / SOURCE).glob("*-again*.json")
    reports = [json.loads(path.read_text("utf-8")) for path in paths]
    assert len(reports) == 2 and len({r["run"] for r in reports}) == 1
    assert all(r["new"] == 0 and r["updated"] == 0 for r in reports)
    # No article page was asked again (the mirrors are: their own addresses were never
    # exported, only their canonical ones, as in a crawl of one process).
    again = server.paths()[hits:]
    assert not [path for path in again if path.startswith("/a/")]
    assert not client.keys(f"{SOURCE}:*")


def test_redis_unreachable_is_one_line_and_a_failed_crawl(site, tmp_path):
    server, seeds = site
    server.gate.set()
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = crawl(
        SOURCE, seeds, tmp_path / "output", "-s", f"REDIS_URL=redis://127.0.0.1:{port}/0"
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, result.stderr[-3000:]
    assert re.fullmatch(
        rf"error: REDIS_URL redis://127\.0\.0\.1:{port}/0: cannot reach it: .*refused.*", errors[0]
    )
    assert server.paths() == []


def test_workers_share_the_seed_lock_but_not_a_worker_id(site, frontier_redis, tmp_path):
    server, seeds = site
    redis_url, _ = frontier_redis
    output = tmp_path / "output"
    first = Worker("w1", seeds, output, redis_url)
    try:
        wait_for(first.joined, workers=[first])  # it waits at the site's gate
        same_id = Worker("w1", seeds, output, redis_url)
        assert same_id.wait() == 1
        errors = [line for line in same_id.text().splitlines() if line.startswith("error:")]
        assert errors == [
            "error: worker id 'w1' is taken by a live worker of spread: "
            "give each worker its own WORKER_ID"
        ]
        alone = crawl(SOURCE, seeds, output)  # without REDIS_URL: not a worker
        assert alone.returncode == 1
        assert "another crawl of spread is running" in alone.stderr
        assert "Traceback" not in same_id.text() + alone.stderr
    finally:
        server.gate.set()
        assert first.wait() == 0, first.text()[-3000:]


def test_redis_lost_mid_run_stops_the_worker_with_one_line(site, tmp_path):
    server, seeds = site
    output = tmp_path / "output"
    redis_url, redis_server = start_redis(tmp_path)
    try:
        worker = Worker("w1", seeds, output, redis_url)
        wait_for(worker.joined, workers=[worker])
        server.gate.set()
        wait_for(lambda: sum(len(lines) for lines in feed_lines(output).values()) >= 3)
        redis_server.kill()
        redis_server.wait(timeout=10)
        assert worker.wait(timeout=120) == 1
    finally:
        if redis_server.poll() is None:
            redis_server.kill()
    text = worker.text()
    errors = [line for line in text.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(
        f"error: lost the frontier at REDIS_URL {redis_url}: "
    ), text[-3000:]


def test_seed_frontier_needs_redis_and_a_seed(site, redis_url, tmp_path):
    seeds = site[1]
    output = ("-s", f"OUTPUT_DIR={tmp_path / 'output'}", "-s", f"SEEDS_DIR={seeds}")
    without = scrapy("seed-frontier", SOURCE, *output)
    assert without.returncode == 1
    assert without.stderr == "error: seed-frontier needs REDIS_URL: the Redis of the frontier\n"
    unknown = scrapy("seed-frontier", "nosuch", *output, "-s", f"REDIS_URL={redis_url}")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("error: no such spider: nosuch (no seed nosuch.toml")
    assert unknown.stderr.count("\n") == 1
