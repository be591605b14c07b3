"""A page's machine-readable ``<time datetime>`` with its time and offset against a day-only date
of the same day (the byline's text, htmldate's day, the address's, a date-only declaration):
the precise one wins, under the rule that read it ("time", or "htmldate" when htmldate read
the time with the day); `scrapy extract` shows that rule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from scrapy.http import HtmlResponse

from conftest import scrapy
from crawler.extract import ExtractOptions, extract_article
from crawler.seeds import ArticleRules

STORY = "<p>" + "The harbour promenade will be extended by four hundred metres. " * 8 + "</p>"
CRAWLED = datetime(2026, 11, 30, 12, tzinfo=UTC)
TEN_UTC = datetime(2026, 3, 4, 10, tzinfo=UTC)


def page(body: str, head: str = "") -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Harbour</title>{head}</head>"
        f"<body>{body}</body></html>"
    )


def extracted(html: str, url: str = "https://example.com/harbour.html", tz: str | None = None):
    options = ExtractOptions(timezone=tz, crawled_at=CRAWLED)
    return extract_article(HtmlResponse(url, body=html.encode()), options)


# Each page: a <time datetime> with its time and offset by the headline, and the day-only date
# that won before (in brackets, the rule that gave it).
PAGES = {
    # [heuristic] the byline's text "March 4, 2026" at midnight
    "time-after-h1": (
        "<h1>Harbour</h1><time datetime='2026-03-04T10:00:00Z'>March 4, 2026</time>" + STORY,
        TEN_UTC,
        "time",
    ),
    # [htmldate] its day alone: the element's text gives no date
    "time-without-date-text": (
        "<h1>Harbour</h1><time datetime='2026-03-04T10:00:00Z'>…</time>" + STORY,
        TEN_UTC,
        "htmldate",
    ),
    # [htmldate] the day of the headline's text
    "time-inside-h1": (
        "<h1>Harbour <time datetime='2026-03-04T10:00:00Z'>March 4, 2026</time></h1>" + STORY,
        TEN_UTC,
        "time",
    ),
    # [heuristic] the byline in the article's header
    "time-in-article-header": (
        "<article><header><h1>Harbour</h1><p>By Jane Roe, "
        "<time datetime='2026-03-04T15:30:00+05:30'>4 March 2026</time></p></header>"
        f"{STORY}</article>",
        TEN_UTC,
        "time",
    ),
    # [htmldate] a weekday in the text, the date in the attribute only
    "time-in-meta-div": (
        "<header><h1>Harbour</h1></header><div class='meta'>"
        "<time datetime='2026-03-04T11:00:00+01:00'>Wednesday</time></div>" + STORY,
        TEN_UTC,
        "htmldate",
    ),
    # [heuristic] "Posted 2026-03-04" above an empty <time>
    "empty-time-after-day": (
        "<h1>Harbour</h1><p>Posted 2026-03-04</p>"
        "<time datetime='2026-03-04T11:00:00+01:00'></time>" + STORY,
        TEN_UTC,
        "time",
    ),
    # [url] the address's day (the page's url is dated, below)
    "time-on-the-addresss-day": (
        "<h1>Harbour</h1><p>By Jane Roe</p>"
        "<time datetime='2026-03-04T05:00:00-05:00'>Wed</time>" + STORY,
        TEN_UTC,
        "time",
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_timed_datetime_beats_a_day_only_date_of_its_day(name):
    body, instant, rule = PAGES[name]
    url = "https://example.com/2026/03/04/harbour.html" if "address" in name else None
    article = extracted(page(body), url or "https://example.com/harbour.html")
    assert article.date == instant
    assert article.extracted_by["date"] == rule


def test_the_datetime_keeps_its_offset_without_a_seed_timezone():
    body = PAGES["time-in-article-header"][0]
    article = extracted(page(body))
    assert article.date.utcoffset() == timedelta(hours=5, minutes=30)
    # A seed's timezone gives the same instant in its zone.
    assert extracted(page(body), tz="Europe/Berlin").date == TEN_UTC


def test_a_date_only_declaration_yields_to_the_time_of_its_day():
    jsonld = {"@type": "NewsArticle", "headline": "Harbour", "datePublished": "2026-03-04"}
    head = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>'
    body = "<h1>Harbour</h1><time datetime='2026-03-04T11:00:00+01:00'>4 March</time>" + STORY
    article = extracted(page(body, head))
    assert article.date == TEN_UTC
    assert article.extracted_by["date"] == "time"


def test_a_naive_time_yields_to_the_same_wall_clock_time_with_its_offset():
    body = (
        "<h1>Harbour</h1><p>March 4, 2026 11:00</p>"
        "<time datetime='2026-03-04T11:00:00+01:00'></time>" + STORY
    )
    article = extracted(page(body), tz="UTC")
    assert article.date == TEN_UTC
    assert article.extracted_by["date"] == "time"


def test_declared_times_are_kept():
    """``<time pubdate>`` and ``itemprop="datePublished"`` are declarations (rule "meta")."""
    for mark in ("pubdate", "itemprop='datePublished'"):
        body = (
            f"<h1>Harbour</h1><time {mark} datetime='2026-03-04T05:00:00-05:00'>Mar 4, 2026</time>"
            + STORY
        )
        article = extracted(page(body))
        assert article.date == TEN_UTC
        assert article.date.utcoffset() == timedelta(hours=-5)
        assert article.extracted_by["date"] == "meta"


def test_another_days_time_a_comments_time_and_a_seeds_date_do_not_win():
    other_day = (
        "<h1>Harbour</h1><p>Published March 4, 2026</p>" + STORY + "<aside><h3>More</h3>"
        "<time datetime='2026-03-05T10:00:00Z'>March 5</time></aside>"
    )
    assert extracted(page(other_day)).date == datetime(2026, 3, 4, tzinfo=UTC)
    in_comments = (
        "<h1>Harbour</h1><p>Published March 4, 2026</p>" + STORY + "<div class='comments'>"
        "<p>Nice</p><time datetime='2026-03-04T18:00:00Z'>March 4</time></div>"
    )
    article = extracted(page(in_comments))
    assert article.date == datetime(2026, 3, 4, tzinfo=UTC)
    assert article.extracted_by["date"] == "heuristic"
    # A seed's selector chose the day: kept.
    seeded = "<h1>Harbour</h1><p class='day'>2026-03-04</p><time datetime='2026-03-04T10:00Z'>"
    options = ExtractOptions(timezone=None, crawled_at=CRAWLED, rules=ArticleRules(date=".day"))
    response = HtmlResponse("https://example.com/harbour.html", body=page(seeded + STORY).encode())
    article = extract_article(response, options)
    assert article.date == datetime(2026, 3, 4, tzinfo=UTC)
    assert article.extracted_by["date"] == "seed"


def test_scrapy_extract_shows_the_rule_of_the_time(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(page(PAGES["time-after-h1"][0]), "utf-8")
    proc = scrapy("extract", str(path), "-s", f"OUTPUT_DIR={tmp_path}/out")
    assert proc.returncode == 0, proc.stderr[-2000:]
    (line,) = [line for line in proc.stdout.splitlines() if line.startswith("date ")]
    assert line.split()[1:] == ["[time]", "2026-03-04T10:00:00+00:00"]


def test_htmldate_keeps_the_time_it_read_with_the_day():
    body = PAGES["time-without-date-text"][0]
    article = extracted(page(body), tz="Asia/Shanghai")
    assert article.date == TEN_UTC
    assert article.date.utcoffset() == timedelta(hours=8)
    # A day htmldate read without a time is that day's midnight in the seed's zone.
    no_time = "<h1>Harbour</h1><p class='date'>Wednesday</p>" + STORY
    dated = extracted(page(no_time, '<meta name="date" content="2026-03-04">'), tz="Asia/Shanghai")
    assert dated.date == datetime(2026, 3, 4, tzinfo=timezone(timedelta(hours=8)))


def test_a_naive_time_yields_to_the_datetime_of_that_time_in_another_zone():
    """The page shows its local time, "12:10"; its <time> says the instant in UTC."""
    body = (
        "<h1>Harbour</h1><p>Wednesday, 2026-03-04 11:00</p>"
        "<time datetime='2026-03-04T10:00:00Z'></time>" + STORY
    )
    article = extracted(page(body))
    assert article.date == TEN_UTC
    assert article.extracted_by["date"] == "time"
    # A time of that day that is no zone's offset away (10:07) is another moment: kept.
    other = body.replace("T10:00:00Z", "T10:07:00Z")
    assert extracted(page(other)).extracted_by["date"] == "heuristic"


@pytest.mark.parametrize(
    "marked",
    [
        "class='updated'",
        "class='entry-date Updated'",
        "itemprop='dateModified'",
        "class='modified'",
    ],
)
def test_a_time_marked_as_a_change_gives_no_time_to_the_publication(marked):
    """hAtom's ``updated`` and schema.org's ``dateModified`` mark a later change's moment: on
    the publication's day it must not lend the publication its time."""
    html = page(
        "<h1>Harbour</h1><p class='byline'>March 4, 2026</p>"
        f"<time {marked} datetime='2026-03-04T18:45:00Z'>(last change)</time>" + STORY
    )
    article = extracted(html)
    assert article.extracted_by["date"] != "time"
    assert (article.date.hour, article.date.minute) != (18, 45)
    assert article.date.date() == TEN_UTC.date()
