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


def test_article_lines_are_scrapys_to_the_byte():
    """The exporter reads an Article's fields directly: the very bytes of Scrapy's own
    JsonLinesItemExporter (with ISO dates), whatever the fields hold."""
    import io
    from datetime import UTC, datetime, timedelta, timezone

    from scrapy.exporters import BaseItemExporter

    from crawler.exporters.jsonl import IsoDateJsonLinesItemExporter
    from crawler.items import Article

    class Scrapys(IsoDateJsonLinesItemExporter):
        get_serialized_fields = BaseItemExporter.get_serialized_fields

    shanghai = timezone(timedelta(hours=8))
    full = Article(
        url="https://news.example/a.html?x=1&y=\u2028",
        title='A "quoted" title \\ with \x00 controls\n and 中文 \U0001f600',
        date=datetime(2022, 4, 9, 17, 56, 37, tzinfo=shanghai),
        updated=datetime(2022, 4, 10, 1, 2, 3, 456789, tzinfo=UTC),
        categories=["新媒体", "观察者网"],
        images=[{"url": "https://news.example/i.png", "path": "full/x.png", "checksum": None}],
        extracted_by={"title": "seed"},
        seed_fields={"title": {"selector": ["h1", "h2"], "outcome": "matched"}},
        date_relative=True,
    )
    missing = Article(url="https://news.example/b.html")
    del missing.categories  # a field the item does not have is left out, as Scrapy leaves it out
    ours, theirs = (
        cls(io.BytesIO(), encoding="utf-8") for cls in (IsoDateJsonLinesItemExporter, Scrapys)
    )
    for article in (full, Article(), missing):
        assert ours.line(article) == theirs.line(article)
    assert b'"categories"' not in ours.line(missing)
