"""Scrapy's own commands work in this project as in any Scrapy project: shell, fetch, bench,
runspider, parse (showing the article a seed would export, writing no report; parse and shell
refuse a bad seed in one line), genspider
(whose spider can be crawled) and check (which checks the seeds)."""

from __future__ import annotations

import re
import shutil

from conftest import ROOT, scrapy


def test_fetch_shell_and_bench(news_site, tmp_path):
    url = f"{news_site.server.base_url}/a/a01.html"
    out = ("-s", f"OUTPUT_DIR={tmp_path}")
    fetched = scrapy("fetch", "--nolog", url, *out)
    assert fetched.returncode == 0 and "日期格式一" in fetched.stdout, fetched.stderr[-2000:]
    shell = scrapy("shell", "--nolog", "-c", "response.status", url, *out)
    assert shell.returncode == 0 and shell.stdout.strip() == "200", shell.stderr[-2000:]
    bench = scrapy("bench", "-s", "CLOSESPIDER_TIMEOUT=1", *out)
    assert bench.returncode == 0, bench.stderr[-2000:]
    assert "Traceback" not in bench.stderr
    assert not (tmp_path / "reports").exists()


def test_runspider(news_site, tmp_path):
    spider = tmp_path / "one.py"
    spider.write_text(
        "import scrapy\n"
        "class One(scrapy.Spider):\n"
        "    name = 'one'\n"
        f"    start_urls = ['{news_site.server.base_url}/a/a01.html']\n"
        "    def parse(self, response):\n"
        "        yield {'title': response.css('h1::text').get()}\n"
    )
    proc = scrapy("runspider", str(spider), "-O", str(tmp_path / "out.json"), "-s",
                  f"OUTPUT_DIR={tmp_path}")  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def test_parse_shows_the_article_a_seed_exports(news_site, tmp_path):
    url = f"{news_site.server.base_url}/a/a01.html"
    proc = scrapy(
        "parse", "--spider", "news", url,
        "-s", f"SEEDS_DIR={news_site.seeds}", "-s", f"OUTPUT_DIR={tmp_path / 'out'}",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    # Scrapy's own command returns Deferreds from callbacks, which Scrapy deprecates: ours not.
    assert "DeprecationWarning" not in proc.stderr, proc.stderr[-2000:]
    assert "日期格式一：标准时间" in proc.stdout and "'author': '张三'" in proc.stdout
    assert not (tmp_path / "out" / "reports").exists()


def test_parse_of_a_page_that_cannot_be_fetched_fails_without_a_traceback(news_site, tmp_path):
    """Nothing listening: each failure in one line, and exit status 1 (Scrapy's exits 0)."""
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    proc = scrapy(
        "parse", "--spider", "news", f"http://127.0.0.1:{port}/a.html",
        "-s", f"SEEDS_DIR={news_site.seeds}", "-s", f"OUTPUT_DIR={tmp_path / 'out'}",
        "-s", "RETRY_TIMES=0",
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert f"No response downloaded for: http://127.0.0.1:{port}/a.html" in proc.stderr
    # The scraper's line keeps the reason its traceback held.
    assert re.search(
        rf"ERROR: Error downloading <GET http://127.0.0.1:{port}/a.html>: .*[Rr]efused",
        proc.stderr,
    ), proc.stderr[-3000:]


def test_parse_and_shell_refuse_a_bad_or_unknown_seed_in_one_line(news_site, tmp_path):
    seeds = news_site.seeds
    (seeds / "typo.toml").write_text(
        (seeds / "news.toml").read_text("utf-8") + 'languag = "zh"\n', "utf-8"
    )
    url = f"{news_site.server.base_url}/a/a01.html"
    settings = ("-s", f"SEEDS_DIR={seeds}", "-s", f"OUTPUT_DIR={tmp_path}")
    try:
        for command in (("parse", "--spider", "typo", url), ("shell", "--spider", "typo", url)):
            proc = scrapy(*command, *settings)
            assert proc.returncode == 1, proc.stderr[-2000:]
            lines = proc.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: bad seed: "), lines[-5:]
            assert "typo.toml: " in lines[0] and "languag: unknown key" in lines[0]
        proc = scrapy("parse", "--spider", "nothere", url, *settings)
        assert proc.returncode == 1
        assert proc.stderr.splitlines() == [
            f"error: no such spider: nothere (no seed nothere.toml in {seeds}/)"
        ]
    finally:
        (seeds / "typo.toml").unlink()


def test_genspider_writes_a_spider_that_can_be_crawled(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", ".git", "output"))
    made = scrapy("genspider", "example", "127.0.0.1", cwd=project)
    assert made.returncode == 0, made.stderr[-2000:]
    assert (project / "crawler" / "spiders" / "custom" / "example.py").is_file()
    listed = scrapy("list", cwd=project, path=(project,))
    assert "example" in listed.stdout.split()


def test_check_checks_the_seeds(tmp_path, news_site):
    seeds = news_site.seeds
    (seeds / "broken.toml").write_text('site = "B"\nallowed_domains = ["x"]\n', "utf-8")
    proc = scrapy("check", "-s", f"SEEDS_DIR={seeds}")
    assert proc.returncode == 1
    assert "error: bad seed: " in proc.stderr and "broken.toml: channels: missing" in proc.stderr
    (seeds / "broken.toml").unlink()
    good = scrapy("check", "-s", f"SEEDS_DIR={seeds}")
    assert good.returncode == 0, good.stderr[-2000:]
    (seeds / "other.toml").write_text((seeds / "news.toml").read_text("utf-8"), "utf-8")
    try:
        both = scrapy("check", "-s", f"SEEDS_DIR={seeds}")
        assert "2 spiders load; 0 seed files refused" in both.stdout, both.stdout
        one = scrapy("check", "news", "-s", f"SEEDS_DIR={seeds}")
        assert one.returncode == 0 and "1 spider loads; 0 seed files refused" in one.stdout
    finally:
        (seeds / "other.toml").unlink()
    unknown = scrapy("check", "nothere", "-s", f"SEEDS_DIR={seeds}")
    assert unknown.returncode == 1
    assert unknown.stderr.splitlines() == [
        f"error: no such spider: nothere (no seed nothere.toml in {seeds}/)"
    ]


def test_commands_from_a_subfolder_use_the_project_folders():
    """Run from a subfolder of the project, seeds/ and output/ are the project's (where
    scrapy.cfg is), not the subfolder's."""
    listed = scrapy("list", cwd=ROOT / "crawler")
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert set(listed.stdout.split()) >= {"demo", "guancha"}
    output = scrapy("settings", "--get", "OUTPUT_DIR", cwd=ROOT / "crawler" / "spiders")
    assert output.stdout.strip() == str(ROOT / "output")
