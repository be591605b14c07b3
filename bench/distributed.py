"""Benchmark of distributed crawls: articles per second of 1, 2 and 4 workers sharing one seed's
frontier in Redis, beside the crawl of one process without Redis; and Redis memory per URL.

    python bench/distributed.py [--articles 600] [--delay 0.05] [--workers 1,2,4] [--repeat 3]

A fixture site of N articles (4 channels, 25 links a listing page, pages of about 5 KB with a
text, a date and an author) is served on 127.0.0.1 by a small asyncio server in a process of
its own, each answer after --delay seconds (a site's latency: the work a worker waits on, so
that it can spread over the machine's cores). A redis-server of the benchmark's own runs on a
free port of 127.0.0.1. Each crawl is real `scrapy crawl` processes into a fresh output folder,
exporting JSON Lines and Hexo posts, images and AutoThrottle off; the workers start together
and the first to join puts the channel pages in.

Columns: "crawl s", from the site's first request to the last feed line written (process
start-up and the idle wait before a worker closes left out); "articles/s", N over it; "wall s",
from the first process started to the last one gone (IDLE_CLOSE_SECONDS=2 included); "cpu s",
user+system time of the crawl processes. Medians over --repeat. Then Redis's memory per seen
URL once a run is over (Redis's used_memory, and the keys' own MEMORY USAGE: the seen-store's
records of what was exported, by which exporter, the run's let-through set), and the
dupefilter's per request at its largest, during the run.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "bench"
CHANNELS = 4
PER_PAGE = 25
FILLER = "A paragraph of a plain article about local news, long enough to be read as one. " * 6


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_site(articles: int, base_url: str) -> tuple[dict[str, bytes], str]:
    """``{path: page}`` of the site, and its seed TOML."""
    pages: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nAllow: /\n"}
    per_channel = -(-articles // CHANNELS)
    listing_pages = -(-per_channel // PER_PAGE)
    seed = [
        'site = "Bench"',
        'allowed_domains = ["127.0.0.1"]',
        'timezone = "UTC"',
        'language = "en"',
    ]
    number = 0
    for channel in range(1, CHANNELS + 1):
        slugs = []
        for _ in range(per_channel):
            if number == articles:
                break
            number += 1
            slug = f"a{number}"
            slugs.append(slug)
            pages[f"/a/{slug}.html"] = (
                f"<html><head><title>Article {number}</title></head><body>"
                f"<h1>Article {number}</h1><p class='by'>Reporter {number % 17}</p>"
                f"<time>2022-04-{1 + number % 28:02d} 10:{number % 60:02d}:00</time>"
                f"<div class='c'>{''.join(f'<p>{n}. {FILLER}</p>' for n in range(8))}</div>"
                "</body></html>"
            ).encode()
        for page in range(1, listing_pages + 1):
            chunk = slugs[(page - 1) * PER_PAGE : page * PER_PAGE]
            links = "".join(f"<li><a href='/a/{slug}.html'>{slug}</a></li>" for slug in chunk)
            more = (
                f"<a class='next' href='/c{channel}/{page + 1}.html'>next</a>"
                if page < listing_pages
                else ""
            )
            pages[f"/c{channel}/{page}.html"] = f"<html><ul>{links}</ul>{more}</html>".encode()
        seed += [
            "[[channels]]",
            f'name = "Channel {channel}"',
            f'url = "{base_url}/c{channel}/1.html"',
            f"max_pages = {listing_pages}",
        ]
    seed += [
        "[listing]",
        'link = "ul li a::attr(href)"',
        'next = "a.next::attr(href)"',
        "[article]",
        'title = "h1::text"',
        'author = "p.by::text"',
        'date = "time::text"',
        'body = ".c"',
    ]
    return pages, "\n".join(seed) + "\n"


def serve(port: int, pages: dict[str, bytes], delay: float, hits: multiprocessing.Value) -> None:
    """An HTTP/1.1 server with keep-alive on 127.0.0.1:``port``, answering from ``pages``
    after ``delay`` seconds; ``hits`` holds the time of its first request."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if not hits.value:
                    hits.value = time.time()
                path = head.split(b" ", 2)[1].decode().split("?")[0]
                await asyncio.sleep(delay)
                body = pages.get(path)
                status = b"200 OK" if body is not None else b"404 Not Found"
                body = body or b"not found"
                kind = b"text/plain" if path.endswith(".txt") else b"text/html; charset=utf-8"
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: " + kind
                    + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )  # fmt: skip
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=512)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class RedisServer:
    """A redis-server of the benchmark's own on a free port of 127.0.0.1."""

    def __init__(self, workdir: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            sys.exit("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        self.client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    sys.exit("redis-server did not start")
                time.sleep(0.05)

    def used_memory(self) -> int:
        return int(self.client.info("memory")["used_memory"])

    def key_memory(self) -> dict[str, int]:
        """Bytes of the keys (MEMORY USAGE), by kind: ``crawler:seen``, ``crawler:written``..."""
        kinds: dict[str, int] = {}
        for key in self.client.scan_iter(count=1000):
            kind = ":".join(key.decode().split(":")[:2])
            kinds[kind] = kinds.get(kind, 0) + (self.client.memory_usage(key, samples=0) or 0)
        return kinds

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=10)


class DupefilterWatch:
    """The dupefilter's largest memory (bytes) and size (fingerprints) during a run."""

    def __init__(self, redis: RedisServer):
        self.redis = redis
        self.largest = (0, 0)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self) -> None:
        key = f"{SOURCE}:dupefilter"
        while not self.stopped.wait(0.1):
            count = self.redis.client.scard(key)
            if count > self.largest[1]:
                self.largest = (self.redis.client.memory_usage(key, samples=0) or 0, count)

    def stop(self) -> tuple[int, int]:
        self.stopped.set()
        self.thread.join()
        return self.largest


