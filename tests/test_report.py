"""The run report's figures (the README's contract), checked against what the site served and
what the crawl wrote."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime

from conftest import crawl, next_second
from sites import news

CONTRACT = {
    "source", "run", "started", "finished", "requests", "responses", "articles_found", "new",
    "updated", "duplicates", "dropped", "images_ok", "images_failed", "export_errors",
    "coverage", "health",
}  # fmt: skip


def coverage_of(lines: list[dict]) -> dict:
    """Coverage computed from the feed's lines, as the README defines it."""
    count = len(lines)
    return {
        "articles": count,
        "author": round(
            sum(1 for x in lines if x["author"] and x["author"] != x["site"]) / count, 3
        ),
        "date": round(sum(1 for x in lines if x["date_source"] == "page") / count, 3),
        "headimg": round(sum(1 for x in lines if x["headimg"]) / count, 3),
        "text": round(sum(1 for x in lines if len(x["text"]) > 200) / count, 3),
    }


def test_report_of_a_first_run(tmp_path, news_site):
    _, server, seeds = news_site
    result = crawl("news", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    [path] = (tmp_path / "out" / "reports" / "news").glob("*.json")
    report = result.report("news")
    assert set(report) >= CONTRACT
    assert report["source"] == "news" and report["run"] == path.stem

    started = datetime.fromisoformat(report["started"])
    finished = datetime.fromisoformat(report["finished"])
    assert started.utcoffset() is not None and started <= finished
    assert started.strftime("%Y%m%dT%H%M%SZ") == report["run"]

    # Every request reached the site (robots.txt, listings, articles, images) and was answered.
    assert report["requests"] == len(server.hits)
    assert report["responses"] == dict(Counter(str(hit.status) for hit in server.hits))
    assert report["responses"]["404"] >= 2  # robots.txt and the missing article

    lines = result.feed_lines("news")
    assert report["articles_found"] == len(news.PAGES)
    assert report["new"] == len(lines) == len(news.EXPORTED)
    assert report["updated"] == 0 and report["duplicates"] == 0
    not_exported = [p for p in news.PAGES if not p.expect_date and not p.missing]
    assert sum(report["dropped"].values()) == len(not_exported)
    kept = sum(len(line["images"]) for line in lines)
    assert report["images_ok"] == kept
    assert report["images_failed"] == sum(report["images"]["failed"].values())
    assert report["export_errors"] == {}
    assert report["coverage"] == coverage_of(lines)
    assert 0 < report["coverage"]["author"] < 1 and 0 < report["coverage"]["text"] < 1
    assert report["health"] == "ok"


def test_report_of_a_refresh_with_one_change(tmp_path, news_site):
    root, server, seeds = news_site
    assert crawl("news", seeds, tmp_path / "out").returncode == 0
    changed = replace(news.PAGES[0], paragraphs=["改过的正文。" + news.FILLER])
    news.build(root, server.base_url, [changed, *news.PAGES[1:]])
    next_second()
    again = crawl("news", seeds, tmp_path / "out", "-a", "refresh=1")
    assert again.returncode == 0, again.stderr[-3000:]
    report = again.report("news")
    assert report["new"] == 0
    assert report["updated"] == 1
    assert report["duplicates"] == len(news.EXPORTED) - 1
    assert report["dropped"]["duplicate"] == len(news.EXPORTED) - 1
    assert report["coverage"] == coverage_of(again.newest_feed_lines("news"))
    assert report["coverage"]["articles"] == 1
    assert report["health"] == "ok"
