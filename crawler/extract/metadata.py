"""Article fields a page declares about itself: JSON-LD first, then OpenGraph and other meta."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml.etree import XPath
from parsel import Selector
from w3lib.html import remove_tags, remove_tags_with_content, replace_entities

from crawler.cleaning import fold_spaces
from crawler.extract.authors import not_a_person
from crawler.seeds import select_nodes

ARTICLE_TYPES = {
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "BlogPosting",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "LiveBlogPosting",
    "TechArticle",
    "Report",
}

SITE_TYPES = ("WebSite", "Organization", "NewsMediaOrganization")

# Field -> meta queries, tried in order; the first non-empty value wins.
META_QUERIES: dict[str, tuple[str, ...]] = {
    "title": (
        "meta[property='og:title']::attr(content)",
        "meta[name='twitter:title']::attr(content)",
    ),
    "date": (
        "meta[property='article:published_time']::attr(content)",
        "[itemprop='datePublished']::attr(content)",
        "meta[name='pubdate']::attr(content)",
        "meta[name='publishdate']::attr(content)",
        "meta[name='PubDate']::attr(content)",
        "meta[name='DC.date.issued']::attr(content)",
        "[itemprop='datePublished']::attr(datetime)",
        "time[pubdate]::attr(datetime)",
        # A date that does not say which: often the page's last change.
        "meta[name='date']::attr(content)",
        "meta[name='dc.date']::attr(content)",
    ),
    "updated": (
        "meta[property='article:modified_time']::attr(content)",
        "meta[property='og:updated_time']::attr(content)",
        "[itemprop='dateModified']::attr(content)",
        "meta[itemprop='dateUpdate']::attr(content)",
        "[itemprop='dateModified']::attr(datetime)",
    ),
    "author": (
        "meta[name='author']::attr(content)",
        "meta[property='article:author']::attr(content)",
        "meta[name='dc.creator']::attr(content)",
        "[itemprop='author'] [itemprop='name']::text",
    ),
    "image": (
        "meta[property='og:image']::attr(content)",
        "meta[name='twitter:image']::attr(content)",
    ),
}


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object in a document: lists and @graph walked."""
    if isinstance(node, list):
        for child in node:
            yield from _objects(child)
    elif isinstance(node, dict):
        yield node
        if "@graph" in node:
            yield from _objects(node["@graph"])


# What browsers forgive in a script block and JSON does not: comments, a trailing ";" or comma.
JS_COMMENT = re.compile(r"^\s*(?://.*|<!--|-->|/\*.*?\*/\s*)$|^\s*<!\[CDATA\[|\]\]>\s*$", re.M)
TRAILING_COMMA = re.compile(r",(\s*[}\]])")
# A string value on its own line holding unescaped quotes: "headline": "A "quoted" word",
INNER_QUOTES = re.compile(r'^(\s*"[^"]+"\s*:\s*")(.*)("\s*,?\s*)$', re.M)


def loads_lenient(script: str) -> list[Any]:
    """The JSON values of a JSON-LD block, read as browsers' script parsers forgive them: raw
    control characters in strings (extruct's ``strict=False``), comment lines, a trailing ";"
    or comma, unescaped quotes inside a one-line string, several values one after another
    (corpus pages of aeb and traf). What still fails is left out."""
    try:
        return [json.loads(script, strict=False)]
    except ValueError:
        pass
    text = TRAILING_COMMA.sub(r"\1", JS_COMMENT.sub("", script).strip().rstrip(";"))
    values = _decode_all(text)
    if not values:
        text = INNER_QUOTES.sub(lambda m: m[1] + re.sub(r'\\?"', r'\\"', m[2]) + m[3], text)
        values = _decode_all(text)
    return values


def _decode_all(text: str) -> list[Any]:
    """The JSON values written one after another in a text, up to the first that fails."""
    decoder, values, at = json.JSONDecoder(strict=False), [], 0
    while at < len(text):
        try:
            value, at = decoder.raw_decode(text, at)
        except ValueError:
            break
        values.append(value)
        while at < len(text) and text[at] in " \t\r\n,;":
            at += 1
    return values


# Compiled once: parsel's xpath() costs as much again per call.
JSONLD_SCRIPTS = XPath("//script[@type='application/ld+json']/text()")


