"""A page's declared publication date against its other dates: the same instant written with
the site's offset, a later version's dates, the address's day (htmldate arbitrating); the
declarations that say they are the publication's before a generic one; a year-less date
dated by htmldate's day; dates dateparser reads keeping the zone they are written in."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.extract import ExtractOptions, extract_article, read_date
from crawler.extract.dates import parse_date
from crawler.extract.metadata import meta_fields

STORY = "<p>" + "The harbour promenade will be extended by four hundred metres. " * 8 + "</p>"
# A crawl years after the pages were written, as archives and benchmarks are read.
CRAWLED = datetime(2026, 11, 30, 12, tzinfo=UTC)


def article(url: str, head: str = "", byline: str = "", timezone_name: str | None = None):
    html = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Harbour</title>{head}</head>"
        f"<body><h1>Harbour</h1>{byline}<div class='story'>{STORY}</div></body></html>"
    )
    options = ExtractOptions(timezone=timezone_name, crawled_at=CRAWLED)
    return extract_article(HtmlResponse(url, body=html.encode()), options)


def jsonld(**dates: str) -> str:
    fields = {"@type": "NewsArticle", "headline": "Harbour", **dates}
    return f'<script type="application/ld+json">{json.dumps(fields)}</script>'


def test_a_utc_declaration_yields_to_the_same_instant_with_the_sites_offset():
    page = article(
        "https://example.com/harbour.html",
        jsonld(datePublished="2019-10-18T22:04:00Z")
        + '<meta name="pubdate" content="Sat, 19 Oct 2019 00:04:00 +0200">',
    )
    assert page.date == datetime(2019, 10, 19, 0, 4, tzinfo=timezone(timedelta(hours=2)))
    assert page.date.utcoffset() == timedelta(hours=2)
    assert page.extracted_by["date"] == "meta"


def test_a_later_version_htmldate_reads_wins_over_the_first_declaration():
    """Published on the 6th, changed on the 7th, and the page's Dublin Core date (which
    htmldate reads first) says the 7th: the declared time of that day is taken."""
    page = article(
        "https://example.com/harbour.html",
        jsonld(datePublished="2023-11-06T18:19+01:00", dateModified="2023-11-07T10:14+01:00")
        + '<meta name="DC.Date" content="2023-11-07T07:30+01:00">',
    )
    assert page.date == datetime(2023, 11, 7, 10, 14, tzinfo=timezone(timedelta(hours=1)))
    # Without that date, the versions disagree and htmldate keeps the publication.
    first = article(
        "https://example.com/harbour.html",
        jsonld(datePublished="2023-11-06T18:19+01:00", dateModified="2023-11-07T10:14+01:00"),
    )
    assert first.date == datetime(2023, 11, 6, 18, 19, tzinfo=timezone(timedelta(hours=1)))
    assert first.extracted_by["date"] == "json-ld"


def test_the_address_day_wins_over_a_date_years_away():
    page = article(
        "https://example.com/home/2017/7/12/harbour",
        jsonld(datePublished="2019-06-17T18:28:00+0200"),
        timezone_name="Europe/Berlin",
    )
    assert page.date == datetime(2017, 7, 12, tzinfo=ZoneInfo("Europe/Berlin"))
    assert page.extracted_by["date"] == "url"


@pytest.mark.parametrize(
    ("url", "declared", "expected"),
    [
        # The address's day: the declared time is kept.
        (
            "https://example.com/2017/07/12/harbour/",
            "2017-07-12T09:00:00+02:00",
            datetime(2017, 7, 12, 9, tzinfo=timezone(timedelta(hours=2))),
        ),
        # An instant in UTC on the day after the address's: right, its day is the seed's
        # timezone's to say.
        (
            "https://example.com/2020/02/24/harbour/",
            "2020-02-25T02:25:54Z",
            datetime(2020, 2, 25, 2, 25, 54, tzinfo=UTC),
        ),
    ],
)
def test_the_declared_time_is_kept_when_the_address_agrees(url, declared, expected):
    page = article(url, jsonld(datePublished=declared))
    assert page.date == expected
    assert page.extracted_by["date"] == "json-ld"


def test_a_date_only_declaration_does_not_arbitrate():
    """A day without a time (often a UTC day) is no evidence against a timed declaration."""
    page = article(
        "https://example.com/harbour.html",
        jsonld(datePublished="2023-11-09T03:02:34-05:00")
        + '<meta name="pubdate" content="2023-11-08">',
    )
    assert page.date == datetime(2023, 11, 9, 3, 2, 34, tzinfo=timezone(timedelta(hours=-5)))


def test_itemprop_dates_on_any_element_and_before_a_generic_meta_date():
    page = Selector(
        text='<html><head><meta name="date" content="2022-01-21T15:38:44+01:00"></head><body>'
        '<p class="date" itemprop="datePublished" content="2022-01-14 10:31:00">Januar 2022</p>'
        '<span itemprop="dateModified" content="2022-01-20 08:00:00">20.</span></body></html>'
    )
    fields = meta_fields(page, ("date", "updated"))
    assert fields == {"date": "2022-01-14 10:31:00", "updated": "2022-01-20 08:00:00"}
    time_element = Selector(
        text='<html><head><meta name="date" content="2022-01-21T15:38:44+01:00"></head><body>'
        '<time itemprop="datePublished" datetime="2022-01-27">27.01.2022</time></body></html>'
    )
    assert meta_fields(time_element, ("date",)) == {"date": "2022-01-27"}
    generic = Selector(text='<html><head><meta name="date" content="2022-01-21"></head></html>')
    assert meta_fields(generic, ("date",)) == {"date": "2022-01-21"}


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        # htmldate's day a few days before: that year, not the crawl's.
        ("06月24日", "2019-06-19", datetime(2019, 6, 24)),
        ("12月30日", "2019-01-10", datetime(2018, 12, 30)),
        ("June 24", "2019-06-30", datetime(2019, 6, 24)),
        # The nearest of the two years either side, not the most recent before the crawl.
        ("06月24日", "2018-11-02", datetime(2018, 6, 24)),
        ("06月24日", "2018-02-02", datetime(2018, 6, 24)),
    ],
)
def test_a_year_less_date_takes_the_year_nearest_htmldates_day(text, day, expected):
    options = ExtractOptions(timezone="Asia/Shanghai", language="zh", crawled_at=CRAWLED)
    value = read_date(text, options, "https://example.com/news/k1001.html", day)
    assert value == expected.replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_byline_date_dated_by_htmldate_in_a_page():
    page = article(
        "https://example.com/news/k1001.html",
        '<meta name="dcterms.created" content="2019-06-19">',
        "<p class='byline'>06月24日 10:00 来源：本报</p>",
        timezone_name="Asia/Shanghai",
    )
    assert page.date == datetime(2019, 6, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("Nov. 8, 2023, 10:28 p.m. ET", timedelta(hours=-5)),
        ("Sat, 19 Oct 2019 00:04:00 +0200", timedelta(hours=2)),
        ("19 Oct 2019 00:04 +0200", timedelta(hours=2)),
        ("Sat, 19 Oct 2019 00:04:00 GMT", timedelta(0)),
    ],
)
def test_a_date_keeps_the_zone_it_is_written_in(text, offset):
    """Read in any timezone, a date that writes its zone is that instant, in that zone."""
    for tz in (ZoneInfo("UTC"), ZoneInfo("Asia/Shanghai")):
        value = parse_date(text, tz, "en")
        assert value.utcoffset() == offset
    assert parse_date("Nov. 8, 2023, 10:28 p.m. ET", ZoneInfo("UTC"), "en") == datetime(
        2023, 11, 9, 3, 28, tzinfo=UTC
    )
