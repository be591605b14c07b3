"""Article fields read with a seed's own [article] selectors, kept only when they parse, and
what each selector gave on the page (matched, unparsed, missing)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from lxml.etree import XPath
from parsel import Selector, SelectorList

from crawler.cleaning import fold_spaces, image_source, inner_html
from crawler.extract.authors import clean_author
from crawler.extract.dates import parse_date
from crawler.seeds import select

if TYPE_CHECKING:
    from crawler.seeds import ArticleRules, Query

# The [article] fields that give an article field, in the order they are read.
SEED_FIELDS = ("title", "date", "updated", "author", "image", "body")
# What a seed field's selector gave on a page: a value that parses (used), something that does
# not parse (the field falls back to the next layer), nothing at all (the same).
MATCHED, UNPARSED, MISSING = "matched", "unparsed", "missing"
OUTCOMES = (MATCHED, UNPARSED, MISSING)
# Text a reader sees in a body: not a script's, a style's, a template's.
VISIBLE_TEXT = XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)
UTC = ZoneInfo("UTC")


class SeedFields(NamedTuple):
    """What a seed's ``[article]`` selectors gave on one page.

    ``values``: ``{field: value}`` for every field whose selector gave a value that parses
    (the seed layer of extraction: a field left out falls back to the next layer exactly as if
    the seed had no selector for it). ``outcomes``: for every field the seed has a selector
    for, ``{field: {"selector": the seed's value (a str, or a list of str), "outcome":
    "matched" | "unparsed" | "missing"}}``.
    """

    values: dict[str, str]
    outcomes: dict[str, dict[str, Any]]


def selection_text(selection: SelectorList) -> str | None:
    """Text of a selection: text and attribute results as they are, elements by their text."""
    parts = []
    for result in selection:
        value = result.root if isinstance(result.root, str) else result.xpath("string()").get()
        if value and value.strip():
            parts.append(value.strip())
    return " ".join(parts) or None


def selection_html(element: Selector, exclude: tuple[str, ...] = ()) -> str:
    """The HTML inside a selected element, without the parts that ``exclude`` selects."""
    return inner_html(_without(element, exclude).root)


def _without(element: Selector, exclude: tuple[str, ...]) -> Selector:
    if exclude:
        element = Selector(root=copy.deepcopy(element.root), type="html")
        for query in exclude:
            select(element, query).drop()
    return element


def holds_content(element: Any) -> bool:
    """Whether an lxml element holds text a reader sees (outside scripts, styles, templates;
    whitespace and no-break spaces are none) or an image."""
    if next(element.iter("img"), None) is not None:
        return True
    return any(text.strip() for text in VISIBLE_TEXT(element))


def is_image_url(value: str) -> bool:
    """An address an image can be fetched from: http(s), or relative to the page (``/a.jpg``,
    ``//cdn.example/a.jpg``); not a ``data:`` placeholder, ``javascript:``, ``#`` or empty."""
    value = value.strip()
    if not value or value.startswith("#"):
        return False
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:  # "http://[" and the like
        return False
    return scheme in ("", "http", "https")


def _image(selection: SelectorList) -> str | None:
    """The first image address of a selection: a text or attribute result, an ``<img>``'s
    source (lazy-loading attributes, srcset), a ``<meta>``'s content."""
    for result in selection:
        root = result.root
        if isinstance(root, str):
            value = root
        elif root.tag == "img":
            value = image_source(root) or ""
        elif root.tag == "meta":
            value = root.get("content") or ""
        else:
            value = result.xpath("string()").get() or ""
        if is_image_url(value):
            return value.strip()
    return None


class Body(NamedTuple):
    """A body element's inner HTML, and whether it holds text or an image."""

    html: str
    full: bool


def _body(selection: SelectorList, exclude: tuple[str, ...]) -> Body | None:
    """The inner HTML, without what ``exclude`` selects, of the first element selected that
    holds text or an image (``holds_content``), else of the first element however empty; None
    when no element is selected (text or attribute results are no body)."""
    elements = [result for result in selection if not isinstance(result.root, str)]
    for element in elements:
        body = _without(element, exclude)
        if holds_content(body.root):
            return Body(inner_html(body.root), True)
    return Body(inner_html(_without(elements[0], exclude).root), False) if elements else None


def field_value(
    name: str, selection: SelectorList, rules: ArticleRules, language: str = "en"
) -> str | None:
    """The value of seed field ``name`` in a non-empty selection, or None when it does not
    parse:

    - ``title``: the selection's text, whitespace folded; None when empty.
    - ``date``, ``updated``: the selection's text when a date is read in it (``parse_date``,
      in the seed's language: "2024-03-05", "3小时前", "Updated 3 hours ago"); None for
      "Updated recently" or any text no date is read in.
    - ``author``: the text, without labels ("By ", "作者："; ``clean_author``); None when no
      name is left.
    - ``image``: the first address an image can be fetched from (``is_image_url``; an
      ``<img>`` element gives its source, a ``<meta>`` its content); None for a ``data:``
      placeholder, ``javascript:``, ``#`` or empty.
    - ``body``: the inner HTML, without ``exclude``, of the first element that holds visible
      text or an image (``holds_content``), else of the first element however empty; None when
      no element is selected (a text or attribute result).

    An empty body element is taken: it is the page's own body (an empty article, or one a
    script writes), which the article is dropped for (``no_body``, counted), rather than the
    furniture around it that the next layer finds (readability gives the empty news fixture
    page's navigation link, headline and date).
    """
    if name == "body":
        body = _body(selection, rules.exclude)
        return body.html if body else None
    if name == "image":
        return _image(selection)
    text = selection_text(selection)
    if name in ("date", "updated"):
        return text if text and parse_date(text, UTC, language) is not None else None
    if name == "author":
        return text if clean_author(text) else None
    return text if fold_spaces(text) else None


def seed_fields(selector: Selector, rules: ArticleRules, language: str = "en") -> SeedFields:
    """Every field the seed has a selector for, read from the page (see ``field_value`` for
    what parses). A list of selectors is tried in order and the first whose value parses wins
    (for the body, the first that holds text or an image, else the first element); a field is
    ``unparsed`` when some selector matched but none parsed, ``missing`` when none matched."""
    values: dict[str, str] = {}
    outcomes: dict[str, dict[str, Any]] = {}
    for name in SEED_FIELDS:
        query: Query | None = getattr(rules, name)
        if not query:
            continue
        outcome, empty = MISSING, None
        for one in query if isinstance(query, tuple) else (query,):
            selection = select(selector, one)
            if not selection:
                continue
            if name == "body":
                body = _body(selection, rules.exclude)
                value = body.html if body and body.full else None
                empty = body.html if empty is None and body else empty
            else:
                value = field_value(name, selection, rules, language)
            if value is None:
                outcome = UNPARSED
                continue
            values[name], outcome = value, MATCHED
            break
        if outcome != MATCHED and empty is not None:
            # An empty body element is the page's own body (see field_value).
            values[name], outcome = empty, MATCHED
        selectors = list(query) if isinstance(query, tuple) else query
        outcomes[name] = {"selector": selectors, "outcome": outcome}
    return SeedFields(values, outcomes)
