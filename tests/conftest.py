"""Shared test tools: fixture sites served on 127.0.0.1, seeds written for them, real crawls."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.demo.server import SiteServer
from crawler.items import Article
from crawler.pipelines.export import ExportPipeline
from crawler.seeds import Channel, Source
from crawler.spiderloader import spider_class

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).parent / "sites"
FIXTURES = Path(__file__).parent / "fixtures"


def read_jsonl(path: Path) -> list[dict]:
    """A JSON Lines file's objects: lines end at "\n" only (not at U+2028 like splitlines)."""
    text = path.read_text("utf-8")
    assert text == "" or text.endswith("\n"), f"{path} ends in a cut line"
    return [json.loads(line) for line in text.split("\n")[:-1]]


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str
    output: Path

    def feed_lines(self, source: str) -> list[dict]:
        lines = []
        for path in sorted((self.output / "feeds" / source).glob("*.jsonl")):
            lines += read_jsonl(path)
        return lines

    def posts(self) -> dict[str, str]:
        return {p.name: p.read_text("utf-8") for p in sorted((self.output / "posts").glob("*.md"))}

    def newest_feed_lines(self, source: str) -> list[dict]:
        """The lines of the newest feed file: the last run's, when it exported anything."""
        newest = sorted((self.output / "feeds" / source).glob("*.jsonl"))[-1]
        return read_jsonl(newest)

    def report(self, source: str) -> dict:
        """The newest run report of the source."""
        newest = sorted((self.output / "reports" / source).glob("*.json"))[-1]
        return json.loads(newest.read_text("utf-8"))


def scrapy_env(path: tuple[Path, ...] = ()) -> dict[str, str]:
    """The environment of a `scrapy` process of this project; ``path`` extends PYTHONPATH."""
    pythonpath = os.pathsep.join(str(p) for p in (ROOT, *path))
    return {**os.environ, "PYTHONPATH": pythonpath, "PYTHONUNBUFFERED": "1"}


# Images are downloaded from any host by default: a test's crawl asks only these (the pages of
# the corpus and of the cases name images on real hosts, which tests never ask).
LOCAL_IMAGES = ("-s", "IMAGES_DOMAINS=127.0.0.1,localhost")
# Test sites are on this machine: AutoThrottle (on by default: a second, then the site's response
# time, between two requests to it) is turned off (tests/test_seed_settings.py crawls with it).
LOCAL_SITE = ("-s", "AUTOTHROTTLE_ENABLED=False")


# How a crawl reads its article pages: in its own thread, or every one by a worker process
# (crawler.extract.workers, started before the first page), which must give the same output.
READERS = {
    "thread": ("-s", "EXTRACT_PROCESSES=0"),
    "workers": ("-s", "EXTRACT_PROCESSES=1", "-s", "EXTRACT_PROCESSES_AFTER=0"),
}


def read_by(result: CrawlResult, reader: str, pages: int) -> None:
    """The crawl's article pages were read as ``reader`` says, at least ``pages`` of them by
    workers (its stats, in its log)."""
    read = re.search(r"'extract/workers/pages': (\d+)", result.stderr)
    if reader == "thread":
        assert read is None
    else:
        assert read and int(read[1]) >= pages, result.stderr[-3000:]


def crawl_args(name: str, seeds_dir: Path, output: Path, *args: str) -> list[str]:
    """`scrapy` arguments crawling seed ``name`` of ``seeds_dir`` into ``output``, images from
    127.0.0.1 and localhost only, without AutoThrottle."""
    return [
        "crawl", name, "-s", f"SEEDS_DIR={seeds_dir}", "-s", f"OUTPUT_DIR={output}",
        *LOCAL_IMAGES, *LOCAL_SITE, *args,
    ]  # fmt: skip


