"""Every date pattern of the crawler: finding date texts in a page's text or an address
(``find_dates``), reading one into a timezone-aware datetime (``parse_date``), and htmldate's
reading of a whole page (``page_day``)."""

from __future__ import annotations

import calendar
import re
from copy import deepcopy
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import dateparser
import lxml.etree
import lxml.html
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_date_format
from dateparser.data.languages_info import language_order
from htmldate import find_date

# 2022-04-09 17:56:37, 2022/04/09, 2022.4.9, 2022年4月9日 17:56, ISO 8601 with T, fraction, offset.
NUMERIC_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:(?:\s*|T)(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2}))?(?:\.\d+)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}(?!\d))?)?"
)
# ISO 8601's basic format, as some JSON-LD writes it: 20200316T13:00:00Z, 20200316T130000+0100.
BASIC_ISO = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)T(?P<H>[0-2]\d):?(?P<M>[0-5]\d)"
    r"(?::?(?P<S>[0-5]\d))?(?:\.\d+)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2}(?!\d))?"
)
# RFC 2822 (RFC 1123), as meta tags and feeds write it: "Sat, 19 Oct 2019 00:04:00 +0200".
# dateparser reads it but gives it in its TIMEZONE setting, losing the page's own offset.
RFC_2822 = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+(?:19|20)\d\d\s+\d{1,2}:\d\d(?::\d\d)?"
    r"\s*(?:[+-]\d{4}|GMT|UTC?)$"
)
# A date text that writes a time of day: "2021-03-16T16:16:10Z", "Sat, 19 Oct 2019 00:04".
TIMED = re.compile(r"\d{1,2}:\d\d")
# 4月8日 17:56: no year, which dateparser with languages=["zh"] does not understand.
MONTH_DAY = re.compile(
    r"(?<!\d)(?P<m>\d{1,2})月(?P<d>\d{1,2})日\s*(?:(?P<H>\d{1,2})[:：](?P<M>\d{2}))?"
)
# 9/17/2004 5:54:13 AM, as some older sites write it; dateparser reads it.
SLASHED_DATE = re.compile(
    r"(?<![\d/])\d{1,2}/\d{1,2}/(?:19|20)\d\d(?![\d/])(?:\s+\d{1,2}:\d\d(?::\d\d)?(?:\s*[AP]M)?)?",
    re.I,
)
# "November 20, 2019", "20 Nov 2019": English worded dates, with the time and zone that may
# follow ("Mar 5, 2024, 9:15 a.m. ET", "5 March 2024 09.15 GMT").
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
CLOCK = (
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d\d(?:[:.]\d\d)?(?:\s*[ap]\.?m\.?)?"
    r"(?:\s+(?:GMT|UTC|[ECMP][SD]?T|[+-]\d\d:?\d\d)\b)?)?"
)
WORDED_DATE = re.compile(
    rf"(?:\b{MONTH}\s+\d{{1,2}},?\s+(?:19|20)\d\d\b|\b\d{{1,2}}\s+{MONTH}\s+(?:19|20)\d\d\b){CLOCK}",
    re.I,
)
# A month and a day, written without a year: 9月30日, 09-30 22:46, Sep 30, 30 September.
MONTH_AND_DAY = re.compile(
    rf"(?<!\d)\d{{1,2}}月\d{{1,2}}[日号]|(?<![\d-])[01]?\d-[0-3]?\d(?![\d-])"
    rf"|\b{MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{MONTH}",
    re.I,
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
# A year and a month as two whole segments of an address's path, without a day after them
# (WordPress's /%year%/%monthnum%/%postname%/ permalinks): "/2011/12/".
URL_MONTH = re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>0?[1-9]|1[0-2])/(?!(?:0?[1-9]|[12]\d|3[01])/)")
# Weibo's and Twitter's created_at (``%a %b %d %H:%M:%S %z %Y``) and C's asctime (no offset):
# "Sat Mar 20 20:39:33 +0800 2021"; dateparser reads neither.
ASCTIME = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+(?P<b>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
    r"|Nov|Dec)[a-z]*\.?\s+(?P<d>\d{1,2})\s+(?P<H>\d{1,2}):(?P<M>\d\d):(?P<S>\d\d)\s+"
    r"(?:(?P<tz>[+-]\d{4}|UTC|GMT)\s+)?(?P<y>(?:19|20)\d\d)\b",
    re.I,
)
# 二〇二四年三月五日, 二零二四年十二月三十一日: Chinese numerals, read as digits before parsing.
ZH_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}
ZH_NUMBER = re.compile(r"[〇○零一二三四五六七八九十]+(?=[年月日号時时点點分秒])")
ZH_DATE = re.compile(
    r"[〇○零一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,2}\s*月\s*[一二三四五六七八九十]{1,3}\s*[日号]"
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
    "asctime": ASCTIME,
    "zh_numerals": ZH_DATE,
    "signed": SIGNED_DATE,
    "url": URL_DATE,
    "address": ADDRESS_DATE,
}
# A label before the date: "Updated: ", "发布时间：", "Published on: ".
LABEL = re.compile(r"^[^\d:：]{1,24}[：:]\s*")
# A word before the date, without a colon: "Updated 3 hours ago", "Published March 5, 2024",
# "Last modified on ...", "发布于 ...".
WORD_LABEL = re.compile(
    r"^(?:(?:last\s+|first\s+)?(?:updated|modified|published|posted|created|released)"
    r"(?:\s+(?:on|at))?|发布于|更新于|发表于)\s*",
    re.I,
)
# An offset or a zone written with a date: "+08:00", "Z", "-0500", "GMT", "ET".
DECLARED_OFFSET = re.compile(
    r"(?:\d(?:Z|[+-]\d\d:?\d\d)|\b(?:GMT|UTC|[ECMP][SD]?T)\b|[+-]\d{4}\b)", re.I
)
KNOWN_LANGUAGES = frozenset(language_order)
# Longer texts are not dates; dateparser would spend a long time on them.
MAX_DATEPARSER_TEXT = 80
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


