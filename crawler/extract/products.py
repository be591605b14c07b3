"""A product's description, from the schema.org Product a page declares (microdata, else
JSON-LD), for the body of a product page whose text lacks it: main-text extractors take the
reviews or the shop's boxes around a product's description, whose short lines of facts
("Aroma: Rote Beeren, Zitrusnoten") they drop as boilerplate."""

from __future__ import annotations

from html import escape
from typing import Any

import lxml.etree
from parsel import Selector

from crawler.cleaning import element_text, fold_spaces
from crawler.extract.metadata import jsonld_objects, jsonld_text

# The page's descriptions in microdata and its JSON-LD blocks naming a Product, in one query
# (the itemprops on the attribute axis, as recipes.RECIPE_NODES): product_description cost
# 286 µs a page on 400 corpus pages (load 2.1), as much as recipes.recipe_parts.
PRODUCT_NODES = lxml.etree.XPath(
    "//@itemprop[. = 'description']/.."
    " | //script[@type='application/ld+json'][contains(., 'Product')]"
)
# A description's item: the nearest item around it.
ITEM_TYPE = lxml.etree.XPath("string(ancestor::*[@itemscope][1]/@itemtype)")
# The body holds the description when it holds its first PROBE characters (as
# crawler.extract.body.LEAD_PROBE finds a standfirst).
PROBE = 30


def _is_product(types: Any) -> bool:
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1] == "Product" for t in types)


def product_description(selector: Selector) -> str:
    """The description of the page's product, spaces folded: the microdata description of
    an item typed Product (the text the page shows), else its first JSON-LD Product's
    (entities decoded, tags removed); empty on a page that declares none."""
    nodes = PRODUCT_NODES(selector.root)
    for node in nodes:
        if (
            node.tag != "script"
            and _is_product(ITEM_TYPE(node).split())
            and (text := element_text(node))
        ):
            return text
    if any(node.tag == "script" for node in nodes):
        for obj in jsonld_objects(selector):
            value = obj.get("description")
            if not _is_product(obj.get("@type")) or not isinstance(value, str):
                continue
            if text := jsonld_text(value):
                return text
    return ""


def with_product(selector: Selector, html: str | None, text: str) -> str | None:
    """The body HTML (its text ``text``) followed by the page's product description
    (``product_description``) as a paragraph, when the body lacks its first PROBE
    characters; else the body as it is. The description is escaped: a JSON-LD text is the
    page's, as untrusted as the rest of it.

    Measured on trafilatura's benchmark (bench/extraction.py): F A 0.9396 -> 0.9409,
    B 0.9286 -> 0.9294; the news bodies (aeb, cwced, gne) unchanged."""
    if not html:
        return html
    description = product_description(selector)
    if not description or description[:PROBE].casefold() in fold_spaces(text).casefold():
        return html
    return f"{html}<p>{escape(description)}</p>"