def start_crawl(name: str, seeds_dir: Path, output: Path, *args: str) -> subprocess.Popen:
    """A real `scrapy crawl` in the background; its log goes to <output>.<name>.log."""
    log = output.with_name(f"{output.name}.{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", *crawl_args(name, seeds_dir, output, *args)],
        cwd=ROOT,
        env=scrapy_env(),
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def scrapy(
    *args: str, cwd: Path = ROOT, timeout: float = 120, path: tuple[Path, ...] = ()
) -> subprocess.CompletedProcess:
    """Run the real `scrapy` command line of this project; ``path`` extends PYTHONPATH."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        env=scrapy_env(path),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def crawl(
    name: str, seeds_dir: Path, output: Path, *args: str, path: tuple[Path, ...] = ()
) -> CrawlResult:
    proc = scrapy(*crawl_args(name, seeds_dir, output, *args), path=path)
    return CrawlResult(proc.returncode, proc.stdout, proc.stderr, output)


def extracted_lines(seeds: Path, seed: str, urls: list[str]) -> dict[str, dict]:
    """`scrapy extract --json --seed SEED URL...`: the article of each URL, by URL."""
    proc = scrapy("extract", "--json", "--seed", seed, *urls, "-s", f"SEEDS_DIR={seeds}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return {line["url"]: line for line in lines}


def one_channel_seed(
    tmp_path: Path, name: str, url: str, link: str, article: str = "", **top: str
) -> Path:
    """A seeds folder holding seed ``name``: one channel at ``url`` on 127.0.0.1, the listing's
    ``link`` (a TOML value: a quoted selector or a list of them), ``[article]`` lines."""
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    extra = "".join(f"{key} = {value}\n" for key, value in top.items())
    (seeds / f"{name}.toml").write_text(
        f'site = "{name.title()}"\nallowed_domains = ["127.0.0.1"]\n{extra}'
        f'[[channels]]\nname = "All"\nurl = "{url}"\n[listing]\nlink = {link}\n'
        + (f"[article]\n{article}\n" if article else ""),
        "utf-8",
    )
    return seeds


def crawl_pages(tmp_path: Path, serve, name: str, pages: dict[str, str]) -> dict[str, dict]:
    """Serve ``pages`` (file name: HTML) under an index linking each from an ``<h2>``, crawl
    them through a seed ``name`` of that one channel, and give each page's feed line by its
    file name (the crawl must succeed)."""
    root = tmp_path / "site"
    root.mkdir()
    for file, html in pages.items():
        (root / file).write_text(html, "utf-8")
    links = "".join(f"<h2><a href='/{file}'>{file}</a></h2>" for file in pages)
    (root / "index.html").write_text(f"<main>{links}</main>", "utf-8")
    server = serve(root)
    seeds = one_channel_seed(tmp_path, name, f"{server.base_url}/index.html", '"h2 a"')
    result = crawl(name, seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    return {line["url"].rsplit("/", 1)[1]: line for line in result.feed_lines(name)}


def next_second() -> None:
    """Feeds are named by their run's start, to the second: give each run its own second."""
    time.sleep(1 - time.time() % 1 + 0.01)


def split_post(text: str) -> tuple[dict, str]:
    """A Hexo post's front matter (read by PyYAML) and its body."""
    _, front, body = text.lstrip("\n").split("---\n", 2)
    return yaml.safe_load(front), body


class NewsSite(NamedTuple):
    root: Path
    server: SiteServer
    seeds: Path


@pytest.fixture
def news_site(tmp_path, serve) -> NewsSite:
    """The 22-article fixture site of tests/sites/news.py, served, and its seed in a folder."""
    from sites import news

    root = tmp_path / "site"
    server = serve(root)
    news.build(root, server.base_url)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "news.toml").write_text(news.seed(server.base_url), encoding="utf-8")
    return NewsSite(root, server, seeds)


@pytest.fixture
def serve():
    """serve(root) starts a SiteServer on a free port; every one is stopped after the test."""
    servers = []

    def start(root: Path) -> SiteServer:
        server = SiteServer(root).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def make_source(name: str = "hostile", **fields) -> Source:
    """A Source as a seed file would give it."""
    values = {
        "name": name,
        "path": f"seeds/{name}.toml",
        "site": "Hostile Times",
        "group": "Tests",
        "allowed_domains": ("news.example",),
        "channels": (Channel(name="Front", url="https://news.example/"),),
        "timezone": "Asia/Shanghai",
        "language": "zh",
    }
    return Source(**{**values, **fields})


def make_article(n: int, source: Source, **fields) -> Article:
    """An article as it reaches the exporters: normalized, deduplicated, dated."""
    tz = source.tzinfo
    date = datetime(2022, 4, 9, 17, 56, 37, tzinfo=tz) - timedelta(hours=n)
    text = fields.pop("text", f"Paragraph of article {n}.")
    values = {
        "url": f"https://news.example/a/{n}.html",
        "source": source.name,
        "site": source.site,
        "title": f"Article {n}",
        "author": "Reporter",
        "date": date,
        "date_source": "page",
        "first_date": date,
        "categories": [source.group, source.site, source.channels[0].name],
        "headimg": f"https://news.example/img/{n}.jpg",
        "thumbnail": f"https://news.example/img/{n}.jpg",
        "body_html": f"<p>{text}</p>",
        "text": text,
        "language": source.language,
        "crawled_at": datetime(2022, 4, 10, tzinfo=UTC),
        "status": "new",
        "body_hash": f"{n:040x}",
    }
    return Article(**{**values, **fields})


