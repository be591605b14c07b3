"""Every date pattern of the crawler: finding date texts in a page's text or an address
(``find_dates``), and reading one into a timezone-aware datetime (``parse_date``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import dateparser
from dateparser.data.languages_info import language_order

# 2022-04-09 17:56:37, 2022/04/09, 2022.4.9, 2022年4月9日 17:56, ISO 8601 with T, fraction, offset.
NUMERIC_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:(?:\s*|T)(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2}))?(?:\.\d+)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}(?!\d))?)?"
)
# 4月8日 17:56: no year, which dateparser with languages=["zh"] does not understand.
MONTH_DAY = re.compile(
    r"(?<!\d)(?P<m>\d{1,2})月(?P<d>\d{1,2})日\s*(?:(?P<H>\d{1,2})[:：](?P<M>\d{2}))?"
)
# 9/17/2004 5:54:13 AM, as some older sites write it; dateparser reads it.
SLASHED_DATE = re.compile(
    r"(?<![\d/])\d{1,2}/\d{1,2}/(?:19|20)\d\d(?![\d/])(?:\s+\d{1,2}:\d\d(?::\d\d)?(?:\s*[AP]M)?)?",
    re.I,
)
# "November 20, 2019", "20 Nov 2019": English worded dates.
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
WORDED_DATE = re.compile(
    rf"\b{MONTH}\s+\d{{1,2}},?\s+(?:19|20)\d\d\b|\b\d{{1,2}}\s+{MONTH}\s+(?:19|20)\d\d\b"
)
# A post's date signed after it: "发表于 2005-9-15 11:46:00", "本贴由 大卫 于2005年8月12日",
# "发布日期： 2019-03-06", "张贴 @ 2005-03-21", "posted on 2019-03-06".
SIGNED_DATE = re.compile(
    rf"(?:发表于|发布于|于|[发更][布表新](?:日期|时间)[：:]|@|posted on)\s*"
    rf"(?P<date>{NUMERIC_DATE.pattern})",
    re.I,
)
# A date that is whole path segments of an address: /2021/03/20/, /2021-03-20/, /20210320/.
# /journal/2021/04/12713/ has no day, and /2022_04_09_634001.shtml no date segment.
URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)(?:/(?P<m>0?[1-9]|1[0-2])/(?P<d>0?[1-9]|[12]\d|3[01])"
    r"|-(?P<m2>0[1-9]|1[0-2])-(?P<d2>0[1-9]|[12]\d|3[01])"
    r"|(?P<m3>0[1-9]|1[0-2])(?P<d3>0[1-9]|[12]\d|3[01]))(?=/)"
)
# A date or an article id in a listing link's address, loosely: enough to guess that a link
# leads to an article (not to date it).
ADDRESS_DATE = re.compile(
    r"(?<!\d)(?:19|20)\d\d[-/_]?(?:0[1-9]|1[0-2])[-/_]?(?:0[1-9]|[12]\d|3[01])(?!\d)|\d{5,}"
)
FORMS: dict[str, re.Pattern[str]] = {
    "numeric": NUMERIC_DATE,
    "slashed": SLASHED_DATE,
    "month_day": MONTH_DAY,
    "worded": WORDED_DATE,
    "signed": SIGNED_DATE,
    "url": URL_DATE,
    "address": ADDRESS_DATE,
}
# A label before the date: "Updated: ", "发布时间：", "Published on: ".
LABEL = re.compile(r"^[^\d:：]{1,24}[：:]\s*")
KNOWN_LANGUAGES = frozenset(language_order)
# Longer texts are not dates; dateparser would spend a long time on them.
MAX_DATEPARSER_TEXT = 80
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


class DateText(NamedTuple):
    """A date written in a text: the date's own text and where it starts."""

    text: str
    start: int


