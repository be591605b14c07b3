"""Date texts of news pages, each form read to the right instant in the seed's timezone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crawler.extract.dates import declares_offset, find_dates, parse_date

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 18:00 in Shanghai on 2022-04-09.
BASE = datetime(2022, 4, 9, 10, 0, tzinfo=UTC)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-04-09 17:56:37", at(2022, 4, 9, 17, 56, 37)),
        ("2022年4月9日 17:56", at(2022, 4, 9, 17, 56)),
        ("2022年04月09日17:56", at(2022, 4, 9, 17, 56)),
        ("2022/04/09", at(2022, 4, 9)),
        ("2022-04-09T17:56:37+08:00", at(2022, 4, 9, 17, 56, 37)),
        ("2022-04-09T09:56:37Z", at(2022, 4, 9, 17, 56, 37)),
        ("2022-04-09T09:56:37.123+00:00", at(2022, 4, 9, 17, 56, 37)),
        ("2022-04-09T17:56:37", at(2022, 4, 9, 17, 56, 37)),
        ("Sat, 09 Apr 2022 09:56:37 GMT", at(2022, 4, 9, 17, 56, 37)),
        ("3小时前", at(2022, 4, 9, 15, 0)),
        ("10分钟前", at(2022, 4, 9, 17, 50)),
        ("昨天 10:20", at(2022, 4, 8, 10, 20)),
        ("今天 08:30", at(2022, 4, 9, 8, 30)),
        ("刚刚", at(2022, 4, 9, 18, 0)),
        ("3 hours ago", at(2022, 4, 9, 15, 0)),
        ("发布时间：2022-04-09 17:56", at(2022, 4, 9, 17, 56)),
        ("来源：观察者网 2022-04-09 17:56:37", at(2022, 4, 9, 17, 56, 37)),
        ('var info = { "pubDate": "2022-04-09 17:56:37" };', at(2022, 4, 9, 17, 56, 37)),
        ("4月8日 17:56", at(2022, 4, 8, 17, 56)),
        ("12月30日", at(2021, 12, 30)),
        ("Updated: April 9, 2022", at(2022, 4, 9)),
    ],
)
def test_date_forms(text, expected):
    value = parse_date(text, SHANGHAI, "zh", BASE)
    assert value == expected
    assert value.utcoffset() is not None


@pytest.mark.parametrize("text", ["", "not a date at all", "阅读全文", "2022-13-45"])
def test_no_date(text):
    assert parse_date(text, SHANGHAI, "zh", BASE) is None


def test_naive_time_read_in_the_seed_timezone():
    london = parse_date("2022-07-01 12:00", ZoneInfo("Europe/London"), "en", BASE)
    assert london.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize("language", ["xx", "other", "zh-Hans", "EN"])
def test_any_seed_language_is_safe(language):
    assert parse_date("Sat, 09 Apr 2022 09:56:37 GMT", SHANGHAI, language, BASE) == at(
        2022, 4, 9, 17, 56, 37
    )


LONDON = ZoneInfo("Europe/London")
# Noon in London on Wednesday 2024-03-06.
NOON = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English worded dates, with times, zones and weekdays.
        ("March 5, 2024", datetime(2024, 3, 5, tzinfo=LONDON)),
        ("5 March 2024 08:30", datetime(2024, 3, 5, 8, 30, tzinfo=LONDON)),
        ("Mar 5, 2024, 9:15 a.m. ET", datetime(2024, 3, 5, 14, 15, tzinfo=UTC)),
        ("Tuesday 5 March 2024 09.15 GMT", datetime(2024, 3, 5, 9, 15, tzinfo=UTC)),
        # Relative ones, and texts that start with a word.
        ("3 hours ago", datetime(2024, 3, 6, 9, 0, tzinfo=UTC)),
        ("Updated 3 hours ago", datetime(2024, 3, 6, 9, 0, tzinfo=UTC)),
        ("Yesterday at 14:20", datetime(2024, 3, 5, 14, 20, tzinfo=LONDON)),
        ("Published March 5, 2024", datetime(2024, 3, 5, tzinfo=LONDON)),
        ("Last updated on 5 March 2024 08:30 GMT", datetime(2024, 3, 5, 8, 30, tzinfo=UTC)),
        # asctime and Weibo's created_at (case 22: RSSHub #6795).
        ("Sat Mar 20 20:39:33 +0800 2021", datetime(2021, 3, 20, 12, 39, 33, tzinfo=UTC)),
        ("Sat Mar 20 20:39:33 2021", datetime(2021, 3, 20, 20, 39, 33, tzinfo=LONDON)),
        # ISO 8601's basic format.
        ("20200316T13:00:00Z", datetime(2020, 3, 16, 13, tzinfo=UTC)),
    ],
)
def test_english_and_other_forms(text, expected):
    value = parse_date(text, LONDON, "en", NOON)
    assert value == expected
    assert value.utcoffset() is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇二四年三月五日", at(2024, 3, 5)),
        ("二零二三年十二月三十一日 十四时二十分", at(2023, 12, 31, 14, 20)),
        ("发布于 二〇二四年三月五日", at(2024, 3, 5)),
        ("Sat Mar 20 09:01:04 +0800 2021", at(2021, 3, 20, 9, 1, 4)),
    ],
)
def test_chinese_numeral_and_weibo_forms(text, expected):
    assert parse_date(text, SHANGHAI, "zh", BASE) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Read on 2022-04-09: a month and day still to come this year was last year's.
        ("4月8日", at(2022, 4, 8)),
        ("4月10日", at(2022, 4, 10)),
        ("5月1日", at(2021, 5, 1)),
        ("12月30日 08:00", at(2021, 12, 30, 8)),
        ("December 30", at(2021, 12, 30)),
        ("April 8", at(2022, 4, 8)),
    ],
)
def test_a_year_less_date_is_the_most_recent_past_one(text, expected):
    assert parse_date(text, SHANGHAI, "zh", BASE) == expected


@pytest.mark.parametrize(
    ("text", "declares"),
    [
        ("2022-04-09T17:56:37+08:00", True),
        ("2022-04-09T09:56:37Z", True),
        ("Sat, 09 Apr 2022 09:56:37 GMT", True),
        ("Mar 5, 2024, 9:15 a.m. ET", True),
        ("Sat Mar 20 20:39:33 +0800 2021", True),
        ("2022-04-09 17:56:37", False),
        ("2022-04-09", False),
        ("2022年4月9日 17:56", False),
    ],
)
def test_declared_offsets(text, declares):
    assert declares_offset(text) is declares


@pytest.mark.parametrize(
    ("text", "forms", "found"),
    [
        ("By Jane Roe · Tuesday 5 March 2024 09.15 GMT", ("worded",), "5 March 2024 09.15 GMT"),
        ("来源：本报 二〇二四年三月五日 08:00", ("zh_numerals",), "二〇二四年三月五日"),
        ("@kit Sat Mar 20 20:39:33 +0800 2021 via web", ("asctime",), None),
    ],
)
def test_dates_found_in_a_byline(text, forms, found):
    (date,) = find_dates(text, forms)
    assert date.text == (found or "Sat Mar 20 20:39:33 +0800 2021")


def test_without_a_seed_timezone_a_date_keeps_the_offset_the_page_gives():
    """timezone=None (no seed, as `scrapy extract` without --seed could say and the benchmark
    uses for sites of unknown zone): a date with an offset stays on the day the site wrote;
    a seed's zone converts it; a naive date is read in UTC."""
    from scrapy.http import HtmlResponse

    from crawler.extract import ExtractOptions, extract_article

    def page(date: str) -> HtmlResponse:
        html = (
            '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
            f'"headline": "Late", "datePublished": "{date}"}}</script></head><body><article>'
            + "<p>Text of the late story, long enough to be a body.</p>" * 5
            + "</article></body></html>"
        )
        return HtmlResponse("https://example.com/late.html", body=html.encode())

    kept = extract_article(page("2023-11-08T23:30:00-05:00"), ExtractOptions(timezone=None))
    assert kept.date == datetime(2023, 11, 8, 23, 30, tzinfo=ZoneInfo("America/New_York"))
    assert kept.date.utcoffset() == timedelta(hours=-5)
    utc = extract_article(page("2023-11-08T23:30:00-05:00"), ExtractOptions(timezone="UTC"))
    assert (utc.date.date().isoformat(), utc.date.utcoffset()) == ("2023-11-09", timedelta(0))
    naive = extract_article(page("2023-11-08T23:30:00"), ExtractOptions(timezone=None))
    assert naive.date == datetime(2023, 11, 8, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "day"),
    [("en", "2020-02-10"), ("en-GB", "2020-10-02"), ("fr", "2020-10-02"), ("de", "2020-10-02")],
)
def test_numeric_dates_follow_the_order_of_the_language(language, day):
    """dateparser reads with English as a second language, whose month-first order it used
    for every numeric date: a French 02/10/2020 was 10 February. The order is the locale's
    (CLDR, through Babel)."""
    assert parse_date("02/10/2020", UTC, language).date().isoformat() == day


@pytest.mark.parametrize(
    ("html_tag", "seed_language", "day"),
    [
        ('<html lang="en-GB">', "en", "2020-10-02"),
        ('<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en-AU">', "en", "2020-10-02"),
        ('<html lang="en-US">', "en", "2020-02-10"),
        ("<html>", "en", "2020-02-10"),
        # A page's locale of another language than the seed's is not taken.
        ('<html lang="de-DE">', "en", "2020-02-10"),
    ],
)
def test_a_declared_locale_orders_numeric_dates(html_tag, seed_language, day):
    from scrapy.http import HtmlResponse

    from crawler.extract import ExtractOptions, extract_article

    html = (
        f"{html_tag}<head><title>Halls too full</title></head><body><article><h1>Halls too "
        "full</h1><p class='byline'>Posted 02/10/2020</p>"
        + "<p>Students were told to stay in their rooms for two weeks at least.</p>" * 6
        + "</article></body></html>"
    )
    response = HtmlResponse("https://news.example/halls", body=html.encode())
    article = extract_article(response, ExtractOptions(language=seed_language))
    assert article.date is not None
    assert article.date.date().isoformat() == day
    assert article.language == seed_language
