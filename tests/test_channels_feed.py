"""Feed channels through the real engine, read by feedparser: RSS 2.0 and 1.0, Atom, titles with
entities, CDATA and markup, dates whatever their order, links resolved, offsite links left to
Scrapy's OffsiteMiddleware and counted once."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import crawl
from crawler.demo.server import SiteServer

ARTICLE = (
    "<html><head><title>{title}</title></head><body><h1>{title}</h1>"
    "<div class='c'><p>Body of {title}, long enough to be the article's text.</p>"
    # Over 200 characters, as a news article's text is (the run's coverage is judged on it).
    "<p>A second paragraph tells what happened next, who said what about it, and when the "
    "story will be followed up, as the reporters of a real newspaper would write it.</p></div>"
    "</body></html>"
)
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>
<item><title>Tom &amp; Jerry&#8217;s day</title><link>{base}/f/1.html</link>
<pubDate>Sat, 09 Apr 2022 09:56:37 GMT</pubDate></item>
<item><title><![CDATA[Prices <up> & down]]></title><link>/f/2.html</link></item>
<item><title>&lt;b&gt;Bold&lt;/b&gt; move</title><guid>{base}/f/3.html</guid>
<dc:date>2022-04-05T08:00:00+08:00</dc:date></item>
<item><title>Elsewhere</title><link>{offsite}/f/offsite.html</link></item>
<item><title>No link at all</title><guid isPermaLink="false">id-5</guid></item>
</channel></rss>"""
RDF = """<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{base}/"><title>T</title><link>{base}/</link></channel>
<item rdf:about="{base}/f/4.html"><title>RDF four</title><link>{base}/f/4.html</link>
<dc:date>2022-04-04T08:00:00+08:00</dc:date></item></rdf:RDF>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id>
<entry><title type="html">Atom &amp;amp; five</title><id>urn:5</id>
<link rel="self" href="/f/atom-self-5"/><link rel="alternate" href="5.html"/>
<updated>2022-04-10T10:00:00+08:00</updated><published>2022-04-08T10:00:00+08:00</published>
</entry>
<entry><title>Atom six</title><id>urn:6</id><link href="6.html"/>
<updated>2022-04-06T10:00:00+08:00</updated></entry></feed>"""
AUTO = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Auto seven</title><link>{base}/f/7.html</link></item></channel></rss>"""
# A feed sent as text/html.
AUTO_HTML = """\ufeff
<rss version="2.0"><channel><title>T</title>
<item><title>Auto eight</title><link>{base}/f/8.html</link></item></channel></rss>"""


def build(root: Path, base: str) -> None:
    (root / "f").mkdir(parents=True)
    for n in range(1, 9):
        (root / "f" / f"{n}.html").write_text(ARTICLE.format(title=f"Article {n}"))
    offsite = base.replace("127.0.0.1", "localhost")
    (root / "f" / "offsite.html").write_text(ARTICLE.format(title="Offsite"))
    for name, text in [
        ("rss.xml", RSS),
        ("rdf.xml", RDF),
        ("atom.xml", ATOM),
        ("auto.rss", AUTO),
        ("auto-html.html", AUTO_HTML),
    ]:
        (root / "f" / name).write_text(text.format(base=base, offsite=offsite), "utf-8")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    server = SiteServer(root).start()
    try:
        base = server.base_url
        build(root, base)
        seeds = tmp_path_factory.mktemp("seeds")
        seed = 'site = "Feeds"\nallowed_domains = ["127.0.0.1"]\ntimezone = "Asia/Shanghai"\n'
        for name, kind, path in [
            ("Rss", "feed", "f/rss.xml"),
            ("Rdf", "feed", "f/rdf.xml"),
            ("Atom", "feed", "f/atom.xml"),
            ("Auto", "auto", "f/auto.rss"),
            ("AutoHtml", "auto", "f/auto-html.html"),
        ]:
            seed += f'[[channels]]\nname = "{name}"\ntype = "{kind}"\nurl = "{base}/{path}"\n'
        (seeds / "feeds.toml").write_text(seed + '[article]\nbody = ".c"\n', "utf-8")
        result = crawl("feeds", seeds, tmp_path_factory.mktemp("output"))
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line["title"]: line for line in result.feed_lines("feeds")}
    return result, server, lines


def test_every_entry_with_a_link_read(run):
    _, server, lines = run
    assert {title: line["channel"] for title, line in lines.items()} == {
        "Article 1": "Rss",
        "Article 2": "Rss",  # a relative link
        "Article 3": "Rss",  # a guid that is a URL
        "Article 4": "Rdf",
        "Article 5": "Atom",  # the alternate link, relative to the feed
        "Article 6": "Atom",
        "Article 7": "Auto",  # found to be a feed
        "Article 8": "AutoHtml",  # a feed, though sent as text/html
    }
    assert not [p for p in server.paths() if "id-5" in p or "atom-self" in p]


def test_titles_as_text(run):
    _, _, lines = run
    titles = {title: line["listing_title"] for title, line in lines.items()}
    assert titles["Article 1"] == "Tom & Jerry\u2019s day"  # entities
    assert titles["Article 2"] == "Prices <up> & down"  # CDATA, kept as text
    assert titles["Article 3"] == "Bold move"  # escaped markup
    assert titles["Article 5"] == "Atom & five"  # type="html"


def test_publication_date_over_update_date(run):
    _, _, lines = run
    dates = {title: line["date"] for title, line in lines.items()}
    assert dates["Article 1"] == "2022-04-09T17:56:37+08:00"  # pubDate, GMT
    assert dates["Article 3"] == "2022-04-05T08:00:00+08:00"  # RSS 2.0 dc:date
    assert dates["Article 4"] == "2022-04-04T08:00:00+08:00"  # RSS 1.0 dc:date
    # <updated> comes first in the entry: <published> wins all the same.
    assert dates["Article 5"] == "2022-04-08T10:00:00+08:00"
    assert dates["Article 6"] == "2022-04-06T10:00:00+08:00"  # updated, alone
    assert {lines[f"Article {n}"]["date_source"] for n in (1, 3, 4, 5, 6)} == {"listing"}


def test_offsite_link_not_requested_and_counted_once(run):
    result, server, _ = run
    assert "/f/offsite.html" not in server.paths()
    report = result.report("feeds")
    assert report["offsite_filtered"] == 1
    assert "offsite" not in report["skipped_links"]
    assert "offsite links filtered 1;" in result.stderr
