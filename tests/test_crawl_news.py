"""A whole crawl of the 22-article fixture site through the real engine, checked from its output."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import crawl, split_post
from crawler.demo.server import SiteServer
from sites import news

TZ = ZoneInfo(news.TIMEZONE)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    server = SiteServer(root).start()
    try:
        news.build(root, server.base_url)
        seeds = tmp_path_factory.mktemp("seeds")
        (seeds / "news.toml").write_text(news.seed(server.base_url), encoding="utf-8")
        result = crawl("news", seeds, tmp_path_factory.mktemp("output"))
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line["title"]: line for line in result.feed_lines("news")}
    return result, server, lines


def expected_date(page: news.Page, crawled_at: datetime) -> datetime:
    if page.expect_date == "crawled":
        return crawled_at
    if page.expect_date == "crawled-3h":
        return crawled_at - timedelta(hours=3)
    if page.expect_date == "yesterday 10:20":
        day = crawled_at.astimezone(TZ).date() - timedelta(days=1)
        return datetime(day.year, day.month, day.day, 10, 20, tzinfo=TZ)
    return datetime.fromisoformat(page.expect_date)


def test_every_valid_article_exported_once(run):
    result, _, lines = run
    assert sorted(lines) == sorted(p.title for p in news.EXPORTED)
    assert len(result.feed_lines("news")) == len(news.EXPORTED)
    assert len(result.posts()) == len(news.EXPORTED)


@pytest.mark.parametrize("page", news.EXPORTED, ids=lambda p: p.slug)
def test_dates_and_authors(run, page):
    _, _, lines = run
    line = lines[page.title]
    date = datetime.fromisoformat(line["date"])
    assert date.utcoffset() is not None, "dates carry their offset"
    crawled_at = datetime.fromisoformat(line["crawled_at"])
    assert abs(date - expected_date(page, crawled_at)) <= timedelta(seconds=2), line["date"]
    assert line["date_source"] == page.expect_source
    assert line["author"] == page.expect_author
    assert line["categories"] == [news.GROUP, news.SITE, news.CHANNEL]
    assert line["status"] == "new"


def test_drops_and_failures_counted(run):
    result, _, _ = run
    report = result.report("news")
    assert report["dropped"] == {"no_body": 1}
    assert report["failed_pages"] == {"http_404": 1}
    assert report["listing_pages"] == news.LISTING_PAGES
    assert "Summary of news" in result.stderr
    assert "'no_body': 1" in result.stderr
    # One line per dropped article, not the whole article.
    assert "Dropped: no_body: http://127.0.0.1:" in result.stderr
    assert "Article(" not in result.stderr


def test_offsite_and_beyond_max_pages_never_requested(run):
    result, server, _ = run
    paths = server.paths()
    assert "/a/a01.html" in paths
    assert news.OFFSITE_PATH not in paths
    # Filtered by Scrapy's OffsiteMiddleware alone, and counted once.
    assert result.report("news")["offsite_filtered"] == 1
    assert news.BEYOND_MAX_PAGES not in paths
    assert f"/list/{news.LISTING_PAGES + 1}.html" not in paths


def test_gbk_page_read_right(run):
    _, _, lines = run
    line = lines["国标码编码的页面"]
    assert line["text"] == "这一页用国标码编码，中文必须完好无损。\n第二段：汉字、标点“引号”。"


def test_hostile_title_survives_yaml_and_json(run):
    result, _, lines = run
    assert lines[news.HOSTILE_TITLE]["title"] == news.HOSTILE_TITLE
    titles = [split_post(text)[0]["title"] for text in result.posts().values()]
    assert news.HOSTILE_TITLE in titles


def test_no_script_in_any_output(run):
    result, _, lines = run
    line = lines["正文里有脚本"]
    assert line["text"] == "Safe text click\nLast paragraph."
    # Its <img> (onerror and all) points at a page that is not there: removed as broken.
    assert "<img" not in line["body_html"]
    outputs = [*result.posts().values()]
    outputs += [p.read_text("utf-8") for p in (result.output / "feeds").rglob("*.jsonl")]
    for text in outputs:
        assert not re.search(r"<script|onerror|onclick|javascript:", text, re.IGNORECASE)
        assert "分享到微博" not in text  # the seed's exclude


def test_jsonl_contract(run):
    result, _, _ = run
    (feed,) = (result.output / "feeds" / "news").glob("*.jsonl")
    assert re.fullmatch(r"\d{8}T\d{6}Z\.jsonl", feed.name)
    raw = feed.read_bytes().decode("utf-8")
    assert "\\u" not in raw
    required = {
        "url",
        "source",
        "site",
        "title",
        "author",
        "date",
        "date_source",
        "updated",
        "categories",
        "headimg",
        "thumbnail",
        "body_html",
        "text",
        "images",
        "language",
        "crawled_at",
        "status",
    }
    for line in result.feed_lines("news"):
        assert required <= set(line)
        assert line["source"] == "news" and line["site"] == news.SITE
        assert line["language"] == "zh"


def test_post_file_names(run):
    result, _, lines = run
    for name, text in result.posts().items():
        front, _ = split_post(text)
        assert text.startswith("---\n")
        line = lines[front["title"]]
        day = datetime.fromisoformat(line["date"]).astimezone(TZ).strftime("%Y-%m-%d")
        assert re.fullmatch(rf"{day}-news-[0-9a-f]{{12}}\.md", name)


def test_date_fallback_drop(tmp_path, serve):
    server = serve(tmp_path / "site")
    news.build(tmp_path / "site", server.base_url)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "news.toml").write_text(news.seed(server.base_url), encoding="utf-8")
    result = crawl("news", tmp_path / "seeds", tmp_path / "out", "-s", "DATE_FALLBACK=drop")
    assert result.returncode == 0, result.stderr[-3000:]
    undated = {p.title for p in news.EXPORTED if p.expect_source != "page"}
    assert len(undated) == 2
    titles = {line["title"] for line in result.feed_lines("news")}
    assert titles == {p.title for p in news.EXPORTED} - undated
    assert result.report("news")["dropped"] == {"no_body": 1, "no_date": 2}
