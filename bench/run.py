"""The crawl benchmark: our crawler beside bare Scrapy on one synthetic news site served by
nginx on 127.0.0.1, crawls alternated A B A B on one machine; the ratios are what count.

    python bench/run.py [--articles 1000] [--pairs 3] [--only images,no-images,generic]
                        [--site DIR] [--memory 5000,100000] [--set NAME=VALUE ...]

Each comparison runs the reference A (bench/reference.py) and our crawl B (`scrapy crawl` of
the site's seed) in turn, --pairs times, each crawl into a fresh output folder:

- images:    A bare Scrapy + ImagesPipeline; B every [article] selector, every pipeline
             (jsonl + hexo), images on. Target B/A >= 0.8.
- no-images: A bare Scrapy; B the same seed with IMAGES_ENABLED=False. Target >= 0.5.
- generic:   A bare Scrapy + ImagesPipeline + trafilatura; B a seed without [article]
             (generic extraction), images on. Target >= 0.8.

After the last pair, B of the first comparison is run again on its output (an unchanged
site): its requests and wall seconds (target: <= 1 request per channel beside robots.txt,
<= 5 s). --memory N,M crawls sites of N and M articles (B, images on) once each and prints
their peak RSS (target: M's <= N's + 30 MB).

Every crawl prints HTML pages/s, process CPU ms per HTML page, peak RSS and the 1-minute load
average when it started (bench/probe.py measures inside the crawl). The summary gives medians
and each ratio of medians. Only 127.0.0.1 is ever asked.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import newssite  # noqa: E402
from nginx import Nginx  # noqa: E402

PROBE = ("-s", 'ADDONS={"probe.Probe": 0}')
# Both crawls ask the one local site 16 requests at a time, as fast as it answers: our polite
# defaults (4 per site, AutoThrottle) are for others' sites, not for a measure of our own work.
OUR_ENGINE = ("CONCURRENT_REQUESTS_PER_DOMAIN=16", "AUTOTHROTTLE_ENABLED=False")


@dataclass(frozen=True)
class Comparison:
    name: str
    reference: tuple[str, ...]  # bench/reference.py options
    rules: bool  # the seed gives every [article] selector
    settings: tuple[str, ...]  # our crawl's -s NAME=VALUE
    target: float
    a_label: str
    b_label: str


COMPARISONS = {
    c.name: c
    for c in (
        Comparison(
            "images",
            ("--images",),
            True,
            (),
            0.8,
            "bare Scrapy + ImagesPipeline",
            "ours, every [article] selector, images on",
        ),
        Comparison(
            "no-images",
            (),
            True,
            ("IMAGES_ENABLED=False",),
            0.5,
            "bare Scrapy",
            "ours, every [article] selector, IMAGES_ENABLED=False",
        ),
        Comparison(
            "generic",
            ("--images", "--trafilatura"),
            False,
            (),
            0.8,
            "bare Scrapy + ImagesPipeline + trafilatura",
            "ours, no [article] (generic extraction), images on",
        ),
    )
}


# --set NAME=VALUE: settings of every crawl of ours.
EXTRA: list[str] = []


def load() -> float:
    return os.getloadavg()[0]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH)])}


def measured(command: list[str], cwd: Path, probe: Path, log: Path) -> dict:
    """Run one crawl; its probe figures, plus its process's wall seconds and the load."""
    figures = {"load": load()}
    started = time.perf_counter()
    with log.open("w") as stderr:
        proc = subprocess.run(command, cwd=cwd, env=env(), stdout=subprocess.DEVNULL, stderr=stderr)
    figures["process_seconds"] = time.perf_counter() - started
    if proc.returncode != 0:
        tail = log.read_text()[-3000:]
        sys.exit(f"crawl failed ({proc.returncode}): {' '.join(command)}\n{tail}")
    figures.update(json.loads(probe.read_text()))
    figures["pages_per_s"] = figures["html_pages"] / figures["seconds"]
    figures["cpu_ms_per_page"] = 1000 * figures["cpu_seconds"] / max(figures["html_pages"], 1)
    return figures


