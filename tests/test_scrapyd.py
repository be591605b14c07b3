"""The project deployed to a real Scrapyd with scrapyd-deploy, its seed crawled through
schedule.json: the same articles as `scrapy crawl`, the seen-store kept between jobs, and
OUTPUT_DIR given per job."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import LOCAL_IMAGES, LOCAL_SITE, ROOT, crawl, read_jsonl, require

# What the copy of the project that is deployed leaves out.
NOT_DEPLOYED = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".splash",
    "output",
    "node_modules",
    "build",
    "*.egg-info",
    "__pycache__",
    "artefacts",
)
# Fields that differ between two crawls of one site: the crawl's time, and the dates that
# are reckoned from it ("3小时前", or no date at all).
CRAWL_TIME_FIELDS = ("crawled_at",)
RELATIVE_DATE_FIELDS = ("date", "first_date", "updated", "listing_date")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Scrapyd:
    """A Scrapyd daemon on 127.0.0.1 running in ``home`` (its eggs/, logs/, dbs/, and the
    crawler's seeds/ and output/)."""

    def __init__(self, home: Path):
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        (home / "scrapyd.conf").write_text(
            f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {self.port}\npoll_interval = 0.5\n",
            "utf-8",
        )
        # Without the checkout on PYTHONPATH, a job imports the crawler from the deployed egg.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self.log = (home / "scrapyd.out").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"], cwd=home, env=env, stdout=self.log, stderr=self.log
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.get("daemonstatus.json")["status"] == "ok":
                    return
            except OSError:
                pass
            assert self.process.poll() is None, (home / "scrapyd.out").read_text()
            assert time.monotonic() < deadline, "Scrapyd did not answer in 60 s"
            time.sleep(0.2)

    def get(self, endpoint: str, **params: str) -> dict:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(self.url + endpoint + query, timeout=30) as response:
            return json.load(response)

    def post(self, endpoint: str, params: list[tuple[str, str]]) -> dict:
        data = urllib.parse.urlencode(params).encode()
        with urllib.request.urlopen(self.url + endpoint, data=data, timeout=30) as response:
            return json.load(response)

    def wait_finished(self, project: str, jobs: set[str], timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while True:
            finished = {job["id"] for job in self.get("listjobs.json", project=project)["finished"]}
            if jobs <= finished:
                return
            assert time.monotonic() < deadline, f"jobs {jobs - finished} did not finish"
            time.sleep(0.5)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def scrapyd(tmp_path):
    require(
        importlib.util.find_spec("scrapyd") is not None
        and importlib.util.find_spec("scrapyd_client") is not None,
        "no Scrapyd: pip install -e '.[test]' (scrapyd, scrapyd-client)",
    )
    home = tmp_path / "scrapyd"
    home.mkdir()
    daemon = Scrapyd(home)
    yield daemon
    daemon.stop()


def deploy(scrapyd: Scrapyd, tmp_path: Path) -> dict:
    """`scrapyd-deploy` run in a copy of the project whose [deploy] target is ``scrapyd``."""
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=NOT_DEPLOYED)
    cfg = (project / "scrapy.cfg").read_text("utf-8")
    assert "url = http://localhost:6800/" in cfg
    (project / "scrapy.cfg").write_text(cfg.replace("http://localhost:6800/", scrapyd.url))
    proc = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    assert answer["status"] == "ok", answer
    return answer


def comparable(lines: list[dict]) -> dict[str, dict]:
    """Feed lines by URL, without what depends on the moment of the crawl."""
    result = {}
    for line in lines:
        line = {k: v for k, v in line.items() if k not in CRAWL_TIME_FIELDS}
        if line.get("date_relative") or line.get("date_source") == "crawled":
            line = {k: v for k, v in line.items() if k not in RELATIVE_DATE_FIELDS}
        result[line["url"]] = line
    return result


def feed_lines(output: Path, source: str) -> list[dict]:
    return [
        line for p in sorted((output / "feeds" / source).glob("*.jsonl")) for line in read_jsonl(p)
    ]


def test_scrapyd_crawls_a_seed_as_scrapy_crawl_does(scrapyd, news_site, tmp_path):
    shutil.copytree(news_site.seeds, scrapyd.home / "seeds")
    deployed = deploy(scrapyd, tmp_path)
    assert deployed["project"] == "crawler" and deployed["spiders"] >= 1
    assert "news" in scrapyd.get("listspiders.json", project="crawler")["spiders"]

    # The job's code is the egg's: Scrapyd's runner puts it before the installed package.
    (egg,) = (scrapyd.home / "eggs" / "crawler").glob("*.egg")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    which = subprocess.run(
        [sys.executable, "-c", "import sys; from scrapyd.runner import activate_egg; "
         f"activate_egg({str(egg)!r}); import crawler.dashboard.page as m; print(m.__file__)"],
        cwd=scrapyd.home, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert which.stdout.startswith(str(egg)), which.stdout + which.stderr

    images = [("setting", LOCAL_IMAGES[1]), ("setting", LOCAL_SITE[1])]
    first = scrapyd.post("schedule.json", [("project", "crawler"), ("spider", "news"), *images])
    assert first["status"] == "ok", first
    scrapyd.wait_finished("crawler", {first["jobid"]})

    output = scrapyd.home / "output"
    log = (scrapyd.home / "logs" / "crawler" / "news" / f"{first['jobid']}.log").read_text()
    assert "Summary of news" in log and "Traceback" not in log, log[-3000:]
    direct = crawl("news", news_site.seeds, tmp_path / "direct")
    assert direct.returncode == 0, direct.stderr[-3000:]
    by_scrapyd, by_crawl = (
        comparable(feed_lines(output, "news")),
        comparable(direct.feed_lines("news")),
    )
    assert len(by_crawl) >= 20
    assert by_scrapyd == by_crawl
    assert sorted(p.name for p in (output / "images" / "full").iterdir()) == sorted(
        p.name for p in (tmp_path / "direct" / "images" / "full").iterdir()
    )

    # The seen-store under Scrapyd's output/ is kept between jobs: the next one exports nothing.
    # A job given another OUTPUT_DIR starts from an empty one there.
    elsewhere = tmp_path / "elsewhere"
    again = scrapyd.post("schedule.json", [("project", "crawler"), ("spider", "news"), *images])
    moved = scrapyd.post(
        "schedule.json",
        [
            ("project", "crawler"),
            ("spider", "news"),
            *images,
            ("setting", f"OUTPUT_DIR={elsewhere}"),
        ],
    )
    scrapyd.wait_finished("crawler", {again["jobid"], moved["jobid"]})
    assert len(list((output / "feeds" / "news").glob("*.jsonl"))) == 1
    reports = sorted((output / "reports" / "news").glob("*.json"))
    assert len(reports) == 2
    assert json.loads(reports[-1].read_text("utf-8"))["exported"] == 0
    assert comparable(feed_lines(elsewhere, "news")) == by_crawl