def jsonld_objects(selector: Selector) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, from every block, in document order."""
    return [
        obj
        for script in map(str, JSONLD_SCRIPTS(selector.root))
        for obj in _objects(loads_lenient(script))
    ]


def jsonld_text(value: str) -> str:
    """A JSON-LD text (a recipe's step, a product's description) as a reader reads it:
    entities decoded (twice: sites escape their HTML once more), scripts and styles removed
    with their content, other tags removed, spaces folded. Still untrusted: escape it where it
    is written."""
    html = remove_tags_with_content(replace_entities(value), which_ones=("script", "style"))
    return fold_spaces(replace_entities(remove_tags(html)))


def _is_article(obj: dict[str, Any]) -> bool:
    types = obj.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(t in ARTICLE_TYPES for t in types if isinstance(t, str))


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Author names from a string, a Person object (or a reference to one by ``@id``, anywhere
    on the page), or a list of either."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        if not isinstance(name, str) and isinstance(value.get("@id"), str):
            name = by_id.get(value["@id"], {}).get("name")
        return [name] if isinstance(name, str) and name.strip() else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v, by_id)]
    return []


def _image_url(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value.get("url") or value.get("contentUrl")
    if isinstance(value, list) and value:
        return _image_url(value[0])
    return None


def jsonld_fields(selector: Selector) -> dict[str, Any]:
    """title, date, updated, author and image from the page's first article in JSON-LD; every
    author of it, joined with ", "."""
    objects = jsonld_objects(selector)
    by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str) and "name" in o}
    for obj in objects:
        if not _is_article(obj):
            continue
        names = dict.fromkeys(" ".join(n.split()) for n in _names(obj.get("author"), by_id))
        fields = {
            "title": obj.get("headline") or obj.get("name"),
            "date": obj.get("datePublished"),
            "updated": obj.get("dateModified"),
            "author": ", ".join(names) or None,
            "image": _image_url(obj.get("image")),
        }
        return {k: _unescaped(k, v) for k, v in fields.items() if isinstance(v, str) and v.strip()}
    return {}


def site_names(selector: Selector) -> list[str]:
    """The names a page gives its site: og:site_name, application-name, and the name of the
    JSON-LD publisher or WebSite."""
    names = selector.css(
        "meta[property='og:site_name']::attr(content), meta[name='application-name']::attr(content)"
    ).getall()
    for obj in jsonld_objects(selector):
        publisher = obj.get("publisher")
        named = [publisher] if isinstance(publisher, dict) else []
        named += [obj] if obj.get("@type") in SITE_TYPES else []
        names += [node["name"] for node in named if isinstance(node.get("name"), str)]
    return [name.strip() for name in dict.fromkeys(names) if name.strip()]


# Fields of text that sites often escape twice ("&amp;#8211;" in a content attribute).
TEXT_FIELDS = ("title", "author")


def _unescaped(name: str, value: str) -> str:
    return replace_entities(value) if name in TEXT_FIELDS else value


def meta_fields(selector: Selector, names: Iterable[str] = tuple(META_QUERIES)) -> dict[str, str]:
    """The same fields from OpenGraph, article:*, Dublin Core and itemprop markup, those of
    ``names`` only; every author a query finds (two ``<meta name="author">``: readability
    #153), joined with ", "."""
    found = {}
    # The page's <meta> (and itemprop elements), found once for all the queries
    # (crawler.css.shared_select).
    shared: dict[Any, list[Any]] = {}
    for name in names:
        queries = META_QUERIES[name]
        for query in queries:
            # Attribute results: the str values parsel's get() and getall() give.
            values = select_nodes(selector, query, shared)
            if name == "author":
                values = [" ".join(v.split()) for v in values]
                people = [v for v in dict.fromkeys(values) if v and not not_a_person(v)]
                value = ", ".join(people)
            else:
                value = values[0] if values else None
            if value and value.strip():
                found[name] = _unescaped(name, value)
                break
    return found


LANGUAGE_QUERIES = tuple(
    XPath(query)
    for query in (
        "/html/@lang",
        "/html/@*[name()='xml:lang']",
        "//meta[@property='og:locale']/@content",
        "//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')='content-language']/@content",
    )
)


def declared_language(selector: Selector) -> str | None:
    """The language tag the page declares (``<html lang>``, ``xml:lang``, ``og:locale``,
    ``Content-Language``), as written ("en-GB", "de_AT"), or None."""
    for query in LANGUAGE_QUERIES:
        values = query(selector.root)
        value = str(values[0]) if values else None
        if value and value.strip():
            return value.strip().split(",")[0].strip()
    return None
