"""Page -> Article: seed rules, then JSON-LD, then meta, then heuristics (and htmldate for the
date), field by field, and the one function (``extract_article``) that the spider, `scrapy
extract` and the benchmark call."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import lxml.etree
import lxml.html
from parsel import Selector
from scrapy.http import HtmlResponse, TextResponse
from scrapy.selector import Selector as ScrapySelector
from scrapy.utils.response import get_base_url
from w3lib.encoding import http_content_type_encoding, read_bom
from w3lib.url import safe_url_string

from crawler.cleaning import ParsedHtml, clean_body, fold_spaces
from crawler.extract.authors import clean_author
from crawler.extract.body import main_body
from crawler.extract.dates import (
    dates_language,
    declares_offset,
    find_dates,
    htmldate_day,
    is_relative,
    page_day,
    parse_date,
    shows_day,
    timed_dates,
    url_month,
    writes_month_and_day,
    writes_time,
)
from crawler.extract.heuristics import (
    TITLE_SEPARATOR,
    HeuristicFields,
    heuristic_fields,
    reconciled_title,
)
from crawler.extract.metadata import declared_language, jsonld_fields, meta_fields
from crawler.extract.rules import SeedFields, seed_fields
from crawler.items import Article
from crawler.seeds import ArticleRules, host_in_domains
from crawler.urls import canonical_url, join_url

if TYPE_CHECKING:
    from scrapy.http import Response

    from crawler.seeds import Source

FIELDS = ("title", "date", "updated", "author", "image", "body")
# The fields of the metadata layers (JSON-LD, meta) and of the heuristics.
METADATA_FIELDS = ("title", "date", "updated", "author", "image")
HEURISTIC_FIELDS = ("title", "date", "author")
# Fields that are dates: a layer gives one only when it can be read.
DATES = ("date", "updated")
# Layers whose date is the page's declaration about itself.
DECLARED = ("seed", "json-ld", "meta")
# How far from the year its address or htmldate gives a page a date without a year may be.
HALF_YEAR = timedelta(days=182)
# Declared layers whose date htmldate arbitrates against the page's other dates (_arbitrated):
# not the seed's, which its user chose.
ARBITRATED = ("json-ld", "meta")
# Characters XML 1.0 forbids, which lxml keeps in a parsed tree but refuses to write into one
# (a body cleaner moving a text then raises): C0 controls but tab, newline and carriage return.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The same characters one by one: looking for each with ``in`` (a memchr-like scan) is about
# twice as fast as the class's search over a page's whole text (page_selector).
XML_FORBIDDEN_CHARS = tuple(
    chr(code) for code in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)
)
# The C0 controls of them as UTF-8 writes them: each is its own byte, which is no byte of any
# other character's UTF-8 (those are all 0x80 and above), and a decoder that replaces what it
# cannot read keeps it. Looked for in a UTF-8 page's bytes, with ``bytes``' memchr, in a third
# of the time of its text's 2-byte characters; U+FFFE and U+FFFF in its text (their bytes'
# first two are frequent in Chinese text: fullwidth punctuation).
XML_FORBIDDEN_BYTES = tuple(char.encode("utf-8") for char in XML_FORBIDDEN_CHARS if char < " ")
NONCHARACTERS = tuple(char for char in XML_FORBIDDEN_CHARS if char > " ")


class Found(NamedTuple):
    """One field's raw value and the rule that produced it (a seed's body: a ``ParsedHtml``
    when its tree is kept, ``crawler.cleaning.parsed_html``)."""

    value: str | ParsedHtml
    rule: str


@dataclass(frozen=True)
class ExtractOptions:
    """Everything extraction needs besides the page itself, passed down every layer.

    ``url`` is the page's URL and ``base_url`` the document's base URL (its ``<base href>``
    resolved against ``url``); both are filled from the response when left None. Dates the
    page gives without an offset are read in ``timezone`` (an IANA name) and every date is
    given in it; ``timezone=None`` (no seed: the site's zone unknown) reads those in UTC and
    keeps the offset a page gives, so a date is on the day the site wrote. Relative dates are
    read from ``crawled_at``. ``source``, ``site`` and ``categories`` are copied onto the article;
    ``site`` is also the author when the page names none.
    """

    url: str | None = None
    base_url: str | None = None
    language: str = "en"
    timezone: str | None = "UTC"
    rules: ArticleRules = field(default_factory=ArticleRules)
    source: str | None = None
    site: str | None = None
    categories: tuple[str, ...] = ()
    # Query parameters removed from the article's URL (TRACKING_PARAMS).
    tracking_params: tuple[str, ...] = ()
    # Domains a page's <link rel="canonical"> may name (the seed's allowed_domains); empty:
    # the page's own host only.
    allowed_domains: tuple[str, ...] = ()
    # What the listing page said of the article.
    channel: str | None = None
    listing_date: datetime | None = None
    listing_date_relative: bool = False
    listing_title: str | None = None
    crawled_at: datetime | None = None

    @classmethod
    def for_source(cls, source: Source, **values: object) -> ExtractOptions:
        """Options for a page of a seed's source; ``values`` sets the other fields."""
        channel = values.get("channel")
        categories = tuple(c for c in (source.group, source.site, channel) if c)
        return cls(
            language=source.language,
            timezone=source.timezone,
            rules=source.article,
            source=source.name,
            site=source.site,
            categories=categories,
            allowed_domains=source.allowed_domains,
            **values,  # type: ignore[arg-type]
        )

    @property
    def tzinfo(self) -> tzinfo:
        return ZoneInfo(self.timezone) if self.timezone else UTC


def page_selector(response: Response) -> Selector:
    """The page as one HTML tree, whatever the response's type: a page that opens with an XML
    declaration, served as XML or with no content type, is read by parsel as XML (plain
    ``etree`` elements, names in the XHTML namespace, which readability cannot read); a page
    with control characters gives a tree that lxml's own API refuses to edit. Those are read
    again as HTML without the characters XML forbids; a page that is not text at all is an
    empty document (its article has no body). An HTML response without them keeps its own
    selector, parsed once."""
    if not isinstance(response, TextResponse):
        return Selector(text="<html></html>", type="html")
    if isinstance(response, HtmlResponse) and not _page_holds_forbidden(response):
        # Scrapy keeps a response's selector in _cached_selector (2.x): the tree parsed here
        # becomes the one that response.selector gives the rest of the crawl.
        if getattr(response, "_cached_selector", ...) is None:
            root = _utf8_root(response)
            if root is not None:
                selector = ScrapySelector(root=root, type="html")
                selector.response = response
                response._cached_selector = selector
        return response.selector
    text = response.text
    return Selector(text=XML_FORBIDDEN.sub("", text), type="html", base_url=response.url)


def _page_holds_forbidden(response: HtmlResponse) -> bool:
    """Whether the page's text holds a character XML forbids: its C0 controls looked for in its
    bytes when its text is their UTF-8 (no byte order mark says otherwise), else in its
    text."""
    body = response.body
    if read_bom(body)[0] is None and _is_utf8(response.encoding):
        text = response.text
        return any(byte in body for byte in XML_FORBIDDEN_BYTES) or any(
            char in text for char in NONCHARACTERS
        )
    return _holds_forbidden(response.text)


def _utf8_root(response: HtmlResponse) -> Any:
    """The tree of ``response.selector`` parsed from the page's own bytes, when they are the
    bytes it would parse (else None): parsel parses ``response.text`` stripped and encoded
    in UTF-8 again, which for a UTF-8 page without a byte order mark, whose bytes decode
    without a replacement and whose text, once its ASCII whitespace is stripped, begins and
    ends with an ASCII character (no whitespace str.strip would take that bytes.strip keeps),
    and which holds no NUL (``_page_holds_forbidden``, checked first), are its own bytes
    stripped: two copies of a page (an encoding and the text's strip) spared. Parsed as
    parsel parses them (``create_root_node``: lxml.html's parser, recovering, huge trees; the
    document's base URL Scrapy's ``get_base_url``)."""
    body = response.body
    if read_bom(body)[0] is not None or not _is_utf8(response.encoding):
        return None
    data = body.strip()
    if not data or data[0] > 0x7F or data[-1] > 0x7F or "\ufffd" in response.text:
        return None
    parser = lxml.html.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    root = lxml.etree.fromstring(data, parser=parser, base_url=get_base_url(response))
    if root is None:
        root = lxml.etree.fromstring(b"<html/>", parser=parser, base_url=get_base_url(response))
    return root


@cache
def _is_utf8(encoding: str) -> bool:
    """Whether Scrapy decodes a response of this encoding as UTF-8 (w3lib's html_to_unicode,
    as ``TextResponse.text`` calls it: the name resolved by w3lib)."""
    return http_content_type_encoding(f"charset={encoding}") == "utf-8"


def _holds_forbidden(text: str) -> bool:
    """Whether a text holds a character XML forbids (``XML_FORBIDDEN.search``, faster)."""
    return any(char in text for char in XML_FORBIDDEN_CHARS)


def base_url(selector: Selector, url: str) -> str:
    """The document's base URL: its first ``<base href>``, relative or absolute, resolved
    against the page's URL (HTML's rule); else the page's URL."""
    href = _first_base_href(selector.root)
    joined = join_url(url, href) if href and href.strip() else None
    return safe_url_string(joined) if joined else url


def _first_base_href(root: Any) -> str | None:
    """``//base[@href][1]/@href``'s first result: the ``href`` of the first ``<base>`` that has
    one, in document order. lxml's iter() finds a page's (rare) <base> elements without a walk
    when the document has none: it looks their name up in the document's dictionary first."""
    for base in root.iter("base"):
        href = base.get("href")
        if href is not None:
            return href
    return None


def extract_fields(
    selector: Selector,
    rules: ArticleRules,
    url: str | None = None,
    language: str = "en",
    seed: SeedFields | None = None,
) -> dict[str, Found]:
    """Raw article fields of one page, each from the first layer that gives it.

    The seed layer is ``seed`` (read from ``rules`` when None): only the seed's values that
    parse (crawler.extract.rules), so a selector that matched something unusable falls back
    to the next layer as if the seed had none.

    Dates, in the order measured best on the news and htmldate benchmarks
    (bench/extraction.py): declared (seed, JSON-LD, meta; a naive one yields to another
    declaration of the same day with an offset), then the text by the headline (heuristic),
    then the address's (rule "url"), then htmldate's day (rule "htmldate"; within the month an
    address names without a day first, ``url_month``). A declared date
    the page's other dates contradict is arbitrated by htmldate (``_arbitrated``). A date
    without a year also gets htmldate's day, under the key "day", for ``read_date`` to take
    its year. Last, a date written without its time of day yields to a ``<time datetime>`` of
    the page that writes one on the same day (``_timed``, rule "time").
    """
    found: dict[str, Found] = {}
    declared: list[Found] = []
    seed = seed or seed_fields(selector, rules, language)
    jsonld = cache(lambda: jsonld_fields(selector))
    meta_found: dict[str, str] = {}
    meta_read: set[str] = set()

    def meta(names: tuple[str, ...] = METADATA_FIELDS) -> dict[str, str]:
        # The meta layer's fields, each read once, when first asked.
        unread = tuple(name for name in names if name not in meta_read)
        if unread:
            meta_found.update(meta_fields(selector, unread))
            meta_read.update(unread)
        return {name: meta_found[name] for name in names if name in meta_found}

    @cache
    def heuristics() -> HeuristicFields:
        # Once per page: the cut-title check below reads the same headline.
        body = str(found["body"].value) if "body" in found else None
        return heuristic_fields(selector, body, language)

    # Each layer with the fields it can give; it is called with those still asked of it.
    layers: tuple[tuple[str, tuple[str, ...], Callable[[tuple[str, ...]], Mapping]], ...] = (
        ("seed", FIELDS, lambda names: seed.values),
        ("json-ld", METADATA_FIELDS, lambda names: jsonld()),
        ("meta", METADATA_FIELDS, meta),
        ("readability", ("body",), lambda names: _main_text(selector, url)),
        ("heuristic", HEURISTIC_FIELDS, lambda names: heuristics()),
    )

    for rule, gives, fields in layers:
        missing = [name for name in FIELDS if name not in found]
        if not missing:
            break
        asked = tuple(name for name in gives if name in missing)
        if rule in DECLARED and "date" not in asked and _naive_declaration(found.get("date")):
            # Its date may be the same day's with an offset (_with_offset).
            asked += ("date",)
        if not asked:
            continue
        values = fields(asked)
        if rule in DECLARED and values.get("date"):
            declared.append(Found(values["date"], rule))
        for name in asked:
            if name not in missing:
                continue
            value = values.get(name)
            # The seed's values all parse: an empty body element is the page's (an empty body).
            if value is None or (not value and rule != "seed"):
                continue
            # The seed's dates were read by seed_fields.
            if name in DATES and rule != "seed" and not _readable(str(value), language):
                continue
            found[name] = value if isinstance(value, Found) else Found(value, rule)
    if "title" in found and found["title"].rule in ("json-ld", "meta"):
        headline = heuristics()["headline"]
        title = Found(
            reconciled_title(selector, found["title"].value, headline), found["title"].rule
        )
        found["title"] = _uncut_title(title, headline)
    # A date without a year ("Updated 3 hours ago", "09-30 22:46": a seed's selector on the
    # byline) yields to the publication date the page declares with its year.
    if "date" in found and is_relative(found["date"].value):
        layers_dated = (("json-ld", jsonld), ("meta", lambda: meta(("date",))))
        found["date"] = _dated(found["date"], layers_dated, language)
    # A page that shows "09-30 22:46" and declares when it was last changed, with the year,
    # is dated by that declaration rather than by the crawl's year.
    undated = "date" not in found or is_relative(found["date"].value)
    if undated and "updated" in found and not is_relative(found["updated"].value):
        found["date"] = found["updated"]
    if "date" in found and found["date"].rule in DECLARED:
        found["date"] = _with_offset(found["date"], declared)
    if "date" in found and found["date"].rule in ARBITRATED:
        candidates = [
            Found(value, rule)
            for rule, fields in (("json-ld", jsonld), ("meta", lambda: meta(DATES)))
            for name, value in fields().items()
            if name in DATES and writes_time(value)
        ]
        candidates += [Found(day.text, "url") for day in find_dates(url or "", ("url",))[:1]]
        found["date"] = _arbitrated(found["date"], candidates, selector, url)
        found["date"] = _shown(found["date"], jsonld, meta, heuristics, language)
    if "date" in found and found["date"].rule == "heuristic" and heuristics().date_is_update:
        found["date"] = _published(found["date"], selector, language)
    if "date" not in found:
        in_url = find_dates(url or "", ("url",))
        if in_url:
            found["date"] = Found(in_url[0].text, "url")
    if "date" not in found or writes_month_and_day(found["date"].value):
        # The page only: its address is read above, by the stricter rule of whole segments.
        # As the date, htmldate's reading keeps the time and offset it read with the day.
        day = page_day(selector.root, precise="date" not in found, month=url_month(url or ""))
        if day:
            found["day" if "date" in found else "date"] = Found(day, "htmldate")
    if "date" in found:
        found["date"] = _timed(found["date"], selector, language)
    return found


def _published(date: Found, selector: Selector, language: str) -> Found:
    """A byline date labelled as a later change's ("Article mis à jour le 7 janvier 2020",
    the only one by the headline) yields to htmldate's reading of the page when that is an
    earlier day (htmldate takes a page's oldest date: its publication's); on the same day or
    a later one it stays, with its time (htmldate's benchmark: half A +1, half B unchanged)."""
    own = parse_date(date.value, UTC_ZONE, language)
    day = page_day(selector.root, precise=True)
    earlier = _written(day) if day else None
    if own is None or earlier is None or earlier.date() >= own.date():
        return date
    return Found(day, "htmldate")


def _timed(date: Found, selector: Selector, language: str = "en") -> Found:
    """A date written without its time of day (a byline's "March 4, 2026", an address's or
    htmldate's day, a date-only declaration) yields to the first ``<time datetime>`` of the
    page that writes a time on that same day (``timed_dates``: outside readers' comments, one
    that says its offset first), under the rule "time"; so does a date with a time but no
    offset to one that writes that time in some zone ("12:10" shown, ``datetime="...T11:10Z"``:
    the same minutes, a whole zone offset of quarter hours, at most 14 hours, apart). Not a
    seed's date, which its user chose, nor one counted from the clock ("3 hours ago").

    The day is compared as each date is written (in its own offset; a text in the page's
    ``language``): a page writes "March 4, 2026" and ``<time
    datetime="2026-03-04T10:00:00Z">`` for one moment, which the day alone put at midnight.
    """
    if date.rule == "seed" or is_relative(date.value) or declares_offset(date.value):
        return date
    own = parse_date(date.value, UTC_ZONE, language)
    if own is None:
        return date
    timed = writes_time(date.value)
    for text in timed_dates(selector.root):
        other = _written(text)
        if other is None or other.date() != own.date():
            continue
        if not timed:
            return Found(text, "time")
        apart = abs(other.replace(tzinfo=None) - own.replace(tzinfo=None))
        if declares_offset(text) and apart <= ZONE_REACH and not apart % QUARTER_HOUR:
            return Found(text, "time")
    return date


# The offsets of the world's zones: quarter hours, at most 14 hours from UTC.
QUARTER_HOUR = timedelta(minutes=15)
ZONE_REACH = timedelta(hours=14)
UTC_ZONE = ZoneInfo("UTC")


def _written(text: str) -> datetime | None:
    """A date text read in its own offset (a naive one as written, in UTC)."""
    return parse_date(text, ZoneInfo("UTC"))


def _arbitrated(date: Found, candidates: list[Found], selector: Selector, url: str | None) -> Found:
    """The declared publication date, or, when the page's other dates (its declared
    publication and modification times, its address's day) are not all on its day, the one
    of them on htmldate's day for the page.

    A publication time written in UTC first yields to the same instant written with another
    offset (the site's: "2019-10-18T22:04:00Z" in JSON-LD, "Sat, 19 Oct 2019 00:04:00 +0200"
    in a meta tag). Then pages declare a modified time as published, an old date kept from a
    first version, a date its address contradicts: htmldate (the address first, then its own
    order of metadata and text) picks the right one of them more often than the first
    declaration does (bench/extraction.py, htmldate's benchmark: accuracy 0.865 -> 0.885 on
    the half tuned on, 0.888 -> 0.897 on the other, no page lost; news dates unchanged). A
    date-only declaration never arbitrates (often a UTC day), nor does an address one day off
    a time written in UTC: that instant is right, and its day is the seed's timezone's to say
    (letting the address decide there gained 4 pages of htmldate's benchmark and lost 5 of the
    news pages, whose dates are their metadata's UTC day). htmldate runs only on such pages.
    """
    own = _written(date.value)
    if own is None:
        return date
    in_utc = declares_offset(date.value) and own.utcoffset() == timedelta(0)
    read = {found.value: _written(found.value) for found in candidates}
    if in_utc:
        for found in candidates:
            other = read[found.value]
            if found.rule != "url" and other and other == own and other.utcoffset():
                return found
        zoned = _zoned_in_scripts(own, selector.root)
        if zoned is not None:
            return zoned
    days = {}
    for found in candidates:
        value = read[found.value]
        if value is None or value.date() == own.date():
            continue
        if in_utc and found.rule == "url" and abs(value.date() - own.date()) <= timedelta(1):
            continue
        days.setdefault(value.date().isoformat(), found)
    if not days:
        return date
    return days.get(htmldate_day(selector.root, url) or "", date)


# A date and time of day to the second, with the offset it may say: "2023-11-08T22:28:35-05:00",
# "2020-02-17 21:18:11" (a data layer's variables and JSON in a page's scripts).
SCRIPT_TIME = re.compile(
    r"(?<![\d.])(?:19|20)\d\d-[01]\d-[0-3]\d[T ][0-2]\d:[0-5]\d:[0-5]\d(?:\.\d+)?"
    r"(?:Z|[+-][01]\d:?[0-5]\d(?!\d))?"
)


def _zoned_in_scripts(own: datetime, root: Any) -> Found | None:
    """The instant ``own`` (a publication time written in UTC) as the page's scripts write it
    in the site's zone, under the rule "script": with an offset other than UTC's that makes it
    the same instant ("2023-11-08T22:28:35-05:00" in a data layer for "2023-11-09T03:28:35Z"),
    or naive with the same seconds, a whole zone offset of quarter hours (at most 14 hours)
    away ("2020-02-17 21:18:11" for "2020-02-18T02:18:11Z": -05:00). Sites declare in UTC the
    instant their own data layers write in their zone; its day, which the declaration moved,
    is the site's (htmldate's benchmark, bench/extraction.py: accuracy 0.929 -> 0.940 on the half
    tuned on, 0.913 -> 0.921 on the other; the news pages lose 2 of 73 English dates, whose
    truth is their metadata's UTC day, against their addresses' day). It changes the offset,
    never the instant: a seed with a timezone exports the same date. None when no script
    writes it."""
    naive_utc = own.astimezone(UTC).replace(tzinfo=None)
    for script in root.iter("script"):
        for match in SCRIPT_TIME.finditer(script.text or ""):
            text = match.group()
            other = _written(text)
            if other is None:
                continue
            if declares_offset(text):
                if other.utcoffset() and other == own:
                    return Found(text, "script")
                continue
            apart = other.replace(tzinfo=None) - naive_utc
            if apart and abs(apart) <= ZONE_REACH and not apart % QUARTER_HOUR:
                return Found(other.replace(tzinfo=timezone(apart)).isoformat(), "script")
    return None


def _shown(
    date: Found,
    jsonld: Callable[[], Mapping],
    meta: Callable[[tuple[str, ...]], Mapping],
    heuristics: Callable[[], HeuristicFields],
    language: str,
) -> Found:
    """The declared publication date, or a later modification date the page declares with it
    (JSON-LD ``dateModified``, ``article:modified_time``...) when the page's visible text
    writes the latter's day and nowhere the former's: the day its readers see. A day shown
    only in an element marked as a modification date (class, id or itemprop "updated",
    "dateModified", "lastmod") does not count: that page says which of its dates it shows.

    Days are found in the forms Babel's CLDR data gives the page's language and English
    (``crawler.extract.dates.day_forms``). Pages declare as published a first draft's or a
    template's date and show the day they were last changed; measured on htmldate's benchmark
    (bench/extraction.py): accuracy +3 pages on the half tuned on (0.897 -> 0.909), +2 on the
    other (0.897 -> 0.905), no page lost; news dates unchanged (one aeb page, whose visible day
    is marked ``dateUpdated``, keeps its declared publication date).
    """
    own = _written(date.value)
    if own is None:
        return date
    updates = [
        Found(value, rule)
        for rule, fields in (("json-ld", jsonld), ("meta", lambda: meta(DATES)))
        if (value := fields().get("updated"))
    ]
    for update in updates:
        changed = _written(update.value)
        if changed is None or changed.astimezone(own.tzinfo).date() <= own.date():
            continue
        changed = changed.astimezone(own.tzinfo)
        nodes = heuristics().text_nodes
        showing = [node for node in nodes if shows_day(node, changed.date(), language)]
        if not any(node.getparent() is not None and not _marked_modified(node) for node in showing):
            continue
        if not any(shows_day(node, own.date(), language) for node in nodes):
            return update
    return date


# An element that says it holds a modification date: microformats' "updated", schema.org's
# dateModified, a "last modified" footer.
MARKED_MODIFIED = re.compile(r"updat|modif|lastmod|edited", re.I)


def _marked_modified(node: str) -> bool:
    """A text node written in an element that says, or whose parents say, in its class, id or
    itemprop, that it holds a modification date."""
    element = node.getparent()  # type: ignore[attr-defined]
    for _ in range(3):
        if element is None:
            return False
        marks = " ".join(element.get(name, "") for name in ("class", "id", "itemprop"))
        if MARKED_MODIFIED.search(marks):
            return True
        element = element.getparent()
    return False


def _naive_declaration(date: Found | None) -> bool:
    """A date the page declares without its offset, which another declaration may complete."""
    return date is not None and date.rule in DECLARED and not declares_offset(date.value)


def _readable(text: str, language: str) -> bool:
    return parse_date(text, ZoneInfo("UTC"), language) is not None


def _dated(date: Found, layers: tuple, language: str) -> Found:
    """The first declared date of ``layers`` (``(rule, fields)``) that writes its year and can
    be read, else ``date``."""
    for rule, fields in layers:
        value = fields().get("date")
        if value and not is_relative(value) and _readable(value, language):
            return Found(value, rule)
    return date


def _with_offset(date: Found, declared: list[Found]) -> Found:
    """A naive declared date yields to another declaration of the same day that says its
    offset ("2020-12-01 02:00:00" in JSON-LD, "2020-12-01T02:00:00+03:00" in a meta tag)."""
    if declares_offset(date.value):
        return date
    naive = parse_date(date.value, ZoneInfo("UTC"))
    for other in declared:
        if other is date or not declares_offset(other.value):
            continue
        aware = parse_date(other.value, ZoneInfo("UTC"))
        if naive and aware and naive.date() == aware.date():
            return other
    return date


def _main_text(selector: Selector, url: str | None = None) -> dict[str, Found]:
    """The body of the main-text layer, with the extractor that chose it (readability,
    trafilatura); ``url`` is the page's address (tells the site's own links)."""
    html, rule = main_body(selector, url)
    return {"body": Found(html, rule)} if html else {}


def _uncut_title(title: Found, headline: str | None) -> Found:
    """A metadata title cut short (an unescaped quote ends the attribute) yields to the
    page's headline that it begins."""
    text, value = fold_spaces(headline), fold_spaces(title.value)
    rest = text[len(value) :]
    if rest and text.startswith(value) and not TITLE_SEPARATOR.match(rest):
        return Found(text, "heuristic")
    return title


def declared_canonical(selector: Selector, options: ExtractOptions) -> str | None:
    """The page's ``<link rel="canonical">``, absolute, when it names a page of an allowed
    domain (of the page's own host without allowed domains): one article reached at two
    addresses is one article, keyed and exported under the address the page declares."""
    href = _canonical_href(selector.root)
    if not href or not href.strip():
        return None
    url = safe_url_string(join_url(options.base_url or options.url or "", href) or "")
    if not url.startswith(("http://", "https://")):
        return None
    domains = options.allowed_domains or (urlsplit(options.url or "").hostname or "",)
    return url if host_in_domains(url, domains) else None


def _canonical_href(root: Any) -> str | None:
    """``//link[@rel='canonical'][1]/@href``'s first result, from the page's few ``<link>``
    elements: the first ``<link rel="canonical">`` of each parent, the first of those with an
    ``href``, in document order."""
    parents = []
    for link in root.iter("link"):
        if link.get("rel") != "canonical":
            continue
        parent = link.getparent()
        if any(parent is other for other in parents):
            continue
        parents.append(parent)
        href = link.get("href")
        if href is not None:
            return href
    return None


def read_date(
    text: str | None, options: ExtractOptions, url: str | None, day: str | None = None
) -> datetime | None:
    """A date text read in the source's timezone and language, relative to the crawl time.

    A month and day without a year ("9月30日 10:00") take the year that puts them nearest
    the day of the page's address, or else of htmldate's reading of it (``day``,
    ``YYYY-MM-DD``), within half a year either side (a page read years after it was written:
    htmldate's benchmark); a date counted from the clock ("3小时前") is anchored only on the
    address's very day. Else it is the most recent such date before the crawl.
    """
    if not text:
        return None
    tz = options.tzinfo
    crawled_at = options.crawled_at or datetime.now(UTC)
    value = parse_date(text, tz, options.language, crawled_at)
    if value is not None and is_relative(text):
        in_url = find_dates(url or "", ("url",))
        anchors = [found.text for found in in_url[:1]]
        # htmldate's day dates a month and day written without a year, not "3小时前".
        anchors += [day] if day and writes_month_and_day(text) else []
        # A written month and day takes the year that puts it nearest the anchor, within half a
        # year either side; a date counted from the clock ("3小时前") only the anchor's day.
        reach = HALF_YEAR if writes_month_and_day(text) else timedelta(0)
        for anchor in anchors:
            on = datetime.fromisoformat(anchor).date()
            # Read from the end of that day (and the reach after it), or from the crawl when
            # that is later than the crawl.
            base = min(datetime.combine(on + reach, time(23, 59, 59), tzinfo=tz), crawled_at)
            again = parse_date(text, tz, options.language, base)
            if again is not None and abs(again.astimezone(tz).date() - on) <= reach:
                value = again
                break
    if value is None or options.timezone is None:
        return value
    return value.astimezone(tz)


def extract_article(response: Response, options: ExtractOptions | None = None) -> Article:
    """The article of one page, built whole: every field the page gives, read and cleaned
    (title folded; author without labels, else the site; dates timezone-aware in the source's
    timezone; body HTML safe with every link and image absolute against the document's base
    URL; its text), plus what the item needs from its source (canonical URL, source, site,
    categories, language) and from the listing. ``extracted_by`` names the rule that gave each
    field (seed, json-ld, meta, readability, trafilatura, heuristic, url, time, htmldate);
    ``seed_fields`` what each of the seed's selectors gave
    (crawler.extract.rules.SeedFields.outcomes)."""
    options = options or ExtractOptions()
    page_url = options.url or response.url
    page = page_selector(response)
    options = replace(
        options,
        url=page_url,
        base_url=options.base_url or base_url(page, page_url),
        crawled_at=options.crawled_at or datetime.now(UTC),
    )
    tz = options.tzinfo
    seed = seed_fields(page, options.rules, options.language)
    found = extract_fields(page, options.rules, page_url, options.language, seed)

    def value(name: str) -> str | None:
        return found[name].value if name in found else None

    date_text = value("date")
    # Dates are read in the page's own locale when it refines the seed's language (en-GB).
    language = dates_language(options.language, declared_language(page))
    dating = options if language == options.language else replace(options, language=language)
    published = read_date(date_text, dating, page_url, value("day"))
    body = clean_body(value("body") or "", options.base_url)
    image = value("image")
    joined = join_url(options.base_url, image) if image else None
    headimg = safe_url_string(joined) if joined else None
    extracted_by = {name: found[name].rule for name in FIELDS if name in found}
    if not headimg and body.images:
        # The page names no head image: its body's first image stands for it.
        headimg = body.images[0]
        extracted_by["image"] = "body"
    listing_date = options.listing_date
    return Article(
        url=canonical_url(declared_canonical(page, options) or page_url, options.tracking_params),
        source=options.source,
        site=options.site,
        title=fold_spaces(value("title")) or None,
        author=clean_author(value("author")) or options.site,
        date=published,
        date_source="page" if published else None,
        date_relative=bool(published and date_text and is_relative(date_text)),
        updated=read_date(value("updated"), dating, page_url),
        categories=list(options.categories),
        headimg=headimg,
        thumbnail=headimg,
        body_html=body.html,
        text=body.text,
        image_urls=list(dict.fromkeys(body.images + ([headimg] if headimg else []))),
        language=options.language,
        crawled_at=options.crawled_at.astimezone(tz),
        channel=options.channel,
        listing_date=listing_date.astimezone(tz) if listing_date else None,
        listing_date_relative=options.listing_date_relative,
        listing_title=fold_spaces(options.listing_title) or None,
        extracted_by=extracted_by,
        seed_fields=seed.outcomes,
    )