def find_dates(text: str, forms: tuple[str, ...] = ("numeric", "slashed")) -> list[DateText]:
    """Every date of the given forms (keys of FORMS) written in ``text``, in text order.

    "signed" gives the date after its label; "url" reads an address's path (a date made of
    whole path segments, ISO-written: 2021-03-20); "address" only says that an address holds a
    date or a long id. Texts are returned as written, to be read by ``parse_date``.
    """
    found = []
    for form in forms:
        if form == "url":
            path = urlsplit(text).path if "://" in text else text
            found += [
                DateText("-".join(_url_parts(m)), m.start()) for m in URL_DATE.finditer(path + "/")
            ]
            continue
        for match in FORMS[form].finditer(text):
            group = "date" if form == "signed" else 0
            found.append(DateText(match.group(group).strip(), match.start(group)))
    return sorted(found, key=lambda found: found.start)


def _url_parts(match: re.Match[str]) -> tuple[str, str, str]:
    g = match.groupdict()
    month = g["m"] or g["m2"] or g["m3"]
    day = g["d"] or g["d2"] or g["d3"]
    return g["y"], month.zfill(2), day.zfill(2)


def is_relative(text: str) -> bool:
    """A date text without a year ("3小时前", "昨天 10:20", "4月8日") moves with the clock."""
    return not YEAR.search(text)


def _offset(text: str | None, default: ZoneInfo) -> timezone | ZoneInfo:
    if not text:
        return default
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _numeric(text: str, tz: ZoneInfo) -> datetime | None:
    match = NUMERIC_DATE.search(text)
    if not match:
        return None
    g = match.groupdict()
    try:
        return datetime(
            int(g["y"]),
            int(g["m"]),
            int(g["d"]),
            int(g["H"] or 0),
            int(g["M"] or 0),
            int(g["S"] or 0),
            tzinfo=_offset(g["tz"], tz),
        )
    except ValueError:
        return None


def _month_day(text: str, tz: ZoneInfo, base: datetime) -> datetime | None:
    match = MONTH_DAY.search(text)
    if not match:
        return None
    g = match.groupdict()
    local_base = base.astimezone(tz)
    try:
        value = datetime(
            local_base.year,
            int(g["m"]),
            int(g["d"]),
            int(g["H"] or 0),
            int(g["M"] or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None
    # A month and day later than today belong to last year.
    if value > local_base + timedelta(days=1):
        value = value.replace(year=value.year - 1)
    return value


@lru_cache(maxsize=32)
def _languages(language: str) -> list[str]:
    """The language and English, as dateparser knows them (it refuses any other code)."""
    primary = language.split("-")[0].lower()
    if primary == "en" or primary not in KNOWN_LANGUAGES:
        return ["en"]
    return [primary, "en"]


def parse_date(
    text: str | None, tz: ZoneInfo, language: str = "en", base: datetime | None = None
) -> datetime | None:
    """Parse one date text; naive times are read in ``tz``, relative ones from ``base``.

    Absolute numeric dates take a fast path; dateparser, limited to the seed's language and
    English, reads the rest (RFC 1123, "3小时前", "昨天 10:20", "3 hours ago", ...).
    Returns None when the text holds no date.
    """
    if not text:
        return None
    text = " ".join(text.split())
    base = base or datetime.now(UTC)
    value = _numeric(text, tz) or _month_day(text, tz, base)
    if value is not None:
        return value
    text = LABEL.sub("", text)
    if not text or len(text) > MAX_DATEPARSER_TEXT:
        return None
    try:
        return dateparser.parse(
            text,
            languages=_languages(language),
            settings={
                "TIMEZONE": str(tz),
                "RETURN_AS_TIMEZONE_AWARE": True,
                "RELATIVE_BASE": base.astimezone(tz).replace(tzinfo=None),
                "PREFER_DATES_FROM": "past",
            },
        )
    except (ValueError, OverflowError):
        # dateparser gives up on some texts ("year 99999") by raising: no date in them.
        return None