class DateText(NamedTuple):
    """A date written in a text: the date's own text and where it starts."""

    text: str
    start: int


def find_dates(
    text: str, forms: tuple[str, ...] = ("numeric", "slashed"), language: str = "en"
) -> list[DateText]:
    """Every date of the given forms (keys of FORMS, and "local") written in ``text``, in text
    order (of two at one place, the longer first).

    "signed" gives the date after its label; "url" reads an address's path (a date made of
    whole path segments, ISO-written: 2021-03-20); "address" only says that an address holds a
    date or a long id; "local" the dates written in ``language`` (``local_dates``). Texts are
    returned as written, to be read by ``parse_date``.
    """
    found = []
    for form in forms:
        if form == "local":
            pattern = local_dates(language)
            found += [DateText(m.group().strip(), m.start()) for m in pattern.finditer(text)]
            continue
        if form == "url":
            path = urlsplit(text).path if "://" in text else text
            found += [
                DateText("-".join(_url_parts(m)), m.start()) for m in URL_DATE.finditer(path + "/")
            ]
            continue
        for match in FORMS[form].finditer(text):
            group = "date" if form == "signed" else 0
            found.append(DateText(match.group(group).strip(), match.start(group)))
    return sorted(found, key=lambda found: (found.start, -len(found.text)))


# What may follow a date written in words: its time, after a word ("um 09:43 Uhr", "à 10h30",
# "a las 9:15", "kl. 14.05").
LOCAL_CLOCK = (
    r"(?:\s*,?\s*(?:[^\W\d_]{1,6}\.?\s+)?\d{1,2}[:.h]\d\d(?![\d.])(?::\d\d)?"
    r"(?:\s*(?:Uhr|h)\b)?)?"
)
# 25.01.2022, 12.3.2021 14:05: the day first, in a language that writes it so.
DOTTED_DATE = r"(?<![\d.])\d{1,2}\.\d{1,2}\.(?:19|20)\d\d(?![\d.])"
NO_DATES = re.compile(r"(?!)")