def export_run(output: Path, source: Source, articles: list, **settings) -> Crawler:
    """One run of the real ExportPipeline, with its configured exporters, outside the engine."""
    crawler, pipeline = export_pipeline(output, source, **settings)
    asyncio.run(pipeline.open_spider())
    for article in articles:
        asyncio.run(pipeline.process_item(article))
    asyncio.run(pipeline.close_spider())
    return crawler


def export_batches(output: Path, source: Source, batches: list[list], **settings) -> Crawler:
    """``export_run`` where each list of ``batches`` is exported as one batch, as articles
    that reach the pipeline together are (ExportPipeline.export_batch)."""
    from itemadapter import ItemAdapter

    crawler, pipeline = export_pipeline(output, source, **settings)
    asyncio.run(pipeline.open_spider())
    for batch in batches:
        pipeline.export_batch(pipeline.seen.opened(), [ItemAdapter(a) for a in batch])
    asyncio.run(pipeline.close_spider())
    asyncio.run(pipeline.seen.engine_stopped())  # the store closed
    return crawler


def export_pipeline(output: Path, source: Source, **settings) -> tuple[Crawler, ExportPipeline]:
    """A crawler of ``source`` and its real ExportPipeline, outside the engine (no reactor:
    the store's calls run in the caller's thread)."""
    values = Settings()
    values.setmodule("crawler.settings", priority="project")
    # No engine runs here, so no Twisted reactor is needed.
    values.update(
        {
            "OUTPUT_DIR": str(output),
            "DEDUPE_STORE": "memory://",
            "TWISTED_REACTOR_ENABLED": False,
            **settings,
        }
    )
    crawler = get_crawler(spider_class(source), values.copy_to_dict())
    crawler.spider = crawler._create_spider()
    return crawler, ExportPipeline.from_crawler(crawler)


def require(condition: bool, reason: str) -> None:
    """Skip for want of something a user's machine may lack; under CI that is a failure."""
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must provide this: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def splash_url(tmp_path_factory) -> str:
    """A real Splash 3.5 for the session, started by `scrapy splash start` on a free port from
    the environment `scrapy splash install` made (SPLASH_VENV), and stopped by `scrapy splash
    stop` after the last test."""
    from crawler.settings import SPLASH_VENV

    require(
        (Path(SPLASH_VENV) / "bin" / "python").is_file(),
        f"Splash is not installed in {SPLASH_VENV}: run `scrapy splash install`",
    )
    output = tmp_path_factory.mktemp("splash")
    settings = ("-s", f"OUTPUT_DIR={output}", "-s", "LOG_LEVEL=WARNING")
    started = scrapy("splash", "start", "--port", "0", *settings)
    assert started.returncode == 0, started.stderr[-2000:]
    url = started.stdout.split("SPLASH_URL=")[1].split()[0]
    yield url
    port = url.rsplit(":", 1)[1]
    stopped = scrapy("splash", "stop", "--port", port, *settings)
    assert stopped.returncode == 0, stopped.stderr[-2000:]


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system's Chromium, as a crawl that renders with Playwright finds it."""
    from crawler.render.playwright import find_chromium

    found = find_chromium()
    require(found is not None, "no Chromium: apt-get install chromium")
    return found


def start_redis(workdir: Path) -> tuple[str, subprocess.Popen]:
    """A redis-server of our own on a free port of 127.0.0.1: its URL (db 0) and process."""
    server = shutil.which("redis-server")
    require(server is not None, "redis-server is not installed (.ci/run installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return f"redis://127.0.0.1:{port}/0", proc
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise AssertionError("redis-server did not start") from None
            time.sleep(0.05)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server of our own for the module's tests, stopped after them."""
    url, proc = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def png(size: tuple[int, int] = (40, 40), color: tuple[int, int, int] = (10, 20, 30)) -> bytes:
    """A small PNG of one colour, as an image a site serves."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()
