"""Where a crawl's time goes: our crawl of the benchmark's site under cProfile (or py-spy).

    python bench/profile_crawl.py [--articles 500] [--generic] [--no-images] [--top 25]
                            [--py-spy FILE.svg [--gil] [--rate 100]] [--site DIR]
                            [--save FILE.prof] [--set NAME=VALUE ...]

The site (bench/newssite.py) is served by nginx on 127.0.0.1 and crawled once by `scrapy
crawl`, with the seed giving every [article] selector (--generic: none). cProfile's figures
are printed twice: the functions of the most time of their own (tottime), and those of the
crawler's code by cumulative time. --py-spy FILE.svg samples the crawl with py-spy instead
(`pip install py-spy`) and writes its flame graph (FILE.txt: its collapsed stacks, one line
per stack with its sample count, every thread; --gil: only the thread holding the GIL, which
is where a CPU-bound crawl's Python time goes, the store's thread included).
"""

from __future__ import annotations

import argparse
import pstats
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from nginx import Nginx  # noqa: E402
from run import OUR_ENGINE, ROOT, env, seeds_for, site  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--generic", action="store_true", help="a seed without [article]")
    parser.add_argument("--no-images", action="store_true", help="IMAGES_ENABLED=False")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--pattern", default="crawler/", help="cumulative list: paths matching")
    parser.add_argument("--py-spy", dest="py_spy", type=Path, help="flame graph (SVG) to write")
    parser.add_argument(
        "--gil", action="store_true", help="py-spy: only the thread holding the GIL (CPU)"
    )
    parser.add_argument("--rate", type=int, default=100, help="py-spy: samples a second")
    parser.add_argument("--site", type=Path, help="folder keeping generated sites between runs")
    parser.add_argument("--save", type=Path, help="cProfile: keep its figures in this file")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a setting of the crawl"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    try:
        site_root = (args.site or work) / f"site-{args.articles}"
        site(site_root, args.articles)
        with Nginx(site_root) as server:
            seeds = seeds_for(work, server.base_url, args.articles, rules=not args.generic)
            crawl = ["-m", "scrapy", "crawl", "bench", "-s", f"SEEDS_DIR={seeds}"]
            crawl += ["-s", f"OUTPUT_DIR={work / 'output'}", "-s", "LOG_LEVEL=WARNING"]
            for value in OUR_ENGINE:
                crawl += ["-s", value]
            if args.no_images:
                crawl += ["-s", "IMAGES_ENABLED=False"]
            for value in args.set:
                crawl += ["-s", value]
            stats = work / "crawl.prof"
            if args.py_spy:
                spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
                # A .txt file gets py-spy's raw (collapsed stacks) output, for grep and sort.
                form = ["--format", "raw"] if args.py_spy.suffix == ".txt" else []
                form += ["--gil"] if args.gil else []
                form += ["--rate", str(args.rate)]
                command = [spy, "record", *form, "-o", str(args.py_spy), "--", sys.executable]
                command += crawl
            else:
                command = [sys.executable, "-m", "cProfile", "-o", str(stats), *crawl]
            subprocess.run(command, cwd=ROOT, env=env(), check=True)
        if args.py_spy:
            print(f"flame graph: {args.py_spy}")
            return
        if args.save:
            shutil.copyfile(stats, args.save)
        figures = pstats.Stats(str(stats))
        figures.sort_stats("tottime").print_stats(args.top)
        figures.sort_stats("cumulative").print_stats(args.pattern, args.top)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
