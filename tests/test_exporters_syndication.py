"""Atom and RSS feeds, read back by feedparser: every entry equal to its article, hostile texts
included, the newest FEED_MAX_ENTRIES across runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
import lxml.html
import pytest
from hostile import HOSTILE_BODIES, HOSTILE_TEXTS

from conftest import export_run, make_article, make_source
from crawler.exporters.syndication import NOT_XML

SYNDICATION = {"crawler.exporters.syndication.SyndicationExporter": {}}


def entries(output, source, kind: str) -> list:
    parsed = feedparser.parse((output / "feeds" / source.name / f"feed.{kind}").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed.entries


def xml_safe(text: str) -> str:
    """What XML 1.0 can carry of a text: it has no way to hold most control characters."""
    return NOT_XML.sub("", text)


def text_of(html: str) -> str:
    return " ".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())


def test_hostile_entries_read_back(tmp_path):
    source = make_source()
    articles = [
        make_article(
            i,
            source,
            title=title,
            author=HOSTILE_TEXTS[-1 - i],
            body_html=HOSTILE_BODIES[i % len(HOSTILE_BODIES)],
            text=HOSTILE_TEXTS[(i + 5) % len(HOSTILE_TEXTS)],
            updated=datetime(2022, 4, 10, 8, 0, tzinfo=UTC) + timedelta(minutes=i),
        )
        for i, title in enumerate(HOSTILE_TEXTS[:45])
    ]
    export_run(tmp_path, source, articles, EXPORTERS=SYNDICATION)
    by_url = {a.url: a for a in articles}
    for kind in ("atom", "rss"):
        read = entries(tmp_path, source, kind)
        assert len(read) == len(articles)
        # Newest first.
        assert [e.link for e in read] == [a.url for a in articles]
        for entry in read:
            article = by_url[entry.link]
            # feedparser strips the whitespace around a title or a name.
            assert entry.title == xml_safe(article.title).strip(), kind
            published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
            assert published == article.date.astimezone(UTC)
            if kind == "atom":
                updated = datetime(*entry.updated_parsed[:6], tzinfo=UTC)
                assert updated == article.updated
                assert [t.term for t in entry.tags] == article.categories
            assert entry.author == xml_safe(article.author).strip(), kind
            assert text_of(entry.content[0].value) == text_of(xml_safe(article.body_html))


def test_newest_entries_across_runs(tmp_path):
    source = make_source()
    first = [make_article(i, source) for i in range(1, 61)]
    export_run(tmp_path, source, first, EXPORTERS=SYNDICATION)
    atom = entries(tmp_path, source, "atom")
    assert len(atom) == 50
    assert [e.link for e in atom] == [a.url for a in first[:50]]

    # A run with one new article and one updated one still publishes a full feed.
    newest = make_article(0, source, title="The newest one")
    changed = make_article(5, source, title="Article 5, corrected")
    export_run(tmp_path, source, [newest, changed], EXPORTERS=SYNDICATION)
    for kind in ("atom", "rss"):
        read = entries(tmp_path, source, kind)
        assert len(read) == 50
        assert read[0].title == "The newest one"
        assert [e.link for e in read] == [a.url for a in [newest, *first[:49]]]
        assert read[5].title == "Article 5, corrected"


def test_feeds_are_valid_xml_with_control_characters(tmp_path):
    source = make_source()
    article = make_article(1, source, title="a\x00b\x07c\x1bd", body_html="<p>x\x0by ]]&gt; z</p>")
    export_run(tmp_path, source, [article], EXPORTERS=SYNDICATION)
    for kind in ("atom", "rss"):
        (entry,) = entries(tmp_path, source, kind)
        assert entry.title == "abcd"


@pytest.mark.parametrize("site_url", ["", "https://news.example/"])
def test_feed_images_are_absolute(tmp_path, site_url):
    """A body pointing at local copies (/images/full/x.jpg) is no use to a feed reader: the
    entry gives SITE_URL + the path, or, without SITE_URL, the image's original address."""
    source = make_source()
    image = {"url": "https://cdn.example/a.jpg", "path": "full/abc.jpg", "checksum": "0"}
    article = make_article(
        1,
        source,
        body_html='<p>Text.</p><img src="/images/full/abc.jpg">',
        images=[image],
    )
    export_run(tmp_path, source, [article], EXPORTERS=SYNDICATION, SITE_URL=site_url)
    want = "https://news.example/images/full/abc.jpg" if site_url else image["url"]
    for kind in ("atom", "rss"):
        (entry,) = entries(tmp_path, source, kind)
        content = entry.content[0].value
        assert f'src="{want}"' in content, kind
        assert 'src="/images/' not in content
