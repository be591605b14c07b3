"""Benchmark of the seen-store inside a real crawl: crawl time and how long the reactor thread
was held up, for the code before this branch's store work and for this checkout, in one run.

    python bench/store_crawl.py [--articles 600] [--repeat 3] [--old REV] [--store URI]

A local site of N articles (127.0.0.1 only) is crawled by `scrapy crawl` twice per tree and
repeat: "first" exports every article into a fresh output folder (one store write each),
"refresh" (-a refresh=1) asks every article again (one store read each, all duplicates). A
heartbeat on the reactor every 5 ms measures the reactor thread's stalls: "stall s" is the sum
of the heartbeat's lateness, "max ms" the longest stall. Figures are medians over --repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

PER_PAGE = 30


class ReactorLag:
    """A 5 ms heartbeat on the reactor; its lateness, in seconds, written to BENCH_LAG_FILE."""

    INTERVAL = 0.005

    def __init__(self, crawler: Crawler):
        from scrapy import signals

        self.path = crawler.settings.get("BENCH_LAG_FILE")
        self.late: list[float] = []
        crawler.signals.connect(self.start, signal=signals.engine_started)
        crawler.signals.connect(self.stop, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReactorLag:
        return cls(crawler)

    def start(self) -> None:
        from twisted.internet.task import LoopingCall

        self.last = time.perf_counter()
        self.loop = LoopingCall(self.tick)
        self.loop.start(self.INTERVAL, now=False)

    def tick(self) -> None:
        now = time.perf_counter()
        self.late.append(max(now - self.last - self.INTERVAL, 0.0))
        self.last = now

    def stop(self) -> None:
        self.loop.stop()
        Path(self.path).write_text(json.dumps(self.late))


def build_site(root: Path, base_url: str, articles: int) -> str:
    """N article pages listed PER_PAGE a page; the seed TOML for them."""
    (root / "a").mkdir(parents=True)
    (root / "list").mkdir()
    body = "".join(
        f"<p>Paragraph {i} of a plain article, long enough to read.</p>" for i in range(30)
    )
    pages = (articles + PER_PAGE - 1) // PER_PAGE
    for n in range(articles):
        (root / "a" / f"{n}.html").write_text(
            f"<html><head><title>Article {n}</title></head><body><h1>Article {n}</h1>"
            f"<time datetime='2022-04-09T10:{n % 60:02d}:00+08:00'></time>"
            f"<div class='c'>{body}</div></body></html>"
        )
    for page in range(1, pages + 1):
        links = "".join(
            f"<li><a href='/a/{n}.html'>Article {n}</a></li>"
            for n in range((page - 1) * PER_PAGE, min(page * PER_PAGE, articles))
        )
        more = f"<a class='next' href='/list/{page + 1}.html'>next</a>" if page < pages else ""
        (root / "list" / f"{page}.html").write_text(f"<ul>{links}</ul>{more}")
    return (
        f'site = "Bench"\nallowed_domains = ["127.0.0.1"]\n'
        f'[[channels]]\nname = "All"\nurl = "{base_url}/list/1.html"\nmax_pages = {pages}\n'
        '[listing]\nlink = "ul li a::attr(href)"\nnext = "a.next::attr(href)"\n'
        '[article]\ntitle = "h1::text"\nbody = ".c"\ndate = "time::attr(datetime)"\n'
    )


def run_crawl(tree: Path, seeds: Path, output: Path, store: str | None, *args: str) -> dict:
    """One `scrapy crawl bench` of ``tree``: wall seconds, exported, and reactor stalls."""
    extensions = runpy.run_path(str(tree / "crawler" / "settings.py"))["EXTENSIONS"]
    lag_file = output.with_suffix(".lag.json")
    settings = {
        "SEEDS_DIR": seeds,
        "OUTPUT_DIR": output,
        "EXTENSIONS": json.dumps({**extensions, "store_crawl.ReactorLag": 0}),
        "BENCH_LAG_FILE": lag_file,
        "ROBOTSTXT_OBEY": "False",
        # The local site is crawled as fast as it answers: politeness is not measured here.
        "AUTOTHROTTLE_ENABLED": "False",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
        "LOG_LEVEL": "WARNING",
        **({"DEDUPE_STORE": store} if store else {}),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "bench", *args]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(ROOT / "bench")])}
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"crawl of {tree} failed:\n{proc.stderr[-3000:]}")
    report = json.loads(sorted((output / "reports" / "bench").glob("*.json"))[-1].read_text())
    late = json.loads(lag_file.read_text())
    return {
        "seconds": seconds,
        "exported": report["exported"],
        "stall_s": sum(late),
        "max_ms": max(late, default=0) * 1000,
    }


def main() -> None:
    from crawler.demo.server import SiteServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--old", help="git revision of the old code (default: merge-base with main)"
    )
    parser.add_argument(
        "--store", help="DEDUPE_STORE, {run} filled per tree and run (default: fresh sqlite)"
    )
    args = parser.parse_args()
    git = ["git", "-C", str(ROOT)]
    old_rev = (
        args.old
        or subprocess.run(
            [*git, "merge-base", "HEAD", "main"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        old_tree = tmp_path / "old"
        old_tree.mkdir()
        archive = subprocess.run([*git, "archive", old_rev], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive.stdout, check=True)
        server = SiteServer(tmp_path / "site")
        (tmp_path / "site").mkdir()
        seed = build_site(tmp_path / "site", server.base_url, args.articles)
        server.start()
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "bench.toml").write_text(seed)
        trees = {f"old {old_rev[:7]}": old_tree, "new (this checkout)": ROOT}
        rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
        try:
            for i in range(args.repeat):
                for name, tree in trees.items():
                    output = tmp_path / f"out-{name[:3]}-{i}"
                    store = args.store and args.store.replace("{run}", f"{name[:3]}{i}")
                    for kind, extra in (("first", ()), ("refresh", ("-a", "refresh=1"))):
                        row = run_crawl(tree, seeds, output, store, *extra)
                        rows.setdefault((kind, name), []).append(row)
        finally:
            server.stop()

    print(f"{args.articles} articles, {args.repeat} runs each, medians")
    print(f"{'crawl':8} {'code':24} {'seconds':>8} {'articles/s':>10} {'stall s':>8} {'max ms':>7}")
    for (kind, name), runs in rows.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        rate = args.articles / med["seconds"]
        print(
            f"{kind:8} {name:24} {med['seconds']:>8.2f} {rate:>10.1f} "
            f"{med['stall_s']:>8.3f} {med['max_ms']:>7.1f}"
        )


if __name__ == "__main__":
    main()