def run_reference(url: str, work: Path, options: tuple[str, ...], tag: str) -> dict:
    output = work / f"ref-{tag}"
    probe = work / f"ref-{tag}.json"
    command = [sys.executable, str(BENCH / "reference.py"), url, str(output), *options, *PROBE]
    command += ["-s", f"BENCH_PROBE_FILE={probe}"]
    # Not in the project's folder: no scrapy.cfg, no project settings.
    return measured(command, work, probe, work / f"ref-{tag}.log")


def run_ours(seeds: Path, output: Path, settings: tuple[str, ...], work: Path, tag: str) -> dict:
    probe = work / f"ours-{tag}.json"
    command = [sys.executable, "-m", "scrapy", "crawl", "bench", *PROBE]
    for value in (f"SEEDS_DIR={seeds}", f"OUTPUT_DIR={output}", f"BENCH_PROBE_FILE={probe}"):
        command += ["-s", value]
    for value in (*OUR_ENGINE, *settings, *EXTRA):
        command += ["-s", value]
    return measured(command, ROOT, probe, work / f"ours-{tag}.log")


def site(root: Path, articles: int) -> dict:
    """The generated site at ``root``, written unless it is already there at that size."""
    stamp = root / "site.json"
    if stamp.exists():
        built = json.loads(stamp.read_text())
        if built.get("articles") == articles:
            return built
    shutil.rmtree(root, ignore_errors=True)
    built = newssite.build(root, articles)
    stamp.write_text(json.dumps(built))
    return built


def row(label: str, f: dict) -> str:
    return (
        f"  {label:<5} {f['pages_per_s']:>8.1f} {f['cpu_ms_per_page']:>8.2f} "
        f"{f['peak_rss_kb'] / 1024:>8.1f} {f['html_pages']:>6} {f['images']:>6} "
        f"{f['seconds']:>7.2f} {f['load']:>6.2f}"
    )


HEADER = (
    f"  {'crawl':<5} {'pages/s':>8} {'CPU ms':>8} {'RSS MB':>8} {'pages':>6} {'images':>6} "
    f"{'secs':>7} {'load':>6}"
)


def seeds_for(work: Path, base_url: str, articles: int, rules: bool) -> Path:
    folder = work / ("seeds-rules" if rules else "seeds-generic")
    folder.mkdir(exist_ok=True)
    (folder / "bench.toml").write_text(newssite.seed(base_url, articles, rules), "utf-8")
    return folder


