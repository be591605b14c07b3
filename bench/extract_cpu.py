"""CPU time of reading one article page (``read_page``: extraction and next page), in this
process, on the crawl benchmark's site, with the seed giving every [article] selector.

    python bench/extract_cpu.py [--articles 1000] [--pages N] [--site DIR] [--rounds 3]
                                [--generic] [--profile FILE.prof]
                                [--dump FILE.json | --check FILE.json]

The site (bench/newssite.py, as bench/run.py builds it: ``--site DIR`` keeps it in
``DIR/site-N`` between runs) is read from its files; each article page becomes the
``HtmlResponse`` a crawl gets from nginx (``Content-Type: text/html``, no charset), and the
seed (``newssite.seed``, written and loaded as a crawl loads it: ``crawler.seeds``) gives the
``ExtractOptions`` as the spider builds them (``ExtractOptions.for_source``), with a fixed
crawl time. Every page is read ``--rounds`` times over; the best round's CPU time
(``time.process_time``) per page is printed, in µs, beside the load average (a shared machine's
figures are noise above a load of about 1.5). Unlike bench/run.py, no crawl, no network.

``--dump FILE.json`` writes every page's article and next page (JSON); ``--check FILE.json``
compares them with such a file and prints the pages that differ (exit status 1 if any): an
optimisation must not change a byte. ``--profile FILE.prof`` keeps one more round's cProfile.

On a loaded machine, count instructions instead (deterministic): ``valgrind --tool=callgrind
python bench/extract_cpu.py --rounds 1 --pages N`` for two values of N, the difference of their
totals over the difference of N.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from scrapy.http import HtmlResponse

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import newssite  # noqa: E402
from run import site  # noqa: E402

from crawler import settings as project_settings  # noqa: E402
from crawler.extract import ExtractOptions  # noqa: E402
from crawler.extract.workers import read_page  # noqa: E402
from crawler.seeds import load_seed  # noqa: E402

# Where the pages are said to be served from (their links are made absolute against it).
BASE_URL = "http://127.0.0.1:8080"
CRAWLED_AT = datetime(2024, 5, 2, tzinfo=UTC)


def responses(root: Path, articles: int) -> list[HtmlResponse]:
    """The site's article pages as a crawl receives them."""
    pages = []
    for i in range(articles):
        path = newssite.article_path(i)
        body = (root / path.lstrip("/")).read_bytes()
        pages.append(
            HtmlResponse(BASE_URL + path, body=body, headers={"Content-Type": "text/html"})
        )
    return pages


def options(articles: int, rules: bool) -> ExtractOptions:
    """The options the spider builds for an article page of the benchmark's seed."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.toml"
        path.write_text(newssite.seed(BASE_URL, articles, rules), "utf-8")
        source = load_seed(path)
    return ExtractOptions.for_source(
        source,
        tracking_params=tuple(project_settings.TRACKING_PARAMS),
        channel=newssite.CHANNEL,
        crawled_at=CRAWLED_AT,
    )


def fresh(pages: list[HtmlResponse]) -> list[HtmlResponse]:
    """The pages again, without the text and tree a previous round cached on them."""
    return [page.replace() for page in pages]


def run(pages: list[HtmlResponse], extract: ExtractOptions) -> tuple[float, list]:
    """CPU seconds to read every page, and what each gave."""
    pages = fresh(pages)
    started = time.process_time()
    results = [read_page(page, extract) for page in pages]
    return time.process_time() - started, results


def as_json(results: list) -> list[dict]:
    return [
        {"article": dataclasses.asdict(article), "next": following}
        for article, following in results
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--site", type=Path, help="folder keeping generated sites between runs")
    parser.add_argument("--pages", type=int, help="read only the first N article pages")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--generic", action="store_true", help="a seed without [article]")
    parser.add_argument("--profile", type=Path, help="cProfile of one more round")
    parser.add_argument("--dump", type=Path, help="write the articles (JSON)")
    parser.add_argument("--check", type=Path, help="compare the articles with a --dump")
    args = parser.parse_args()
    work = args.site or Path(tempfile.mkdtemp(prefix="bench-extract-"))
    root = work / f"site-{args.articles}"
    site(root, args.articles)
    pages = responses(root, min(args.pages or args.articles, args.articles))
    extract = options(args.articles, rules=not args.generic)
    best, results = None, []
    for _ in range(args.rounds):
        seconds, results = run(pages, extract)
        best = seconds if best is None else min(best, seconds)
    load = os.getloadavg()[0]
    print(
        f"read_page: {best / len(pages) * 1e6:.0f} µs a page (best of {args.rounds} rounds, "
        f"{len(pages)} pages, {'generic' if args.generic else 'rules'}); load {load:.2f}"
    )
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(run, pages, extract)
        profile.dump_stats(args.profile)
    if not (args.dump or args.check):
        return
    found = json.loads(json.dumps(as_json(results), default=str, ensure_ascii=False))
    if args.dump:
        args.dump.write_text(json.dumps(found, ensure_ascii=False, indent=0), "utf-8")
    if args.check:
        expected = json.loads(args.check.read_text("utf-8"))
        differ = [
            i for i, (a, b) in enumerate(zip(found, expected, strict=False)) if a != b
        ] + list(range(min(len(found), len(expected)), max(len(found), len(expected))))
        for i in differ[:10]:
            one, other = (found + [{}] * len(expected))[i], (expected + [{}] * len(found))[i]
            names = sorted(
                {
                    name
                    for name in {**one.get("article", {}), **other.get("article", {})}
                    if one.get("article", {}).get(name) != other.get("article", {}).get(name)
                }
            )
            print(f"page {i} differs: {', '.join(names) or 'next page'}")
        print(f"check: {len(differ)} of {len(found)} pages differ")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
