"""Benchmark of rendering: articles per second of one fixture site crawled with render = "none",
"splash" and "playwright", side by side.

    python bench/render.py [--articles 60] [--wait 0.5] [--repeat 1] [--slots 4]

The site is tests/sites/scripted.py's, with N articles: a listing whose links, and articles
whose text, are written by JavaScript, and its static twin (the same articles as plain HTML).
"none" crawls the twin (a plain crawl of the scripted pages finds nothing); "splash" (WebKit,
our Lua script) and "playwright" crawl the scripted pages. Each is a real `scrapy crawl` into a
fresh output folder, images off; Splash (`scrapy splash install` first) runs with --slots
pages at once, Playwright with PLAYWRIGHT_MAX_PAGES_PER_CONTEXT (4). Figures: the run
report's seconds (spider open to close) and exported articles; medians over --repeat. All
traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from crawler.demo.server import SiteServer  # noqa: E402
from crawler.render.splash_server import SplashServer  # noqa: E402
from crawler.settings import SPLASH_VENV  # noqa: E402
from sites import scripted  # noqa: E402


def stories(count: int) -> list[scripted.Story]:
    """``count`` articles like the fixture site's, each its own."""
    base = scripted.STORIES
    return [
        scripted.Story(
            f"b{n}",
            f"{base[n % len(base)].title} ({n})",
            base[n % len(base)].date,
            base[n % len(base)].author,
            tuple(f"{text} Item {n}." for text in base[n % len(base)].paragraphs) * 4,
        )
        for n in range(count)
    ]


def build(root: Path, articles: list[scripted.Story]) -> None:
    """The scripted pages under /js/, their static twin under /static/."""
    for folder in ("js", "static", "img"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    slugs = [(story.slug, story.title) for story in articles]
    (root / "js" / "index.html").write_text(scripted.scripted_listing(slugs), "utf-8")
    (root / "static" / "index.html").write_text(scripted.static_listing(slugs), "utf-8")
    for story in articles:
        page = scripted.scripted_article(story)
        (root / "js" / f"{story.slug}.html").write_text(page, "utf-8")
        page = scripted.static_article(story)
        (root / "static" / f"{story.slug}.html").write_text(page, "utf-8")


def run(name: str, seeds: Path, output: Path, *settings: str) -> tuple[int, float]:
    """One `scrapy crawl`: (articles exported, seconds)."""
    command = [sys.executable, "-m", "scrapy", "crawl", name, "-s", f"SEEDS_DIR={seeds}"]
    command += ["-s", f"OUTPUT_DIR={output}", "-s", "IMAGES_ENABLED=False", *settings]
    # The site is local: crawled as fast as it answers (rendering is measured, not politeness).
    command += ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{name}: the crawl failed: {proc.stderr.strip().splitlines()[-1]}")
    report = json.loads(next((output / "reports" / name).glob("*.json")).read_text("utf-8"))
    return report["exported"], report["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--wait", type=float, default=0.5, help="the seeds' wait (seconds)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--slots", type=int, default=4, help="Splash's render slots")
    args = parser.parse_args()
    if not (Path(SPLASH_VENV) / "bin" / "python").is_file():
        sys.exit(f"no Splash in {SPLASH_VENV}: run `scrapy splash install` first")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        build(tmp_path / "site", stories(args.articles))
        server = SiteServer(tmp_path / "site").start()
        splash = SplashServer(Path(SPLASH_VENV), tmp_path / "splash", port=0)
        splash.start(slots=args.slots)
        try:
            seeds = tmp_path / "seeds"
            seeds.mkdir()
            wait = f"{args.wait}"
            seed = scripted.seed
            base = server.base_url
            (seeds / "none.toml").write_text(seed(base, "static"), "utf-8")
            (seeds / "splash.toml").write_text(
                seed(base, "js", render='"splash"', wait=wait), "utf-8"
            )
            (seeds / "playwright.toml").write_text(
                seed(base, "js", render='"playwright"', wait=wait), "utf-8"
            )
            extra = {"none": (), "splash": ("-s", f"SPLASH_URL={splash.url}"), "playwright": ()}
            rows = []
            for name, settings in extra.items():
                figures = [
                    run(name, seeds, tmp_path / f"out-{name}-{i}", *settings)
                    for i in range(args.repeat)
                ]
                exported = figures[0][0]
                seconds = statistics.median(s for _, s in figures)
                rows.append((name, exported, seconds, exported / seconds if seconds else 0.0))
        finally:
            splash.stop()
            server.stop()
    print(f"{args.articles} articles, wait {args.wait} s, median of {args.repeat}")
    print(f"{'render':<12}{'articles':>10}{'seconds':>10}{'articles/s':>12}")
    for name, exported, seconds, rate in rows:
        print(f"{name:<12}{exported:>10}{seconds:>10.2f}{rate:>12.1f}")


if __name__ == "__main__":
    main()
