"""One path from page to article: a crawl and `scrapy extract` build the same fields from the
same page; spiders of one's own go through every pipeline and exporter with no seed spider;
every run has its own id and feed file."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from conftest import ROOT, SITES, crawl, extracted_lines, read_jsonl, split_post
from crawler.demo.server import SiteServer
from crawler.runs import Run, reserve_run_id
from sites import news

PLUGINS = Path(__file__).parent / "plugins"
# The fields a page gives, compared between a crawl's feed line and `scrapy extract --json`.
PAGE_FIELDS = ("url", "title", "author", "updated", "text", "language", "source", "site")


def assert_same_fields(crawled: list[dict], seeds: Path, seed: str) -> None:
    assert crawled
    extracted = extracted_lines(seeds, seed, [line["url"] for line in crawled])
    assert set(extracted) == {line["url"] for line in crawled}
    for line in crawled:
        page = extracted[line["url"]]
        for name in PAGE_FIELDS:
            if name == "title" and "title" not in page["extracted_by"]:
                continue  # the crawl took the listing's title: no page field
            assert line[name] == page[name], (line["url"], name)
        if line["date_source"] == "page" and not line["date_relative"]:
            assert line["date"] == page["date"], line["url"]
            assert line["extracted_by"]["date"] == page["extracted_by"]["date"]
        # Images: the crawl asked for what extraction listed.
        assert {i["url"] for i in line["images"]} <= set(page["image_urls"]), line["url"]


def test_crawl_and_extract_agree_on_the_news_site(tmp_path, news_site):
    result = crawl("news", news_site.seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    assert_same_fields(result.feed_lines("news"), news_site.seeds, "news")


def test_crawl_and_extract_agree_on_the_guancha_site(tmp_path):
    server = SiteServer(SITES / "guancha").start()
    try:
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        seed = (ROOT / "seeds" / "guancha.toml").read_text("utf-8")
        seed = seed.replace("https://www.guancha.cn/", f"{server.base_url}/")
        seed = seed.replace('allowed_domains = ["guancha.cn"]', 'allowed_domains = ["127.0.0.1"]')
        (seeds / "guancha.toml").write_text(seed, "utf-8")
        result = crawl("guancha", seeds, tmp_path / "out", "-s", "IMAGES_REWRITE=False")
        assert result.returncode == 0, result.stderr[-3000:]
        assert_same_fields(result.feed_lines("guancha"), seeds, "guancha")
    finally:
        server.stop()


def test_crawl_and_extract_agree_on_the_demo_site(tmp_path):
    server = SiteServer(ROOT / "crawler" / "demo" / "site").start()
    try:
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        seed = (ROOT / "seeds" / "demo.toml").read_text("utf-8")
        (seeds / "demo.toml").write_text(
            seed.replace("http://127.0.0.1:8765", server.base_url), "utf-8"
        )
        result = crawl("demo", seeds, tmp_path / "out")
        assert result.returncode == 0, result.stderr[-3000:]
        lines = result.feed_lines("demo")
        assert len(lines) == 8
        assert_same_fields(lines, seeds, "demo")
    finally:
        server.stop()


GENERIC_SEED = """\
site = "Generic"
allowed_domains = ["127.0.0.1"]
timezone = "Europe/London"
language = "en"
[[channels]]
name = "All"
url = "{base}/index.html"
[listing]
link = "a.story::attr(href)"
"""
STORY = "<p>{} A paragraph long enough to be the text of the article itself.</p>"


def test_crawl_and_extract_agree_on_the_generic_path_with_dates_in_addresses(tmp_path, serve):
    """Pages with no date but the one in their address, read on the generic path (no
    [article] selectors): the crawl dates them as `scrapy extract` does (a date made of whole
    path segments, in the seed's timezone), and an address that is not a date leaves them to
    the crawl time."""
    root = tmp_path / "site"
    pages = {
        "2021/03/20/harbour-promenade.html": "2021-03-20T00:00:00+00:00",
        "news/2021-07-04/fireworks.html": "2021-07-04T00:00:00+01:00",
        "archive/20190930/1.html": "2019-09-30T00:00:00+01:00",
        "journal/2021/04/12713/index.html": None,
        "politics/2022_04_09_634001.shtml": None,
    }
    links = []
    for n, path in enumerate(pages):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        title = f"Story number {n}"
        target.write_text(
            f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<div>{STORY.format(title) * 3}</div></body></html>",
            "utf-8",
        )
        links.append(f'<a class="story" href="/{path}">{title}</a>')
    (root / "index.html").write_text("<br>".join(links), "utf-8")
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "generic.toml").write_text(GENERIC_SEED.format(base=server.base_url), "utf-8")
    result = crawl("generic", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {
        line["url"].removeprefix(server.base_url + "/"): line
        for line in result.feed_lines("generic")
    }
    assert set(lines) == set(pages)
    for path, date in pages.items():
        line = lines[path]
        if date:
            assert (line["date"], line["date_source"]) == (date, "page"), path
            assert line["extracted_by"]["date"] == "url"
        else:
            assert line["date_source"] == "crawled", path
    assert_same_fields(list(lines.values()), seeds, "generic")


def comparable(line: dict) -> dict:
    """A feed line without what differs from run to run."""
    return {k: v for k, v in line.items() if k not in ("crawled_at",)}


def test_a_plain_spider_goes_through_every_pipeline_and_exporter(tmp_path, news_site):
    exporters = json.dumps(
        {
            "crawler.exporters.jsonl.JsonLinesExporter": {},
            "crawler.exporters.hexo.HexoExporter": {},
            "crawler.exporters.syndication.SyndicationExporter": {},
            "crawler.exporters.sql.SqlExporter": {},
        }
    )
    settings = ("-s", f"EXPORTERS={exporters}")
    seeded = crawl("news", news_site.seeds, tmp_path / "seeded", *settings)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    start = f"{news_site.server.base_url}/list/1.html"
    plain = crawl(
        "plain",
        news_site.seeds,
        tmp_path / "plain",
        "-a",
        f"start={start}",
        "-s",
        "SPIDER_MODULES=plain_spiders",
        *settings,
        path=(PLUGINS,),
    )
    assert plain.returncode == 0, plain.stderr[-3000:]
    assert "Traceback" not in plain.stderr

    # The same articles, field for field, where the page itself gives them (the plain spider
    # reads no listing dates, so articles dated by their listing or the clock are left out).
    seeded_lines = {line["url"]: line for line in seeded.feed_lines("news")}
    plain_lines = {line["url"]: line for line in plain.feed_lines("news")}
    assert set(plain_lines) == set(seeded_lines)
    compared = [u for u, line in seeded_lines.items() if line["date_source"] == "page"]
    compared = [u for u in compared if not seeded_lines[u]["date_relative"]]
    assert len(compared) >= 12
    for url in compared:
        assert comparable(plain_lines[url]) == comparable(seeded_lines[url]), url

    # Hexo posts: as many, and the same files with the same text for the articles compared.
    seeded_posts, plain_posts = seeded.posts(), plain.posts()
    assert len(plain_posts) == len(seeded_posts) == len(news.EXPORTED)
    for name, text in seeded_posts.items():
        front, _ = split_post(text)
        if front["title"] in {seeded_lines[u]["title"] for u in compared}:
            assert plain_posts[name] == text, name
    # Atom/RSS and SQL got every article too.
    for output in (seeded.output, plain.output):
        assert (output / "feeds" / "news" / "feed.atom").is_file()
        rows = sqlite3.connect(output / "articles.sqlite").execute("SELECT count(*) FROM articles")
        assert rows.fetchone()[0] == len(news.EXPORTED)
    report = plain.report("plain")
    assert report["exported"] == len(news.EXPORTED)


def test_a_hand_built_article_is_normalized_by_the_pipelines(tmp_path, news_site):
    start = f"{news_site.server.base_url}/a/a01.html"
    result = crawl(
        "raw",
        news_site.seeds,
        tmp_path / "out",
        "-a",
        f"start={start}",
        "-s",
        "SPIDER_MODULES=plain_spiders",
        path=(PLUGINS,),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (line,) = result.feed_lines("raw")
    assert line["title"] == "A title written by hand"
    assert line["author"] == "Raw Site"  # the site, as for a seed without an author
    assert line["date"] == "2022-04-09T17:56:00+08:00" and line["date_source"] == "page"
    assert "script" not in line["body_html"] and "onclick" not in line["body_html"]
    base = news_site.server.base_url
    assert f'href="{base}/a/rel/link.html"' in line["body_html"]
    assert line["text"] == "Raw link"
    assert line["image_urls"] == [f"{base}/img/x.png"]
    assert len(result.posts()) == 1


def _reserve(args: tuple[str, str]) -> str:
    runs_dir, started = args
    return reserve_run_id(Path(runs_dir), datetime.fromisoformat(started))


def test_runs_started_in_the_same_second_get_their_own_ids(tmp_path):
    started = datetime(2026, 11, 30, 16, 15, 57, 123456, tzinfo=UTC).isoformat()
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        ids = pool.map(_reserve, [(str(tmp_path), started)] * 8)
    assert len(set(ids)) == 8
    assert min(ids) == "20261130T161557Z"
    assert all(len(i) == 16 and i.endswith("Z") for i in ids)


def test_two_crawls_in_a_row_write_two_feed_files(tmp_path, news_site):
    """No wait between the runs: the second gets a feed file of its own even when it starts
    in the second the first one started in."""
    output = tmp_path / "out"
    first = crawl("news", news_site.seeds, output)
    assert first.returncode == 0, first.stderr[-3000:]
    added = news.Page("a23", "新增的文章", "2022-04-11 09:30:00", paragraphs=["新的正文。"])
    news.build(news_site.root, news_site.server.base_url, [added, *news.PAGES])
    second = crawl("news", news_site.seeds, output)
    assert second.returncode == 0, second.stderr[-3000:]
    feeds = sorted((output / "feeds" / "news").glob("*.jsonl"))
    reports = sorted((output / "reports" / "news").glob("*.json"))
    assert len(feeds) == 2 and len(reports) == 2
    assert [line["title"] for line in read_jsonl(feeds[1])] == ["新增的文章"]
    assert {json.loads(r.read_text())["run"] for r in reports} == {f.stem for f in feeds}


@pytest.mark.parametrize("value", ["../x", "a/b", "", ".."])
def test_a_source_that_would_leave_its_folder_is_refused(tmp_path, value):
    crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path), "EXTENSIONS": {Run: 0}})
    run = Run.of(crawler)
    assert run.fill("%(output_dir)s/feeds/%(source)s/x.jsonl", source="ok") == Path(
        f"{tmp_path}/feeds/ok/{run.id}.jsonl".replace(f"{run.id}.jsonl", "x.jsonl")
    )
    with pytest.raises(ValueError):
        run.fill("%(output_dir)s/feeds/%(source)s/x.jsonl", source=value)


@pytest.mark.parametrize(
    "body",
    [
        "<iframe src='https://video.example/1'>A video of the event, long described.</iframe>",
        '<form action="/s"><input name="q"><button>Search the whole site now</button></form>',
        "<svg><text>A chart of the figures, drawn as vector text</text></svg>",
        "<script>var story = 'text only a script writes';</script><style>p{}</style>",
    ],
    ids=["iframe", "form", "svg", "script"],
)
def test_a_body_of_nothing_exported_is_dropped(tmp_path, serve, body):
    """Validate judges the text that would be exported: a body that cleaning empties is no
    body, and the article is dropped and counted, not exported with an empty text."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "a.html").write_text(
        f"<html><head><title>Empty</title></head><body><h1>Empty</h1>"
        f"<div class='c'>{body}</div></body></html>",
        "utf-8",
    )
    (root / "index.html").write_text('<a class="story" href="/a.html">Empty story</a>')
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = GENERIC_SEED.format(base=server.base_url) + '[article]\nbody = ".c"\n'
    (seeds / "generic.toml").write_text(seed, "utf-8")
    result = crawl("generic", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.feed_lines("generic") == []
    assert result.report("generic")["dropped"] == {"no_body": 1}
