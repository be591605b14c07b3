"""Article fields a page declares about itself: JSON-LD first, then OpenGraph and other meta."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from parsel import Selector
from w3lib.html import replace_entities

from crawler.extract.authors import not_a_person

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

# Field -> meta queries, tried in order; the first non-empty value wins.
META_QUERIES: dict[str, tuple[str, ...]] = {
    "title": (
        "meta[property='og:title']::attr(content)",
        "meta[name='twitter:title']::attr(content)",
    ),
    "date": (
        "meta[property='article:published_time']::attr(content)",
        "meta[itemprop='datePublished']::attr(content)",
        "meta[name='pubdate']::attr(content)",
        "meta[name='publishdate']::attr(content)",
        "meta[name='PubDate']::attr(content)",
        "meta[name='date']::attr(content)",
        "meta[name='dc.date']::attr(content)",
        "meta[name='DC.date.issued']::attr(content)",
        "[itemprop='datePublished']::attr(datetime)",
        "time[pubdate]::attr(datetime)",
    ),
    "updated": (
        "meta[property='article:modified_time']::attr(content)",
        "meta[property='og:updated_time']::attr(content)",
        "meta[itemprop='dateModified']::attr(content)",
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


def _is_article(obj: dict[str, Any]) -> bool:
    types = obj.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(t in ARTICLE_TYPES for t in types if isinstance(t, str))


def _names(value: Any) -> list[str]:
    """Author names from a string, a Person object, or a list of either."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
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
    """title, date, updated, author and image from the page's first article in JSON-LD."""
    for script in selector.xpath("//script[@type='application/ld+json']/text()").getall():
        try:
            document = json.loads(script)
        except ValueError:
            continue
        for obj in _objects(document):
            if not _is_article(obj):
                continue
            fields = {
                "title": obj.get("headline") or obj.get("name"),
                "date": obj.get("datePublished"),
                "updated": obj.get("dateModified"),
                "author": ", ".join(_names(obj.get("author"))) or None,
                "image": _image_url(obj.get("image")),
            }
            return {
                k: _unescaped(k, v) for k, v in fields.items() if isinstance(v, str) and v.strip()
            }
    return {}


# Fields of text that sites often escape twice ("&amp;#8211;" in a content attribute).
TEXT_FIELDS = ("title", "author")


def _unescaped(name: str, value: str) -> str:
    return replace_entities(value) if name in TEXT_FIELDS else value


def meta_fields(selector: Selector) -> dict[str, str]:
    """The same fields from OpenGraph, article:*, Dublin Core and itemprop markup."""
    found = {}
    for name, queries in META_QUERIES.items():
        for query in queries:
            value = selector.css(query).get()
            if value and value.strip() and not (name == "author" and not_a_person(value)):
                found[name] = _unescaped(name, value)
                break
    return found
