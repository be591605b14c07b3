"""Exporters from elsewhere: one installed with an entry point, one named by dotted path; a
broken one spares the others; one whose prepare() fails still writes every article; bad options
stop the crawl before any request."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import crawl, next_second
from sites import news

PLUGINS = Path(__file__).parent / "plugins"
DEFAULT = {
    "crawler.exporters.jsonl.JsonLinesExporter": {},
    "crawler.exporters.hexo.HexoExporter": {},
}


@pytest.fixture
def site(news_site):
    return news_site.server, news_site.seeds


def install_plugin(site_packages: Path) -> None:
    """What pip leaves for a package declaring an exporter: its module and its dist-info."""
    site_packages.mkdir()
    shutil.copy(PLUGINS / "example_exporter.py", site_packages)
    info = site_packages / "example_exporter-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: example-exporter\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[crawler.exporters]\nurl-list = example_exporter:UrlListExporter\n"
    )


def test_entry_point_exporter_receives_every_article(tmp_path, site):
    _, seeds = site
    install_plugin(tmp_path / "site-packages")
    result = crawl("news", seeds, tmp_path / "out", path=(tmp_path / "site-packages",))
    assert result.returncode == 0, result.stderr[-3000:]
    received = (tmp_path / "out" / "received.txt").read_text("utf-8").split()
    assert sorted(received) == sorted(line["url"] for line in result.feed_lines("news"))
    assert len(received) == len(news.EXPORTED)


def test_entry_point_exporter_can_be_disabled(tmp_path, site):
    _, seeds = site
    install_plugin(tmp_path / "site-packages")
    off = json.dumps({**DEFAULT, "url-list": None})
    result = crawl(
        "news",
        seeds,
        tmp_path / "out",
        "-s",
        f"EXPORTERS={off}",
        path=(tmp_path / "site-packages",),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (tmp_path / "out" / "received.txt").exists()


def test_broken_exporter_spares_the_others(tmp_path, site):
    _, seeds = site
    exporters = {
        **DEFAULT,
        "example_exporter.BrokenExporter": {},
        "example_exporter.UrlListExporter": {},
    }
    result = crawl(
        "news", seeds, tmp_path / "out", "-s", f"EXPORTERS={json.dumps(exporters)}", path=(PLUGINS,)
    )
    # The other exporters wrote every article, but this run did not do all of its job.
    assert result.returncode == 1, result.stderr[-3000:]
    unhealthy = [line for line in result.stderr.splitlines() if line.startswith("unhealthy:")]
    assert unhealthy == [
        f"unhealthy: news: {len(news.EXPORTED)} articles could not be written (BrokenExporter "
        f"×{len(news.EXPORTED)}; at most 0 expected); the next run writes them"
    ]
    assert result.report("news")["health"][0]["check"] == "export_errors"
    assert len(result.feed_lines("news")) == len(news.EXPORTED)
    assert len(result.posts()) == len(news.EXPORTED)
    received = (tmp_path / "out" / "received.txt").read_text("utf-8").split()
    assert len(received) == len(news.EXPORTED)
    errors = result.report("news")["export_errors"]
    assert errors == {"BrokenExporter": len(news.EXPORTED)}
    assert "Traceback" not in result.stderr
    assert f"Export errors: BrokenExporter ×{len(news.EXPORTED)}" in result.stderr
    # Not every exporter wrote them: the next run exports them again.
    store = sqlite3.connect(tmp_path / "out" / "state" / "seen.sqlite")
    assert store.execute("SELECT count(*) FROM seen").fetchone() == (0,)


def test_exporter_whose_prepare_fails_is_counted_and_loses_no_article(tmp_path, site):
    """prepare(articles) is a batch's look-up done at once: when it raises, the failure is
    logged in one line and counted (export/prepare_failed/<exporter>), and its exports go on
    one article at a time: every article is written, by it and by the others, and is seen."""
    _, seeds = site
    exporters = {**DEFAULT, "example_exporter.UnpreparedExporter": {}}
    result = crawl(
        "news", seeds, tmp_path / "out", "-s", f"EXPORTERS={json.dumps(exporters)}", path=(PLUGINS,)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    # One line for each batch (how many batches the articles formed depends on their timing).
    lines = result.stderr.splitlines()
    failed = [
        (i, line) for i, line in enumerate(lines) if "Exporter UnpreparedExporter failed" in line
    ]
    assert failed, result.stderr[-3000:]
    for i, line in failed:
        assert re.search(
            r"ERROR: Exporter UnpreparedExporter failed to prepare \d+ articles?: LookupError: "
            r"no names to reserve for \d+ articles$",
            line,
        ), line
        assert "second line" not in lines[i + 1]
    prepared = sum(int(re.search(r"prepare (\d+) articles?", line)[1]) for _, line in failed)
    assert prepared == len(news.EXPORTED)
    # The counter, in the stats Scrapy dumps at the end of the run.
    counted = re.search(r"'export/prepare_failed/UnpreparedExporter': (\d+)", result.stderr)
    assert counted and int(counted[1]) == len(failed), result.stderr[-3000:]
    # Nothing lost: every article written by every exporter, recorded as seen, no export error.
    written = (tmp_path / "out" / "unprepared.txt").read_text("utf-8").split()
    assert sorted(written) == sorted(line["url"] for line in result.feed_lines("news"))
    assert len(written) == len(news.EXPORTED)
    assert len(result.posts()) == len(news.EXPORTED)
    assert result.report("news")["export_errors"] == {}
    store = sqlite3.connect(tmp_path / "out" / "state" / "seen.sqlite")
    assert store.execute("SELECT count(*) FROM seen").fetchone() == (len(news.EXPORTED),)


def test_exporter_that_cannot_open_stops_the_crawl_before_any_request(tmp_path, site):
    server, seeds = site
    exporters = {**DEFAULT, "example_exporter.BrokenExporter": {"fail_on_open": True}}
    result = crawl(
        "news", seeds, tmp_path / "out", "-s", f"EXPORTERS={json.dumps(exporters)}", path=(PLUGINS,)
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: exporter BrokenExporter: cannot open: ConnectionError: no such database"
    ]
    assert "Traceback" not in result.stderr
    assert server.hits == []
    assert result.report("news")["error"] == errors[0].removeprefix("error: ")
    assert not (tmp_path / "out" / "feeds").exists()


def test_exporter_that_failed_writes_alone_next_run(tmp_path, site):
    """An exporter fails on some articles: the next run writes those to it alone, every feed
    and file getting each article once."""
    server, seeds = site
    failing = [p for p in news.EXPORTED if p.slug < "a08"]
    exporters = {
        **DEFAULT,
        "example_exporter.UrlListExporter": {},
        "example_exporter.FlakyExporter": {"fail_on": [f"/a/{p.slug}." for p in failing]},
    }
    output = tmp_path / "out"

    def run(exporters, status):
        setting = f"EXPORTERS={json.dumps(exporters)}"
        result = crawl("news", seeds, output, "-s", setting, path=(PLUGINS,))
        assert result.returncode == status, result.stderr[-3000:]
        assert "Traceback" not in result.stderr
        return result

    # Failed writes make the first run unhealthy; the second, which writes them, is healthy.
    first = run(exporters, 1)
    assert first.report("news")["export_errors"] == {"FlakyExporter": len(failing)}
    assert f"Export errors: FlakyExporter ×{len(failing)}" in first.stderr
    assert "lost the connection" in first.stderr and "while writing" not in first.stderr
    store = sqlite3.connect(output / "state" / "seen.sqlite")
    assert store.execute("SELECT count(*) FROM seen").fetchone() == (
        len(news.EXPORTED) - len(failing),
    )
    posts = first.posts()

    next_second()
    server.hits.clear()
    exporters["example_exporter.FlakyExporter"] = {}
    second = run(exporters, 0)
    report = second.report("news")
    assert report["export_errors"] == {}
    assert report["exported"] == len(failing)
    assert report["export_skipped"] == {
        "JsonLinesExporter": len(failing),
        "HexoExporter": len(failing),
        "UrlListExporter": len(failing),
    }
    # Only the failed articles were asked again.
    asked = {p for p in server.paths() if p.startswith("/a/")}
    assert asked == {f"/a/{p.slug}.html" for p in failing}

    urls = [line["url"] for line in second.feed_lines("news")]
    assert len(urls) == len(set(urls)) == len(news.EXPORTED)
    assert len(list((output / "feeds" / "news").glob("*.jsonl"))) == 1  # none empty
    for name in ("received.txt", "flaky.txt"):
        received = (output / name).read_text("utf-8").split()
        assert sorted(received) == sorted(urls), name
    assert second.posts() == posts
    assert store.execute("SELECT count(*) FROM seen").fetchone() == (len(news.EXPORTED),)


@pytest.mark.parametrize(
    ("exporters", "message"),
    [
        (
            {"crawler.exporters.hexo.HexoExporter": {"categories": "tree"}},
            "option 'categories' must be 'hierarchy' or 'flat'",
        ),
        ({"crawler.exporters.hexo.HexoExporter": {"colour": "red"}}, "unknown option 'colour'"),
        ({"crawler.exporters.hexo.HexoExporter": {"filename": "{title}"}}, "unknown field"),
        (
            {"crawler.exporters.syndication.SyndicationExporter": {"max_entries": "50"}},
            "option 'max_entries' must be of type int",
        ),
        ({"crawler.exporters.sql.SqlExporter": {"url": "mysql://x/y"}}, "mysql is not supported"),
        ({"no.such.Exporter": {}}, "cannot load it"),
        ({"json.dumps": {}}, "not an exporter"),
    ],
)
def test_bad_exporter_configuration_refused_before_any_request(tmp_path, site, exporters, message):
    server, seeds = site
    result = crawl("news", seeds, tmp_path / "out", "-s", f"EXPORTERS={json.dumps(exporters)}")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert server.hits == []
