"""Turn the date texts news pages show into timezone-aware datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
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
# A label before the date: "Updated: ", "发布时间：", "Published on: ".
LABEL = re.compile(r"^[^\d:：]{1,24}[：:]\s*")
KNOWN_LANGUAGES = frozenset(language_order)
# Longer texts are not dates; dateparser would spend a long time on them.
MAX_DATEPARSER_TEXT = 80


YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


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
