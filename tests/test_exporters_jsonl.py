"""The JSON Lines feed: every line parses back to its article, UTF-8 without \\u escapes, dates
in ISO 8601 with their offset; Scrapy's own feed exports work beside it."""

from __future__ import annotations

import re
from datetime import datetime

from hostile import HOSTILE_BODIES, HOSTILE_TEXTS

from conftest import crawl, export_run, make_article, make_source, read_jsonl
from crawler.runs import Run
from sites import news


def test_hostile_articles_round_trip(tmp_path):
    source = make_source()
    articles = [
        make_article(
            i,
            source,
            title=t,
            author=HOSTILE_TEXTS[-1 - i],
            body_html=HOSTILE_BODIES[i % len(HOSTILE_BODIES)],
        )
        for i, t in enumerate(HOSTILE_TEXTS)
    ]
    crawler = export_run(
        tmp_path, source, articles, EXPORTERS={"crawler.exporters.jsonl.JsonLinesExporter": {}}
    )
    (feed,) = (tmp_path / "feeds" / source.name).glob("*.jsonl")
    assert feed.name == f"{Run.of(crawler).id}.jsonl"
    raw = feed.read_bytes().decode("utf-8")  # UTF-8, or this raises
    # JSON must escape control characters; nothing else is written as \uXXXX.
    escaped = {int(code, 16) for code in re.findall(r"(?<!\\)\\u([0-9a-fA-F]{4})", raw)}
    assert escaped and all(code < 0x20 for code in escaped)
    lines = read_jsonl(feed)
    assert len(lines) == len(articles)
    for line, article in zip(lines, articles, strict=True):
        assert line["title"] == article.title
        assert line["author"] == article.author
        assert line["body_html"] == article.body_html
        date = datetime.fromisoformat(line["date"])
        assert date == article.date and date.utcoffset() == article.date.utcoffset()
        assert line["date"].endswith("+08:00")


def test_scrapy_feed_exports_work_beside_ours(tmp_path, news_site):
    seeds = news_site.seeds
    scrapy_feed = tmp_path / "scrapy-feed.jsonl"
    result = crawl("news", seeds, tmp_path / "out", "-O", str(scrapy_feed))
    assert result.returncode == 0, result.stderr[-3000:]
    ours = {line["url"] for line in result.feed_lines("news")}
    theirs = {line["url"] for line in read_jsonl(scrapy_feed)}
    assert ours == theirs and len(ours) == len(news.EXPORTED)
