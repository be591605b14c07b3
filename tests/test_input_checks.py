"""Input a user gets wrong is refused in one line, and input a user's tools write is read: spider
arguments, language codes, seeds with a byte order mark; files are written with the usual
modes."""

from __future__ import annotations

import os
import stat

import pytest

from conftest import ROOT, crawl, one_channel_seed, scrapy
from crawler.seeds import load_seed
from sites import news


def test_an_unknown_spider_argument_is_refused(news_site, tmp_path):
    proc = scrapy(
        "crawl", "news", "-a", "sinse=2024-01-01", "-s", f"SEEDS_DIR={news_site.seeds}",
        "-s", f"OUTPUT_DIR={tmp_path / 'out'}",
    )  # fmt: skip
    assert proc.returncode == 1
    # The one line alone, as the user sees it: Scrapy's start-up banner does not come first.
    assert proc.stderr.splitlines() == [
        "error: -a sinse: no such argument of a seed's crawl (arguments: refresh, since)"
    ]
    assert news_site.server.paths() == []


def test_the_demo_refuses_an_unknown_argument_alone(tmp_path, serve):
    """`scrapy demo -a sinse=...`: one line, before the demo site is served or asked."""
    server = serve(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    # The demo's seed, its site on this test's server: a demo that started anyway could not
    # serve it there (the port is taken) and would say so instead of the refusal.
    demo = (ROOT / "seeds" / "demo.toml").read_text("utf-8")
    (seeds / "demo.toml").write_text(demo.replace("http://127.0.0.1:8765", server.base_url))
    proc = scrapy(
        "demo", "-a", "sinse=2024-01-01", "-s", f"SEEDS_DIR={seeds}",
        "-s", f"OUTPUT_DIR={tmp_path / 'out'}",
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "error: -a sinse: no such argument of a seed's crawl (arguments: refresh, since)"
    ]
    assert server.hits == []


@pytest.mark.parametrize("code", ["en", "zh", "zh-Hans", "pt-BR", "de"])
def test_language_codes_babel_knows_are_taken(tmp_path, code):
    path = tmp_path / "s.toml"
    path.write_text(
        f'site = "S"\nallowed_domains = ["x.example"]\nlanguage = "{code}"\n'
        '[[channels]]\nname = "A"\nurl = "https://x.example/"\n',
        "utf-8",
    )
    assert load_seed(path).language == code


def test_a_seed_with_a_byte_order_mark_is_read(news_site, tmp_path):
    seed = news_site.seeds / "news.toml"
    seed.write_bytes(b"\xef\xbb\xbf" + seed.read_bytes())
    result = crawl("news", news_site.seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(result.feed_lines("news")) == len(news.EXPORTED)


def test_posts_and_feeds_have_the_usual_modes(news_site, tmp_path):
    old = os.umask(0o022)
    try:
        result = crawl("news", news_site.seeds, tmp_path / "out")
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr[-3000:]
    posts = list((result.output / "posts").glob("*.md"))
    feeds = list((result.output / "feeds" / "news").glob("*.jsonl"))
    assert posts and feeds
    for path in posts + feeds:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_a_seed_field_may_be_a_list_of_selectors_tried_in_order(tmp_path, serve):
    """`body = [".story-body", ".story"]`: the first that matches wins (a CSS comma list would
    be a union in document order and take the outer `.story`, its share bar too)."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "inner.html").write_text(
        "<html><head><title>Inner</title></head><body><div class='story'><p>SHARE BAR</p>"
        "<div class='story-body'><p>The inner body of the first story.</p></div></div>"
        "</body></html>"
    )
    (root / "outer.html").write_text(
        "<html><head><title>Outer</title></head><body><div class='story'>"
        "<p>The whole body of the second story.</p></div></body></html>"
    )
    (root / "index.html").write_text(
        "<a class='s' href='/inner.html'>Inner story</a><a class='s' href='/outer.html'>Outer</a>"
    )
    server = serve(root)
    seeds = one_channel_seed(
        tmp_path,
        "lists",
        f"{server.base_url}/index.html",
        '["a.none::attr(href)", "a.s::attr(href)"]',
        'body = [".story-body", ".story"]',
    )
    result = crawl("lists", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    texts = {line["title"]: line["text"] for line in result.feed_lines("lists")}
    assert texts == {
        "Inner": "The inner body of the first story.",
        "Outer": "The whole body of the second story.",
    }
    bad = seeds / "lists.toml"
    bad.write_text(bad.read_text().replace('[".story-body", ".story"]', "[]"), "utf-8")
    proc = scrapy("crawl", "lists", "-s", f"SEEDS_DIR={seeds}")
    assert proc.returncode == 1 and "article.body: an empty list of selectors" in proc.stderr


def test_rel_canonical_names_the_article(tmp_path, serve):
    """Two addresses of one article, each declaring <link rel="canonical"> to the same page of
    an allowed domain: one article under that address. A canonical on another domain is not
    taken."""
    root = tmp_path / "site"
    root.mkdir()
    server = serve(root)
    page = (
        "<html><head><title>{t}</title><link rel='canonical' href='{c}'></head><body>"
        "<h1>{t}</h1><div class='c'><p>The text of {t}.</p></div></body></html>"
    )
    (root / "story.html").write_text(page.format(t="Story", c="/story.html"))
    (root / "print.html").write_text(page.format(t="Story", c=f"{server.base_url}/story.html"))
    (root / "other.html").write_text(page.format(t="Other", c="https://elsewhere.example/x"))
    (root / "index.html").write_text(
        "<a class='s' href='/print.html'>p</a><a class='s' href='/story.html'>s</a>"
        "<a class='s' href='/other.html'>o</a>"
    )
    seeds = one_channel_seed(
        tmp_path, "canon", f"{server.base_url}/index.html", '"a.s::attr(href)"', 'body = ".c"'
    )
    result = crawl("canon", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    urls = sorted(line["url"] for line in result.feed_lines("canon"))
    assert urls == [f"{server.base_url}/other.html", f"{server.base_url}/story.html"]
    assert result.report("canon")["dropped"] == {"duplicate_in_run": 1}
