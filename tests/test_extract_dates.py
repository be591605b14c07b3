"""Date texts of news pages, each form read to the right instant in the seed's timezone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crawler.extract.dates import parse_date

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
