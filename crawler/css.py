"""CSS selectors evaluated as the XPath parsel translates them to, with each test of an
attribute's value made on the attribute axis, where libxml2 evaluates it several times faster;
a seed's queries compiled once, as parsel compiles them, for extraction to evaluate on lxml
elements without a parsel Selector for each result."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lxml.etree import XPath
from parsel import css2xpath
from scrapy.http import TextResponse

if TYPE_CHECKING:
    from parsel import Selector, SelectorList

# One location step of parsel's translation: an element name or "*", and at most one test of
# one attribute: its value equal to a literal (``[id='main']``, ``#main``), or a class among
# its classes (``.story-body``). ``[a-zA-Z]`` names: what a translated HTML selector writes.
STEP = re.compile(
    r"(?P<element>\*|[a-zA-Z][\w-]*)"
    r"(?:\[(?:@(?P<name>[a-zA-Z][\w-]*) = (?P<value>'[^']*')"
    r"|@class and contains\(concat\(' ', normalize-space\(@class\), ' '\), ' (?P<class>[^'\s]+) '\)"
    r")\])?"
)
# What joins two steps (descendant, child combinators), and what may end a path (parsel's
# ::text and ::attr(name) pseudo-elements).
JOINS = ("/descendant-or-self::*/", "/")
END = re.compile(r"/text\(\)|/@[a-zA-Z][\w-]*")
PREFIX = "descendant-or-self::"
# The namespaces parsel maps in every XPath it evaluates: EXSLT's regular expressions always
# (``re:test``); its sets only in a query that names them (``set:``), which parsel then
# compiles again on every call (lxml registers their functions per evaluator).
REGEXP_NAMESPACES = {"re": "http://exslt.org/regular-expressions"}
PER_CALL_PREFIXES = ("set:",)


def _steps(xpath: str) -> list[re.Match[str]] | None:
    """The location steps of a translated CSS selector that is one path down from the context
    element: steps (``STEP``) joined by descendant and child combinators, and at most a
    ``::text`` or ``::attr(name)`` at its end; None for any other XPath."""
    if not xpath.startswith(PREFIX):
        return None
    steps, at = [], len(PREFIX)
    while True:
        step = STEP.match(xpath, at)
        if step is None:
            return None
        steps.append(step)
        at = step.end()
        if at == len(xpath) or END.fullmatch(xpath, at):
            return steps
        join = next((join for join in JOINS if xpath.startswith(join, at)), None)
        if join is None:
            return None
        at += len(join)


def on_attributes(xpath: str) -> str:
    """A translated CSS selector with each step's attribute test on the attribute axis:
    ``E[@name = 'v']`` as ``E/@name[. = 'v']/..``; ``E[@class and contains(concat(' ',
    normalize-space(@class), ' '), ' c ')]`` as ``E/@class[contains(., 'c')][contains(concat('
    ', normalize-space(.), ' '), ' c ')]/..`` (a class without whitespace is in the attribute
    as written wherever it is among the folded classes: the first test is the cheap one).
    The same elements, in the same order: libxml2 evaluates a predicate on an element for
    each element of the page (~5 µs for a hundred), one on an attribute only where the
    attribute is. Any other XPath (unions, other tests, several tests on a step, sibling
    combinators, pseudo-classes) is given back as it is."""
    steps = _steps(xpath)
    if steps is None:
        return xpath
    parts, at = [PREFIX], len(PREFIX)
    for step in steps:
        parts += [xpath[at : step.start()], _on_attribute(step)]
        at = step.end()
    return "".join(parts) + xpath[at:]


def _on_attribute(step: re.Match[str]) -> str:
    element, name, value, cls = step["element"], step["name"], step["value"], step["class"]
    if name:
        return f"{element}/@{name}[. = {value}]/.."
    if cls:
        folded = f"contains(concat(' ', normalize-space(.), ' '), ' {cls} ')"
        return f"{element}/@class[contains(., '{cls}')][{folded}]/.."
    return element


@lru_cache(maxsize=1024)
def css_xpath(query: str) -> str:
    """The XPath parsel evaluates for a CSS selector on an HTML page, its attribute tests on
    the attribute axis (``on_attributes``). Raises what parsel raises for a bad selector
    (cssselect's ``SelectorError``, a ValueError)."""
    return on_attributes(css2xpath(query))


def css(selector: Selector | SelectorList | TextResponse, query: str) -> SelectorList:
    """``selector.css(query)`` (a selector, a list of them, a response), the same results
    faster on an HTML page's selector (``css_xpath``); an XML document's is parsel's own (its
    translator differs), and so is a list's."""
    if isinstance(selector, TextResponse):
        selector = selector.selector
    if getattr(selector, "type", None) != "html":
        return selector.css(query)
    return selector.xpath(css_xpath(query))


@lru_cache(maxsize=1024)
def within_element(query: str) -> bool:
    """Whether a CSS selector selects from an element only by what is inside it: its
    translation one path of steps down from the element (``_steps``: names, one attribute test
    each, descendant and child combinators), which finds the same nodes in the element where it
    stands in its page as in a copy of the element alone. False for any selector whose nodes
    may depend on what is around the element (``:first-child``, sibling combinators...)."""
    return _steps(css2xpath(query)) is not None


@lru_cache(maxsize=1024)
def compiled(xpath: str) -> XPath | None:
    """An XPath compiled as parsel compiles it for its ``xpath()`` (the ``re:`` namespace,
    results as plain str); None for one that parsel compiles on each call (``set:``). Raises
    lxml's XPathSyntaxError for a bad one."""
    if any(prefix in xpath for prefix in PER_CALL_PREFIXES):
        return None
    return XPath(xpath, namespaces=REGEXP_NAMESPACES, smart_strings=False)


# Shapes of a translated CSS selector (``css_xpath``) that several queries of a page share a
# step of. An attribute of the elements named so (or of any element: "*") whose attribute
# ``name`` is ``value``: ``meta[property='og:image']::attr(content)``.
ATTRIBUTE_OF_NAMED = re.compile(
    r"descendant-or-self::(?P<element>\*|[a-z][\w-]*)/@(?P<name>[a-zA-Z][\w-]*)"
    r"\[\. = '(?P<value>[^']*)'\]/\.\./@(?P<attr>[a-zA-Z][\w-]*)"
)
# The elements of one class, then a path down from them: ``.byline .time::text``.
UNDER_CLASS = re.compile(
    r"(?P<prefix>descendant-or-self::\*/@class\[contains\(\., '(?P<class>[^'\s]+)'\)\]"
    r"\[contains\(concat\(' ', normalize-space\(\.\), ' '\), ' (?P=class) '\)\]/\.\.)"
    r"(?P<join>/descendant-or-self::\*/|/)(?P<rest>.+)"
)


def shared_select(root: Any, xpath: str, shared: dict[Any, list[Any]]) -> list[Any] | None:
    """``compiled(xpath)(root)``'s results for a page's root element, read from what other
    queries of the same page found (``shared``: kept by the caller while the page does not
    change, empty at first), or None when the query has none of these shapes:

    - ``ATTRIBUTE_OF_NAMED``: the page's elements of that name, found once (lxml's ``iter``:
      no XPath walk of the page for each), or of any name with that attribute (one XPath);
      then, in document order, each one's attribute ``attr`` where its ``name`` is ``value``.
      A seed's ``updated`` and ``image`` and the meta layer's queries read the same few
      ``<meta>``.
    - ``UNDER_CLASS``: the elements of the class, found once (a seed's ``date`` and
      ``author`` under one ``.byline``), and the rest of the path from each: the same nodes in
      the same order when none of them holds another (each one's results are in its own
      subtree); else None.
    """
    if match := ATTRIBUTE_OF_NAMED.fullmatch(xpath):
        element, name, value, attr = match.group("element", "name", "value", "attr")
        key = (element, name)
        if key not in shared:
            if element == "*":
                shared[key] = compiled(f"descendant-or-self::*/@{name}/..")(root)  # type: ignore[misc]
            else:
                shared[key] = list(root.iter(element))
        return [
            found
            for node in shared[key]
            if node.get(name) == value and (found := node.get(attr)) is not None
        ]
    if match := UNDER_CLASS.fullmatch(xpath):
        prefix = match["prefix"]
        if prefix not in shared:
            shared[prefix] = compiled(prefix)(root)  # type: ignore[misc]
        elements = shared[prefix]
        if len(elements) > 1 and _nested(elements):
            return None
        join, rest = match["join"], match["rest"]
        if "|" in rest:  # a union (or a literal holding "|"): not one path down
            return None
        path = compiled(f"descendant-or-self::*/{rest}" if join != "/" else rest)
        if path is None:
            return None
        return [node for element in elements for node in path(element)]  # type: ignore[union-attr]
    return None


def _nested(elements: list[Any]) -> bool:
    """Whether one of the elements is inside another."""
    among = set(elements)
    return any(parent in among for element in elements for parent in element.iterancestors())