def run_crawl(workers: int, seeds: Path, output: Path, redis: RedisServer | None, hits) -> dict:
    """One crawl: ``workers`` processes on REDIS_URL, or one process without Redis."""
    settings = {
        "SEEDS_DIR": seeds,
        "OUTPUT_DIR": output,
        "LOG_LEVEL": "WARNING",
        "PROGRESS": "off",
        "IMAGES_ENABLED": "False",
        # A local fixture site: no politeness delay (AutoThrottle is each worker's own, so N
        # workers put N times its load on a real site).
        "AUTOTHROTTLE_ENABLED": "False",
    }
    if redis is not None:
        redis.client.flushall()
        settings |= {"REDIS_URL": redis.url, "IDLE_CLOSE_SECONDS": "2"}
    hits.value = 0.0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    for n in range(workers):
        command = [sys.executable, "-m", "scrapy", "crawl", SOURCE]
        for name, value in {**settings, "WORKER_ID": f"w{n}"}.items():
            command += ["-s", f"{name}={value}"]
        processes.append(
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        )
    watch = DupefilterWatch(redis) if redis is not None else None
    for process in processes:
        _, err = process.communicate(timeout=900)
        if process.returncode != 0:
            sys.exit(f"a crawl failed:\n{err.decode()[-3000:]}")
    wall = time.time() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    feeds = list((output / "feeds" / SOURCE).glob("*.jsonl"))
    exported = sum(len(feed.read_bytes().splitlines()) for feed in feeds)
    last_line = max(feed.stat().st_mtime for feed in feeds)
    row = {
        "crawl": last_line - hits.value,
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "exported": exported,
    }
    if redis is not None:
        row["memory"] = redis.used_memory()
        row["keys"] = redis.key_memory()
        row["dupefilter"] = watch.stop()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds before each answer")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        port = free_port()
        pages, seed = build_site(args.articles, f"http://127.0.0.1:{port}")
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / f"{SOURCE}.toml").write_text(seed)
        hits = multiprocessing.Value("d", 0.0)
        site = multiprocessing.Process(target=serve, args=(port, pages, args.delay, hits))
        site.start()
        redis = RedisServer(tmp_path)
        baseline = redis.used_memory()
        rows: dict[str, list[dict]] = {}
        try:
            for i in range(args.repeat):
                runs = [("one process, no Redis", 1, None)]
                runs += [(f"{n} worker{'s' * (n > 1)} on Redis", n, redis) for n in counts]
                for name, workers, server in runs:
                    output = tmp_path / f"out-{workers}-{server is not None}-{i}"
                    row = run_crawl(workers, seeds, output, server, hits)
                    if row["exported"] != args.articles:
                        sys.exit(f"{name}: {row['exported']} of {args.articles} articles exported")
                    rows.setdefault(name, []).append(row)
        finally:
            redis.stop()
            site.terminate()
            site.join()

    print(
        f"{args.articles} articles, {args.delay * 1000:.0f} ms a request, {os.cpu_count()} cores, "
        f"medians of {args.repeat} runs"
    )
    print(f"{'crawl':24} {'crawl s':>8} {'articles/s':>10} {'wall s':>7} {'cpu s':>6}")
    for name, runs in rows.items():
        crawl = statistics.median(r["crawl"] for r in runs)
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        print(f"{name:24} {crawl:>8.2f} {args.articles / crawl:>10.1f} {wall:>7.2f} {cpu:>6.1f}")
    redis_rows = [r for runs in rows.values() for r in runs if "memory" in r]
    if redis_rows:
        per_url = statistics.median((r["memory"] - baseline) / r["exported"] for r in redis_rows)
        sizes = [r["dupefilter"] for r in redis_rows if r["dupefilter"][1]]
        print(f"Redis memory per seen URL, after the run: {per_url:.0f} bytes (used_memory)")
        kinds = redis_rows[-1]["keys"]
        exported = redis_rows[-1]["exported"]
        parts = ", ".join(f"{kind} {size / exported:.0f}" for kind, size in sorted(kinds.items()))
        print(f"  of which keys (MEMORY USAGE) {sum(kinds.values()) / exported:.0f}: {parts}")
        if sizes:
            per_request = statistics.median(size / count for size, count in sizes)
            print(f"Dupefilter per request, during the run: {per_request:.0f} bytes")


if __name__ == "__main__":
    main()