@lru_cache(maxsize=64)
def local_dates(language: str) -> re.Pattern[str]:
    """Dates written in ``language`` with its months' names, as Babel's CLDR data gives them
    (wide and abbreviated, the forms a date uses and the stand-alone ones): "8. Dezember 2010
    um 09:43", "30 septembre 2018", "5 de marzo de 2024", "14 января 2020", "Dezember 8,
    2010"; and, in a language that writes the day first (``date_order`` "DMY": de, fr, ru...),
    numeric dates with dots, "25.01.2022 14:05". With the time that follows them
    (``LOCAL_CLOCK``). English has its own forms (``WORDED_DATE``); a language Babel does not
    know has none. ``parse_date`` reads them (dateparser, in the page's language)."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return NO_DATES
    if locale.language == "en":
        return NO_DATES
    names = {
        name.strip(".").casefold()
        for context in ("format", "stand-alone")
        for width in ("wide", "abbreviated")
        for name in locale.months[context][width].values()
        if not any(char.isdigit() for char in name)
    }
    forms = []
    if names:
        month = "(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")\.?"
        year = r"(?:19|20)\d\d(?!\d)"
        forms += [
            rf"(?<!\d)\d{{1,2}}\.?\s*(?:de\s+)?{month}\s*,?\s*(?:de\s+)?{year}",
            rf"(?<!\w){month}\s+\d{{1,2}}\.?,?\s+{year}",
        ]
    if date_order(language) == "DMY":
        forms.append(DOTTED_DATE)
    if not forms:
        return NO_DATES
    return re.compile(rf"(?:{'|'.join(forms)}){LOCAL_CLOCK}", re.I)


def _url_parts(match: re.Match[str]) -> tuple[str, str, str]:
    g = match.groupdict()
    month = g["m"] or g["m2"] or g["m3"]
    day = g["d"] or g["d2"] or g["d3"]
    return g["y"], month.zfill(2), day.zfill(2)


def declares_offset(text: str) -> bool:
    """A date text that says its offset or zone ("...+08:00", "...Z", "... GMT", "... ET")."""
    return bool(DECLARED_OFFSET.search(text))


def writes_month_and_day(text: str) -> bool:
    """A date text without a year that writes its month and day ("9月30日", "09-30 22:46"),
    unlike one counted from the clock ("3小时前", "yesterday")."""
    return is_relative(text) and bool(MONTH_AND_DAY.search(text))


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


@lru_cache(maxsize=1024)
def _numeric(text: str, tz: ZoneInfo) -> datetime | None:
    """A numeric date's reading (the same text and zone give the same datetime: kept, for the
    several layers that read a page's date again)."""
    match = NUMERIC_DATE.search(text) or BASIC_ISO.search(text)
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


