"""The day a page shows its readers: a declared publication date yields to the modification
date declared with it when the page's text writes only the latter's day, unless the element
showing it says it is a modification date; days found in the forms of the page's language."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from scrapy.http import HtmlResponse

from conftest import crawl, one_channel_seed
from crawler.extract import ExtractOptions, extract_article
from crawler.extract.dates import shows_day

STORY = "<p>" + "Der Hafen bekommt eine neue Promenade von vierhundert Metern Länge. " * 8 + "</p>"
CRAWLED = datetime(2026, 11, 30, 12, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def jsonld(**dates: str) -> str:
    fields = {"@type": "NewsArticle", "headline": "Hafen", **dates}
    return f'<script type="application/ld+json">{json.dumps(fields)}</script>'


def page_html(head: str, byline: str) -> str:
    return (
        f"<!doctype html><html lang='de'><head><meta charset='utf-8'><title>Hafen</title>{head}"
        f"</head><body><h1>Hafen</h1>{byline}<div class='story'>{STORY}</div></body></html>"
    )


def article(head: str, byline: str, language: str = "de"):
    options = ExtractOptions(language=language, timezone=None, crawled_at=CRAWLED)
    response = HtmlResponse("https://example.com/hafen.html", body=page_html(head, byline).encode())
    return extract_article(response, options)


# Published on 29 November, changed on 12 January: which day does the page show?
CHANGED = jsonld(
    datePublished="2021-11-29T14:13:37+01:00", dateModified="2022-01-12T14:27:30+01:00"
)
PUBLISHED = datetime(2021, 11, 29, 14, 13, 37, tzinfo=timezone(timedelta(hours=1)))
MODIFIED = datetime(2022, 1, 12, 14, 27, 30, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        # Only the modification's day is shown, in the language's medium or long form.
        ("<div class='meta'><span class='icon-calendar'></span> 12.01.2022</div>", MODIFIED),
        ("<p class='publish-info'>12. Januar 2022 - 15:27 Uhr</p>", MODIFIED),
        # Both days shown: the page says when it was published.
        ("<p>Erschienen am 29.11.2021, zuletzt geändert am 12.01.2022</p>", PUBLISHED),
        # The publication's day only, or no day at all.
        ("<p>29. November 2021</p>", PUBLISHED),
        ("<p>Von Jana Roth</p>", PUBLISHED),
        # The day shown is in an element marked as the modification date.
        ("<time class='entry-updated updated' datetime='2022-01-12'>12.01.2022</time>", PUBLISHED),
        ("<p><span itemprop='dateModified'>12.01.2022</span></p>", PUBLISHED),
    ],
)
def test_a_modification_date_is_taken_only_when_its_day_alone_is_shown(byline, expected):
    page = article(CHANGED, byline)
    assert page.date == expected
    assert page.date.utcoffset() == timedelta(hours=1)


def test_an_earlier_modification_never_replaces_the_publication():
    head = jsonld(datePublished="2022-01-12T10:00:00+01:00", dateModified="2021-11-29T10:00+01:00")
    page = article(head, "<p>29.11.2021</p>")
    assert page.date == datetime(2022, 1, 12, 10, tzinfo=timezone(timedelta(hours=1)))


def test_an_english_page_showing_its_revision_day():
    head = jsonld(datePublished="2005-07-26T16:22:26-07:00", dateModified="2020-04-07T12:33-07:00")
    page = article(head, "<h2>Latest revision as of 05:33, 7 April 2020</h2>", language="en")
    assert page.date == datetime(2020, 4, 7, 12, 33, tzinfo=timezone(timedelta(hours=-7)))
    assert page.extracted_by["date"] == "json-ld"


@pytest.mark.parametrize(
    ("text", "day", "language", "shown"),
    [
        ("Stand: 12.01.2022", date(2022, 1, 12), "de", True),
        ("am 20. März 2021 - 15:00 Uhr", date(2021, 3, 20), "de", True),
        ("Nov. 8, 2023, 10:28 p.m. ET", date(2023, 11, 8), "en", True),
        ("November 8, 2023", date(2023, 11, 8), "en", True),
        ("8 November 2023", date(2023, 11, 8), "en", True),
        ("le 12 janvier 2022", date(2022, 1, 12), "fr", True),
        ("2022-01-12T10:00", date(2022, 1, 12), "other", True),
        # Not inside a longer number, not another day.
        ("112.01.2022", date(2022, 1, 12), "de", False),
        ("Nov 18, 2023", date(2023, 11, 8), "en", False),
        ("12.01.20221", date(2022, 1, 12), "de", False),
    ],
)
def test_the_forms_a_day_is_shown_in(text, day, language, shown):
    assert shows_day(text, day, language) is shown


def test_the_shown_day_in_a_crawl(tmp_path, serve):
    site = tmp_path / "site"
    site.mkdir()
    pages = {
        "shown.html": "<div class='meta'>12.01.2022</div>",
        "marked.html": "<time class='updated' datetime='2022-01-12'>12.01.2022</time>",
    }
    for name, byline in pages.items():
        (site / name).write_text(page_html(CHANGED, byline), "utf-8")
    links = "".join(f"<li><a class='story' href='{name}'>{name}</a></li>" for name in pages)
    (site / "index.html").write_text(f"<ul>{links}</ul>", "utf-8")
    server = serve(site)
    seeds = one_channel_seed(
        tmp_path, "hafen", f"{server.base_url}/index.html", '"a.story::attr(href)"',
        timezone='"Europe/Berlin"', language='"de"',
    )  # fmt: skip
    result = crawl("hafen", seeds, tmp_path / "out", "-s", "IMAGES_ENABLED=False")
    assert result.returncode == 0, result.stderr[-3000:]
    got = {
        line["url"].rsplit("/", 1)[1]: datetime.fromisoformat(line["date"])
        for line in result.feed_lines("hafen")
    }
    assert got == {"shown.html": MODIFIED, "marked.html": PUBLISHED}
    assert got["shown.html"].tzinfo is not None
    assert got["shown.html"].astimezone(BERLIN).date() == date(2022, 1, 12)