def compare(args: argparse.Namespace, work: Path, site_root: Path) -> None:
    built = site(site_root, args.articles)
    comparisons = [COMPARISONS[name] for name in args.only.split(",")]
    results: dict[str, dict[str, list[dict]]] = {c.name: {"A": [], "B": []} for c in comparisons}
    last_output: Path | None = None
    with Nginx(site_root) as server:
        url = server.base_url + newssite.listing_path(1)
        print(
            f"site: {built['articles']} articles, {built['listing_pages']} listing pages, "
            f"{built['images']} images, {built['bytes'] / built['articles'] / 1024:.1f} KB a page; "
            f"nginx at {server.base_url}; {os.cpu_count()} CPUs; load {load():.2f}",
            flush=True,
        )
        for pair in range(1, args.pairs + 1):
            for c in comparisons:
                print(f"pair {pair}, {c.name}:\n{HEADER}", flush=True)
                a = run_reference(url, work, c.reference, f"{c.name}-{pair}")
                results[c.name]["A"].append(a)
                print(row("A", a), flush=True)
                seeds = seeds_for(work, server.base_url, args.articles, c.rules)
                output = work / f"out-{c.name}-{pair}"
                b = run_ours(seeds, output, c.settings, work, f"{c.name}-{pair}")
                results[c.name]["B"].append(b)
                print(row("B", b), flush=True)
                if c is comparisons[0]:
                    last_output = output
                    rerun_seeds = seeds
        if last_output is not None:
            rerun = run_ours(rerun_seeds, last_output, comparisons[0].settings, work, "rerun")
    print(f"\nmedians over {args.pairs} pairs (A: reference, B: ours)")
    print(f"{'comparison':<10} {'side':<4} {'pages/s':>8} {'CPU ms':>8} {'RSS MB':>8}  crawl")
    for c in comparisons:
        med = {
            side: {
                key: statistics.median(f[key] for f in runs)
                for key in ("pages_per_s", "cpu_ms_per_page", "peak_rss_kb")
            }
            for side, runs in results[c.name].items()
        }
        for side, label in (("A", c.a_label), ("B", c.b_label)):
            m = med[side]
            print(
                f"{c.name:<10} {side:<4} {m['pages_per_s']:>8.1f} {m['cpu_ms_per_page']:>8.2f} "
                f"{m['peak_rss_kb'] / 1024:>8.1f}  {label}"
            )
    print(f"\n{'ratio B/A of pages/s':<20} {'median':>7} {'each pair':>22} {'target':>7}  met")
    for c in comparisons:
        runs = results[c.name]
        pairs = [
            b["pages_per_s"] / a["pages_per_s"] for a, b in zip(runs["A"], runs["B"], strict=True)
        ]
        ratio = statistics.median(b["pages_per_s"] for b in runs["B"]) / statistics.median(
            a["pages_per_s"] for a in runs["A"]
        )
        each = " ".join(f"{p:.2f}" for p in pairs)
        met = "yes" if ratio >= c.target else "NO"
        print(f"{c.name:<20} {ratio:>7.2f} {each:>22} {c.target:>7.2f}  {met}")
    if last_output is not None:
        met = "yes" if rerun["requests"] <= 2 and rerun["process_seconds"] <= 5 else "NO"
        print(
            f"\nre-run of the unchanged site: {rerun['requests']} requests (1 channel + "
            f"robots.txt), {rerun['process_seconds']:.2f} s in all, {rerun['seconds']:.2f} s "
            f"crawling; target <= 2 requests, <= 5 s: {met}"
        )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def memory(args: argparse.Namespace, work: Path) -> None:
    sizes = [int(n) for n in args.memory.split(",")]
    peaks = []
    for articles in sizes:
        site_root = (args.site or work) / f"site-{articles}"
        built = site(site_root, articles)
        with Nginx(site_root) as server:
            seeds = seeds_for(work, server.base_url, articles, rules=True)
            output = work / f"out-memory-{articles}"
            trace = (
                ()
                if args.trace is None
                else (f"BENCH_PROBE_SAMPLES={args.trace / f'memory-{articles}.tsv'}",)
            )
            f = run_ours(seeds, output, trace, work, f"memory-{articles}")
        shutil.rmtree(output, ignore_errors=True)
        peaks.append(f["peak_rss_kb"] / 1024)
        print(
            f"{built['articles']:>7} articles: peak RSS {peaks[-1]:.1f} MB, "
            f"{f['pages_per_s']:.1f} pages/s, {f['cpu_ms_per_page']:.2f} CPU ms a page, "
            f"load {f['load']:.2f}",
            flush=True,
        )
    growth = peaks[-1] - peaks[0]
    met = "yes" if growth <= 30 else "NO"
    print(f"peak RSS {sizes[-1]} vs {sizes[0]} articles: {growth:+.1f} MB (target <= +30): {met}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--only", default=",".join(COMPARISONS))
    parser.add_argument("--site", type=Path, help="folder keeping generated sites between runs")
    parser.add_argument("--memory", help="N,M: peak RSS of our crawl on N and M articles")
    parser.add_argument(
        "--trace",
        type=Path,
        help="with --memory: RSS and queue sampled every 5 s to TRACE/memory-N.tsv",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting of our crawls (B), e.g. EXTRACT_PROCESSES=0; repeatable",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    unknown = set(args.only.split(",")) - set(COMPARISONS)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}")
    EXTRA.extend(args.set)
    work = Path(tempfile.mkdtemp(prefix="bench-run-"))
    try:
        if args.memory:
            memory(args, work)
        else:
            compare(args, work, (args.site or work) / f"site-{args.articles}")
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