def _rfc2822(text: str) -> datetime | None:
    if not RFC_2822.match(text):
        return None
    try:
        value = parsedate_to_datetime(text)
    except (ValueError, TypeError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def writes_time(text: str) -> bool:
    """A date text that writes its time of day, not only its day ("2021-03-16T16:16:10Z")."""
    return bool(TIMED.search(text))


def _asctime(text: str, tz: ZoneInfo) -> datetime | None:
    match = ASCTIME.search(text)
    if not match:
        return None
    g = match.groupdict()
    month = MONTHS.index(g["b"][:3].title()) + 1
    zone = g["tz"] or ""
    offset = UTC if zone.upper() in ("UTC", "GMT") else _offset(zone or None, tz)
    try:
        return datetime(
            int(g["y"]), month, int(g["d"]), int(g["H"]), int(g["M"]), int(g["S"]), tzinfo=offset
        )
    except ValueError:
        return None


def _zh_number(word: str) -> str:
    """一 -> 1, 十二 -> 12, 三十一 -> 31, 二〇二四 -> 2024."""
    if "十" in word:
        tens, _, ones = word.partition("十")
        return str(ZH_DIGITS.get(tens, 1) * 10 + ZH_DIGITS.get(ones, 0))
    return "".join(str(ZH_DIGITS[c]) for c in word)


def _zh_numerals(text: str) -> str:
    """A text with the Chinese numerals of its dates written in digits."""
    return ZH_NUMBER.sub(lambda m: _zh_number(m.group()), text)


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


@lru_cache(maxsize=256)
def date_order(language: str) -> str | None:
    """The order of day, month and year in the numeric dates of a language or locale ("DMY"
    for en-GB, de, fr; "MDY" for en; "YMD" for zh, ja), from the CLDR short date format Babel
    gives it; None for a code Babel does not know.

    dateparser takes the order from the first of its ``languages`` that reads a text, and
    English, which it is given as a second language, reads "02/10/2020" month first: without
    this a French or British page's 2 October is read as 10 February.
    """
    try:
        pattern = get_date_format("short", locale=Locale.parse(language.replace("-", "_"))).pattern
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    firsts = {letter: pattern.find(letter) for letter in "dMy" if letter in pattern}
    if len(firsts) != 3:
        return None
    return "".join(sorted(firsts, key=firsts.__getitem__)).upper()


def dates_language(language: str, declared: str | None) -> str:
    """The locale a page's dates are read in: the seed's ``language``, made precise by the
    locale the page declares when it is of the same language ("en" and ``<html
    lang="en-GB">``: en-GB, whose numeric dates put the day first); else ``language``."""
    if not declared:
        return language
    tag = declared.replace("_", "-")
    if tag.split("-")[0].lower() != language.split("-")[0].lower() or "-" not in tag:
        return language
    return tag if date_order(tag) else language


def parse_date(
    text: str | None, tz: ZoneInfo, language: str = "en", base: datetime | None = None
) -> datetime | None:
    """Parse one date text; naive times are read in ``tz``, relative ones from ``base``.

    Absolute numeric dates take a fast path; dateparser, limited to the seed's language and
    English, reads the rest (RFC 1123, "3小时前", "昨天 10:20", "3 hours ago", ...), numeric
    ones in the order of ``language`` (``date_order``: 02/10/2020 is 2 October in en-GB).
    Returns None when the text holds no date.
    """
    if not text:
        return None
    text = _zh_numerals(" ".join(text.split()))
    base = base or datetime.now(UTC)
    value = _numeric(text, tz) or _rfc2822(text) or _asctime(text, tz) or _month_day(text, tz, base)
    if value is not None:
        return value
    text = WORD_LABEL.sub("", LABEL.sub("", text))
    if not text or len(text) > MAX_DATEPARSER_TEXT:
        return None
    settings = {
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": base.astimezone(tz).replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        **({"DATE_ORDER": order} if (order := date_order(language)) else {}),
    }
    try:
        value = dateparser.parse(
            text, languages=_languages(language), settings={"TIMEZONE": str(tz), **settings}
        )
        if value is None or not declares_offset(text):
            return value
        # dateparser gives a date that says its zone in TIMEZONE: read without it, the date
        # keeps the zone it was written in ("10:28 p.m. ET": -05:00), the same instant.
        own = dateparser.parse(text, languages=_languages(language), settings=settings)
        return own if own is not None and own.tzinfo and own == value else value
    except (ValueError, OverflowError):
        # dateparser gives up on some texts ("year 99999") by raising: no date in them.
        return None


@lru_cache(maxsize=256)
def day_forms(day: date, language: str) -> re.Pattern[str]:
    """How pages write ``day`` in ``language`` and in English (Babel's CLDR medium and long
    formats: "12.01.2022" and "12. Januar 2022" in de, "Jan 12, 2022" and "January 12, 2022"
    in en, "12 January 2022" in en-GB; and ISO 8601, "2022-01-12"), as one pattern that does
    not match inside a longer number; an abbreviated month may take a dot ("Nov. 8, 2023")."""
    forms = {day.isoformat()}
    for locale in dict.fromkeys((language.replace("-", "_"), "en", "en_GB")):
        try:
            forms.update(format_date(day, width, locale=locale) for width in ("medium", "long"))
        except (ValueError, TypeError, UnknownLocaleError):
            continue
    # "Nov 8, 2023" is also written "Nov. 8, 2023".
    alternatives = "|".join(
        r"\.? ".join(re.escape(part) for part in re.split(r"(?<=[^\W\d_]) ", form))
        for form in sorted(forms, key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?!\d)", re.I)


def shows_day(text: str, day: date, language: str) -> bool:
    """``text`` (a text of the page) writes ``day`` in one of the forms of ``day_forms``."""
    return bool(day_forms(day, language).search(" ".join(text.split())))


# htmldate's reading of a date with its time and offset, when it read them ("2026-03-04T10:00:00
# +0000" from a ``<time datetime>``); a date it read without them ends in "T00:00:00".
HTMLDATE_PRECISE = "%Y-%m-%dT%H:%M:%S%z"


def htmldate_day(
    root: lxml.etree._Element,
    url: str | None = None,
    precise: bool = False,
    between: tuple[str, str] | None = None,
) -> str | None:
    """The page's original publication day, ``YYYY-MM-DD``, as htmldate finds it (its
    extensive search: the address's date when ``url`` holds a whole one, then metadata, then
    the page's elements and text; the oldest of a page's dates when it gives several), or
    None. A lone year comes back as its January 1st.

    htmldate reads the page without its readers' comments (``without_comments``): it takes a
    comment's ``<time datetime>`` over the article's date written in text (htmldate's
    benchmark, bench/extraction.py: half A +2 pages -1, the one lost a page whose only dates
    are its comments'; half B +1; news dates unchanged).

    ``precise``: the date with the time of day and the offset htmldate read with it
    (``2026-03-04T10:00:00+0000``, from a ``<time datetime>`` or an ``<abbr title>``), or a
    naive time (``2026-03-04T10:00:00``), in ISO 8601 as ``parse_date`` reads it; the day
    alone when htmldate read none (its midnight without an offset).

    htmldate copies a tree it is given rather than parse the page again; a page parsed into
    plain ``etree`` elements (one that opens with an XML declaration) is given as text.
    """
    page = (
        without_comments(root)
        if isinstance(root, lxml.html.HtmlElement)
        else lxml.etree.tostring(root)
    )
    form = HTMLDATE_PRECISE if precise else "%Y-%m-%d"
    try:
        found = find_date(
            page,
            url=url,
            original_date=True,
            extensive_search=True,
            outputformat=form,
            min_date=between[0] if between else None,
            max_date=between[1] if between else None,
        )
    except (ValueError, TypeError, lxml.etree.LxmlError):
        return None
    if found and precise and found.endswith("T00:00:00"):
        return found[:10]
    return found


# Readers' comments (an element whose class or id says so, holding no headline): their dates
# are not the article's.
COMMENTS = lxml.etree.XPath(
    "//body//*[contains(@class, 'comment') or contains(@id, 'comment')][not(.//h1)]"
)


def without_comments(page: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy of the page without its readers' comments (``COMMENTS``); the page itself when it
    has none."""
    if not COMMENTS(page):
        return page
    copy = deepcopy(page)
    for element in COMMENTS(copy):
        if element.getparent() is not None:
            element.drop_tree()
    return copy


def page_day(
    root: lxml.etree._Element,
    url: str | None = None,
    precise: bool = False,
    month: tuple[str, str] | None = None,
) -> str | None:
    """``htmldate_day`` (with its time and offset when ``precise`` and htmldate read them),
    never January 1st alone, which is how htmldate writes a year it found alone (its last
    resorts, a copyright year or a lone year: measured on the benchmarks, never right where it
    decided). ``month`` (``url_month``'s): a day of that month first, when the page has one."""
    day = None
    if month is not None:
        day = htmldate_day(root, url, precise, between=month)
    if day is None:
        day = htmldate_day(root, url, precise)
    return None if day is None or day.endswith("-01-01") else day


def url_month(url: str) -> tuple[str, str] | None:
    """The first and last days (``YYYY-MM-DD``) of the month an address's path names by a
    year and a month without a day (``URL_MONTH``), or None."""
    match = URL_MONTH.search(urlsplit(url).path if "://" in url else url)
    if match is None:
        return None
    year, month = int(match["y"]), int(match["m"])
    last = calendar.monthrange(year, month)[1]
    return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"


# The page's <time datetime> elements outside its readers' comments (as ``COMMENTS`` finds
# them), but those marked as a change's: schema.org's ``dateModified``, hAtom's class
# ``updated`` (and ``modified``, its common variant).
TIME_ELEMENTS = lxml.etree.XPath(
    "//time[@datetime][not(ancestor::*[(contains(@class, 'comment') or contains(@id, 'comment'))"
    " and not(.//h1)])]"
    "[not(@itemprop = 'dateModified')]"
    "[not(contains(concat(' ', translate(@class, 'UPDATEMOIF', 'updatemoif'), ' '), ' updated ')"
    " or contains(translate(@class, 'MODIFE', 'modife'), 'modified'))]"
)


def timed_dates(root: lxml.etree._Element) -> list[str]:
    """The machine-readable dates of the page that write a time of day: the ``datetime`` of its
    ``<time>`` elements (HTML's own markup for a date), outside readers' comments, those that
    say their offset first, else in document order; each as written, for ``parse_date``."""
    found = [
        " ".join(value.split())
        for element in TIME_ELEMENTS(root)
        if writes_time(value := element.get("datetime") or "")
    ]
    return sorted(dict.fromkeys(found), key=lambda text: not declares_offset(text))
