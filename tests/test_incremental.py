"""Runs after the first: only what is new or updated is requested and exported."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from conftest import ROOT, SITES, crawl, next_second, scrapy, split_post, start_crawl
from sites import news


@pytest.fixture
def site(tmp_path, news_site):
    root, server, seeds = news_site

    def run(*args: str):
        next_second()
        result = crawl("news", seeds, tmp_path / "output", *args)
        assert result.returncode == 0, result.stderr[-3000:]
        return result

    return root, server, run


def article_paths(server) -> list[str]:
    return [p for p in server.paths() if p.startswith("/a/")]


def test_second_run_asks_one_listing_page_and_exports_nothing(site):
    _, server, run = site
    first = run()
    assert first.report("news")["exported"] == len(news.EXPORTED)
    feeds_before = sorted((first.output / "feeds" / "news").glob("*.jsonl"))
    server.hits.clear()

    second = run()
    assert [p for p in server.paths() if p != "/robots.txt"] == ["/list/1.html"]
    assert sorted((second.output / "feeds" / "news").glob("*.jsonl")) == feeds_before
    assert len(list((second.output / "reports" / "news").glob("*.json"))) == 2
    assert second.report("news")["exported"] == 0


def test_changed_date_and_new_article(site):
    root, server, run = site
    first = run()
    posts_before = first.posts()

    changed = replace(
        news.PAGES[0], date_text="2022-04-10 08:00:00", listing_date="2022-04-10 08:00"
    )
    added = news.Page("a23", "新增的文章", "2022-04-11 09:30:00", paragraphs=["新的正文。"])
    news.build(root, server.base_url, [added, changed, *news.PAGES[1:]])
    server.hits.clear()
    second = run()

    lines = second.newest_feed_lines("news")
    assert {line["title"]: line["status"] for line in lines} == {
        changed.title: "updated",
        added.title: "new",
    }
    assert sorted(article_paths(server)) == ["/a/a01.html", "/a/a23.html"]
    posts_after = second.posts()
    assert len(posts_after) == len(posts_before) + 1
    (name,) = [
        n for n, text in posts_before.items() if split_post(text)[0]["title"] == changed.title
    ]
    assert name.startswith("2022-04-09-news-")  # the first date keeps naming the post
    assert posts_after[name] != posts_before[name]
    assert split_post(posts_after[name])[0]["date"] == "Sun, 10 Apr 2022 00:00:00 GMT"


def test_refresh_requests_everything_and_exports_nothing_unchanged(site):
    _, server, run = site
    run()
    server.hits.clear()
    again = run("-a", "refresh=1")
    assert len(article_paths(server)) == len(news.EXPORTED) + 2  # with the 404 and empty one
    report = again.report("news")
    assert report["exported"] == 0
    assert report["dropped"]["duplicate"] == len(news.EXPORTED)


def test_since_skips_older_articles_without_requesting_listed_ones(site):
    _, server, run = site
    result = run("-a", "since=2022-04-05")
    exported = {line["title"] for line in result.newest_feed_lines("news")}
    old = {
        "没有日期，用列表日期",
        "只有 meta 的日期",
        "国标码编码的页面",
        news.HOSTILE_TITLE,
        "正文里有脚本",
        "另一篇普通文章",
    }
    assert exported == {p.title for p in news.EXPORTED} - old
    # Its listing date was older: never requested.
    assert "/a/a15.html" not in server.paths()


def test_bad_since_refused(site):
    proc = scrapy("crawl", "news", "-a", "since=last week")
    assert proc.returncode == 1
    assert "since='last week'" in proc.stderr and "Traceback" not in proc.stderr


def test_duplicate_links_and_tracking_variants(tmp_path, serve):
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    for slug in ("x", "y"):
        (root / "a" / f"{slug}.html").write_text(
            f"<html><body><h1>Story {slug}</h1><div class='c'><p>Text of {slug}.</p></div>"
            "<time datetime='2022-04-09T10:00:00+08:00'></time></body></html>"
        )
    links = [
        "/a/x.html",
        "/a/x.html?utm_source=feed&utm_medium=rss",
        "/a/x.html#comments",
        "/a/y.html?utm_campaign=z",
        "/a/y.html",
    ]
    (root / "one.html").write_text("".join(f"<h2><a href='{u}'>l</a></h2>" for u in links))
    (root / "two.html").write_text("<h2><a href='/a/x.html?fbclid=1'>l</a></h2>")
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "dup.toml").write_text(
        f'site = "Dup"\nallowed_domains = ["127.0.0.1"]\n'
        f'[[channels]]\nname = "One"\nurl = "{server.base_url}/one.html"\n'
        f'[[channels]]\nname = "Two"\nurl = "{server.base_url}/two.html"\n'
        '[listing]\nlink = "h2 a::attr(href)"\n'
        '[article]\nbody = ".c"\ndate = "time::attr(datetime)"\n'
    )
    result = crawl("dup", seeds, tmp_path / "output")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.feed_lines("dup")
    assert sorted(line["url"] for line in lines) == [
        f"{server.base_url}/a/x.html",
        f"{server.base_url}/a/y.html",
    ]
    assert sorted(article_paths(server)) == ["/a/x.html", "/a/y.html"]
    assert len(result.posts()) == 2


def test_two_crawls_of_different_seeds_share_the_store(tmp_path, serve):
    news_root = tmp_path / "news"
    news_server = serve(news_root)
    news.build(news_root, news_server.base_url)
    guancha_server = serve(SITES / "guancha")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "news.toml").write_text(news.seed(news_server.base_url), encoding="utf-8")
    guancha = (ROOT / "seeds" / "guancha.toml").read_text("utf-8")
    guancha = guancha.replace("https://www.guancha.cn/", f"{guancha_server.base_url}/")
    guancha = guancha.replace('["guancha.cn"]', '["127.0.0.1"]')
    (seeds / "guancha.toml").write_text(guancha, encoding="utf-8")
    output = tmp_path / "output"
    procs = {
        name: start_crawl(name, seeds, output, "-s", "DOWNLOAD_DELAY=0.05")
        for name in ("news", "guancha")
    }
    for proc in procs.values():
        proc.wait(timeout=120)
    for name, proc in procs.items():
        log = output.with_name(f"output.{name}.log").read_text()
        assert proc.returncode == 0, log[-3000:]
        assert "database is locked" not in log
    db = sqlite3.connect(output / "state" / "seen.sqlite")
    (count,) = db.execute("SELECT count(*) FROM seen").fetchone()
    assert count == len(news.EXPORTED) + 4


def test_relative_listing_dates_do_not_make_refresh_export_again(tmp_path, serve):
    """A listing that dates its articles "3小时前" dates articles whose pages have no date: such
    a date moves with the clock, so `-a refresh=1` finds them unchanged, not updated."""
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    for n in (1, 2):
        (root / "a" / f"{n}.html").write_text(
            f"<html><head><title>第{n}篇</title></head><body><h1>第{n}篇</h1>"
            f"<div class='c'><p>没有日期的第{n}篇文章正文。</p></div></body></html>",
            "utf-8",
        )
    (root / "list.html").write_text(
        "<ul>"
        + "".join(
            f"<li><a href='/a/{n}.html'>第{n}篇</a><span>{n}小时前</span></li>" for n in (1, 2)
        )
        + "</ul>",
        "utf-8",
    )
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "rel.toml").write_text(
        f'site = "Rel"\nallowed_domains = ["127.0.0.1"]\ntimezone = "Asia/Shanghai"\n'
        f'language = "zh"\n[[channels]]\nname = "A"\nurl = "{server.base_url}/list.html"\n'
        '[listing]\nitem = "li"\nlink = "a::attr(href)"\ndate = "span::text"\n'
        '[article]\nbody = ".c"\n',
        "utf-8",
    )
    first = crawl("rel", seeds, tmp_path / "out")
    assert first.returncode == 0, first.stderr[-3000:]
    lines = first.feed_lines("rel")
    assert [(line["date_source"], line["date_relative"]) for line in lines] == [
        ("listing", True),
        ("listing", True),
    ]
    next_second()
    again = crawl("rel", seeds, tmp_path / "out", "-a", "refresh=1")
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.report("rel")["exported"] == 0
    assert again.report("rel")["dropped"] == {"duplicate": 2}
