"""Shared test tools: fixture sites served on 127.0.0.1, seeds written for them, real crawls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from crawler.demo.server import SiteServer

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).parent / "sites"
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str
    output: Path

    def feed_lines(self, source: str) -> list[dict]:
        lines = []
        for path in sorted((self.output / "feeds" / source).glob("*.jsonl")):
            lines += [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        return lines

    def posts(self) -> dict[str, str]:
        return {p.name: p.read_text("utf-8") for p in sorted((self.output / "posts").glob("*.md"))}

    def newest_feed_lines(self, source: str) -> list[dict]:
        """The lines of the newest feed file: the last run's, when it exported anything."""
        newest = sorted((self.output / "feeds" / source).glob("*.jsonl"))[-1]
        return [json.loads(line) for line in newest.read_text("utf-8").splitlines()]

    def report(self, source: str) -> dict:
        """The newest run report of the source."""
        newest = sorted((self.output / "reports" / source).glob("*.json"))[-1]
        return json.loads(newest.read_text("utf-8"))


def scrapy(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real `scrapy` command line of this project."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def crawl(name: str, seeds_dir: Path, output: Path, *args: str) -> CrawlResult:
    proc = scrapy(
        "crawl", name, "-s", f"SEEDS_DIR={seeds_dir}", "-s", f"OUTPUT_DIR={output}", *args
    )
    return CrawlResult(proc.returncode, proc.stdout, proc.stderr, output)


def next_second() -> None:
    """Feeds are named by their run's start, to the second: give each run its own second."""
    time.sleep(1 - time.time() % 1 + 0.01)


def split_post(text: str) -> tuple[dict, str]:
    """A Hexo post's front matter (read by PyYAML) and its body."""
    _, front, body = text.lstrip("\n").split("---\n", 2)
    return yaml.safe_load(front), body


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
