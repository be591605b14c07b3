"""Article fields read with a seed's own [article] selectors, kept only when they parse, and
what each selector gave on the page (matched, unparsed, missing)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from lxml.etree import XPath
from parsel import Selector, SelectorList

from crawler.cleaning import ParsedHtml, fold_spaces, image_source, inner_html, parsed_html
from crawler.css import compiled, css_xpath, within_element
from crawler.extract.authors import clean_author
from crawler.extract.dates import parse_date
from crawler.seeds import is_xpath, select_nodes

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
# An element's text, as parsel's ``.xpath("string()").get()`` gives it.
STRING = XPath("string()", smart_strings=False)
# An element inside one whose text no reader sees (VISIBLE_TEXT's test): it holds no visible
# text where it stands, though it may alone.
HIDDEN = XPath(
    "boolean(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)"
)


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
    return nodes_text([result.root for result in selection])


def nodes_text(nodes: list[Any]) -> str | None:
    """``selection_text`` of a selection's roots (``crawler.seeds.select_nodes``): the text of
    each text or attribute result and of each element, stripped, the non-empty ones joined by
    a space; None when there is none. A number or boolean (an XPath's ``count()``) has none."""
    parts = []
    for node in nodes:
        value = node if isinstance(node, str) else _string(node)
        if value and value.strip():
            parts.append(value.strip())
    return " ".join(parts) or None


def _string(node: Any) -> str | None:
    """An element's text (parsel's ``result.xpath("string()").get()``); None for a number or
    boolean, of which parsel's selector has no XPath."""
    return STRING(node) if hasattr(node, "xpath") else None


def selection_html(element: Selector, exclude: tuple[str, ...] = ()) -> str:
    """The HTML inside a selected element, without the parts that ``exclude`` selects."""
    body, dropped = _without(element.root, exclude)
    try:
        return inner_html(body)
    finally:
        _restore(dropped)


class Dropped(NamedTuple):
    """An element dropped in place from a page (``_without``), with what puts it back: its
    parent, its index there, and the text its tail was joined to (the previous element's tail,
    else the parent's text), as it was before."""

    element: Any
    parent: Any
    index: int
    previous: Any
    text: str | None


def _without(element: Any, exclude: tuple[str, ...]) -> tuple[Any, list[Dropped]]:
    """The element without what ``exclude`` selects in it (each query evaluated, and what it
    selects dropped by parsel's ``drop()``, in turn), with the drops to undo (``_restore``)
    once the element is read.

    Selectors that select inside the element only (``_in_place``) drop from the page itself,
    and the drops are undone: the same nodes as in a copy of the element alone, without the
    copy of the whole element. Any other exclusion, and one that selects the element itself
    (a copy's root, which parsel cannot drop), is made in a copy (``copy.deepcopy``), as
    parsel's selector of the copy would."""
    if not exclude or not hasattr(element, "xpath"):
        # No exclusions; or a number or boolean, of which parsel's selector selects nothing.
        return element, []
    if _in_place(element, exclude):
        dropped: list[Dropped] = []
        try:
            for query in exclude:
                nodes = compiled(css_xpath(query))(element)  # type: ignore[misc]
                if any(node is element for node in nodes):
                    break
                for node in nodes:
                    dropped.append(_drop(node))
            else:
                return element, dropped
        except BaseException:
            _restore(dropped)
            raise
        _restore(dropped)
    element = copy.deepcopy(element)
    for query in exclude:
        for node in select_nodes(Selector(root=element, type="html"), query):
            Selector(root=node, type="html").drop()
    return element, []


def _in_place(element: Any, exclude: tuple[str, ...]) -> bool:
    """Whether ``exclude`` may drop in place from the element where it stands in its page: its
    every selector CSS that selects inside the element only (``crawler.css.within_element``),
    compiled once; and no script, style, noscript or template around the element, which would
    hide its text there (``holds_content`` reads a text's ancestors)."""
    return all(
        not is_xpath(query) and within_element(query) and compiled(css_xpath(query)) is not None
        for query in exclude
    ) and not HIDDEN(element)


def _drop(node: Any) -> Dropped:
    """parsel's ``drop()`` of one result in a page (``HtmlElement.drop_tree``: the element out,
    its tail joined to the text before it), and what undoes it. A text or attribute result
    raises parsel's CannotRemoveElementWithoutRoot."""
    if isinstance(node, str):
        Selector(root=node, type="html").drop()  # raises
    parent, previous = node.getparent(), node.getprevious()
    undo = Dropped(
        node,
        parent,
        parent.index(node),
        previous,
        (parent.text if previous is None else previous.tail) if node.tail else None,
    )
    node.drop_tree()
    return undo


def _restore(dropped: list[Dropped]) -> None:
    """The drops of ``_without`` undone, the last first: each element back at its place, with
    its tail, and the text its tail was joined to as it was."""
    for node, parent, index, previous, text in reversed(dropped):
        parent.insert(index, node)
        if node.tail:
            if previous is None:
                parent.text = text
            else:
                previous.tail = text


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


def _image(nodes: list[Any]) -> str | None:
    """The first image address of a selection's roots: a text or attribute result, an
    ``<img>``'s source (lazy-loading attributes, srcset), a ``<meta>``'s content."""
    for node in nodes:
        if isinstance(node, str):
            value = node
        elif node.tag == "img":
            value = image_source(node) or ""
        elif node.tag == "meta":
            value = node.get("content") or ""
        else:
            value = _string(node) or ""
        if is_image_url(value):
            return value.strip()
    return None


class Body(NamedTuple):
    """A body element's inner HTML (a ``ParsedHtml`` when its tree is kept: ``parsed_html``),
    and whether it holds text or an image."""

    html: str | ParsedHtml
    full: bool


def _body(nodes: list[Any], exclude: tuple[str, ...]) -> Body | None:
    """The inner HTML, without what ``exclude`` selects, of the first element selected that
    holds text or an image (``holds_content``), else of the first element however empty; None
    when no element is selected (text or attribute results are no body)."""
    elements = [node for node in nodes if not isinstance(node, str)]
    for element in elements:
        body, dropped = _without(element, exclude)
        try:
            if holds_content(body):
                return Body(parsed_html(body), True)
        finally:
            _restore(dropped)
    if not elements:
        return None
    body, dropped = _without(elements[0], exclude)
    try:
        return Body(parsed_html(body), False)
    finally:
        _restore(dropped)


def field_value(
    name: str, selection: list[Any], rules: ArticleRules, language: str = "en"
) -> str | None:
    """The value of seed field ``name`` in a non-empty selection (the roots of its results:
    ``crawler.seeds.select_nodes``), or None when it does not parse:

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
    text = nodes_text(selection)
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
    # What one field's query found, for another's (crawler.css.shared_select): the page is
    # the same until the body's exclusions, which are put back, and the body is read last.
    shared: dict[Any, list[Any]] = {}
    for name in SEED_FIELDS:
        query: Query | None = getattr(rules, name)
        if not query:
            continue
        outcome, empty = MISSING, None
        for one in query if isinstance(query, tuple) else (query,):
            selection = select_nodes(selector, one, shared)
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
