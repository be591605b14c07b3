"""Article fields read with a seed's own [article] selectors."""

from __future__ import annotations

import copy

from parsel import Selector, SelectorList

from crawler.cleaning import inner_html
from crawler.seeds import ArticleRules, select


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
    if exclude:
        element = Selector(root=copy.deepcopy(element.root), type="html")
        for query in exclude:
            select(element, query).drop()
    return inner_html(element.root)


def seed_fields(selector: Selector, rules: ArticleRules) -> dict[str, str]:
    """Every field the seed has a selector for and the page answers."""
    found = {}
    for name in ("title", "date", "updated", "author", "image"):
        query = getattr(rules, name)
        if query:
            value = selection_text(select(selector, query))
            if value:
                found[name] = value
    if rules.body:
        element = select(selector, rules.body)
        if element and not isinstance(element[0].root, str):
            found["body"] = selection_html(element[0], rules.exclude)
    return found
