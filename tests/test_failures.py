"""Failures that must not look like success: a source that is down exits non-zero saying why in
one line; a PDF or an image linked as an article is a counted failure, not a traceback, and is
not asked again; links that are not web addresses are skipped and counted."""

from __future__ import annotations

import socket

import pytest

from conftest import crawl, png
from sites.dead import AlwaysFails, NeverAnswers

SEED = """\
site = "Down"
allowed_domains = ["127.0.0.1"]
[[channels]]
name = "Front"
url = "{base}/"
[[channels]]
name = "More"
url = "{base}/more/"
{rest}"""


def seeds_for(tmp_path, base: str, rest: str = ""):
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "down.toml").write_text(SEED.format(base=base, rest=rest), "utf-8")
    return seeds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_failed_run(result, reason: str) -> None:
    assert result.returncode == 1, result.stderr[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: no channel page of down could be fetched"), last
    assert f"{reason} ×2" in last, last
    assert "Traceback" not in result.stderr
    report = result.report("down")
    assert report["failed_channel_pages"] == {reason: 2}
    assert report["error"] and reason in report["error"]


def test_nothing_listening(tmp_path):
    base = f"http://127.0.0.1:{free_port()}"
    result = crawl(
        "down", seeds_for(tmp_path, base), tmp_path / "out", "-s", "ROBOTSTXT_OBEY=False"
    )
    assert_failed_run(result, "connection_refused")


def test_nothing_listening_robots_txt_included(tmp_path):
    """Scrapy's robots.txt middleware logs a robots.txt it could not fetch with a traceback:
    here that is one line (crawler.logfilters)."""
    base = f"http://127.0.0.1:{free_port()}"
    result = crawl("down", seeds_for(tmp_path, base), tmp_path / "out")
    assert_failed_run(result, "connection_refused")
    robots = [line for line in result.stderr.splitlines() if ".robotstxt] ERROR" in line]
    assert robots and all("Connection was refused" in line for line in robots), robots


def test_500_on_every_page(tmp_path):
    server = AlwaysFails().start()
    try:
        result = crawl("down", seeds_for(tmp_path, server.base_url), tmp_path / "out")
    finally:
        server.stop()
    assert_failed_run(result, "http_500")


def test_a_server_that_never_answers(tmp_path):
    server = NeverAnswers().start()
    try:
        result = crawl(
            "down",
            seeds_for(tmp_path, server.base_url),
            tmp_path / "out",
            "-s",
            "ROBOTSTXT_OBEY=False",
            "-s",
            "DOWNLOAD_TIMEOUT=1",
        )
    finally:
        server.stop()
    assert_failed_run(result, "timeout")


def test_robots_txt_forbidding_everything(tmp_path, serve):
    root = tmp_path / "site"
    (root / "more").mkdir(parents=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    (root / "index.html").write_text("<a href='/a.html'>An article that is never asked</a>")
    server = serve(root)
    result = crawl("down", seeds_for(tmp_path, server.base_url), tmp_path / "out")
    assert_failed_run(result, "robots_txt")
    assert server.paths() == ["/robots.txt"]


def test_pdf_image_and_garbage_linked_as_articles(tmp_path, serve):
    root = tmp_path / "site"
    (root / "more").mkdir(parents=True)
    (root / "doc.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n")
    (root / "pic.png").write_bytes(png())
    (root / "blob.bin").write_bytes(bytes(range(256)) * 64)
    (root / "ok.html").write_text(
        "<html><head><title>A real article</title></head><body><h1>A real article</h1>"
        "<time datetime='2022-04-09T10:00:00+08:00'></time>"
        "<div class='c'><p>Text of the only real article.</p></div></body></html>"
    )
    links = ["doc.pdf", "pic.png", "blob.bin", "ok.html"]
    (root / "index.html").write_text(
        "".join(f"<a class='s' href='/{link}'>Linked {link}</a>" for link in links)
    )
    (root / "more" / "index.html").write_text("<p>Nothing here.</p>")
    server = serve(root)
    seeds = seeds_for(tmp_path, server.base_url, '[listing]\nlink = "a.s::attr(href)"\n')
    first = crawl("down", seeds, tmp_path / "out")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Traceback" not in first.stderr
    assert [line["title"] for line in first.feed_lines("down")] == ["A real article"]
    report = first.report("down")
    # None is HTML, whatever Scrapy makes of their first bytes (it takes a small PDF and the
    # octet-stream garbage for text): the Content-Type says so.
    assert report["failed_pages"] == {"not_html": 3}, report
    assert report["dropped"] == {}, report
    assert "Article page failed (not_html: application/pdf)" in first.stderr
    server.hits.clear()
    second = crawl("down", seeds, tmp_path / "out")
    assert second.returncode == 0, second.stderr[-3000:]
    asked = [p for p in server.paths() if p.startswith(("/doc", "/pic", "/blob"))]
    assert asked == []  # remembered as failed: not asked again before RETRY_FAILED_AFTER
    assert second.report("down")["skipped_links"].get("failed_recently") == 3


@pytest.mark.parametrize("href", ["javascript:loadMore()", "mailto:desk@news.example", "#"])
def test_links_that_are_not_web_addresses(tmp_path, serve, href):
    root = tmp_path / "site"
    (root / "more").mkdir(parents=True)
    (root / "a.html").write_text(
        "<html><head><title>Only story</title></head><body><h1>Only story</h1>"
        "<div class='c'><p>The only story of the page.</p></div></body></html>"
    )
    (root / "index.html").write_text(
        f"<a class='s' href='/a.html'>Only story</a><a class='s' href='{href}'>Odd link</a>"
        f"<a class='next' href='{href}'>More</a>"
    )
    (root / "more" / "index.html").write_text("<p>Nothing.</p>")
    server = serve(root)
    rest = '[listing]\nlink = "a.s::attr(href)"\nnext = "a.next::attr(href)"\n'
    seeds = seeds_for(tmp_path, server.base_url, rest)
    (seeds / "down.toml").write_text(
        (seeds / "down.toml")
        .read_text()
        .replace(
            'url = "' + server.base_url + '/"\n',
            'url = "' + server.base_url + '/"\nmax_pages = 2\n',
            1,
        ),
        "utf-8",
    )
    result = crawl("down", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "Missing scheme" not in result.stderr
    assert [line["title"] for line in result.feed_lines("down")] == ["Only story"]
    report = result.report("down")
    if href == "#":
        # "#" is the page itself: a web address, fetched once (the duplicate filter drops it).
        return
    assert report["not_http_links"] == 2


def test_a_body_larger_than_article_max_bytes_is_dropped(tmp_path, serve):
    root = tmp_path / "site"
    (root / "more").mkdir(parents=True)
    big = "<p>" + "A sentence of a very long article body. " * 100 + "</p>"
    (root / "big.html").write_text(
        f"<html><head><title>Big</title></head><body><h1>Big</h1><div class='c'>{big}</div>"
        "</body></html>"
    )
    (root / "index.html").write_text("<a class='s' href='/big.html'>The big one</a>")
    (root / "more" / "index.html").write_text("<p>Nothing.</p>")
    server = serve(root)
    seeds = seeds_for(tmp_path, server.base_url, '[listing]\nlink = "a.s::attr(href)"\n')
    result = crawl("down", seeds, tmp_path / "out", "-s", "ARTICLE_MAX_BYTES=1000")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.report("down")["dropped"] == {"too_large": 1}
    assert "0 articles exported from 1 article page and 2 listing pages" in result.stderr


@pytest.mark.parametrize(("chars", "dropped"), [(250, False), (338, False), (339, True)])
def test_article_max_bytes_counts_utf8_bytes_not_characters(chars, dropped):
    from scrapy.exceptions import DropItem
    from scrapy.utils.test import get_crawler

    from crawler.items import Article
    from crawler.pipelines.validate import ValidatePipeline

    crawler = get_crawler(settings_dict={"ARTICLE_MAX_BYTES": 1000, "DATE_FALLBACK": "listing"})
    pipeline = ValidatePipeline.from_crawler(crawler)
    body = "<p>" + "新" * (chars - 7) + "</p>"  # 3 bytes a character: 3 * chars - 14 bytes in all
    article = Article(url="https://news.example/a.html", title="T", source="s", body_html=body)
    article.text = "新闻"
    if dropped:
        with pytest.raises(DropItem):
            pipeline.process_item(article)
    else:
        assert pipeline.process_item(article) is article
