"""The article body of a page without body rules: readability-lxml's choice of the main text."""

from __future__ import annotations

import copy
import logging

import lxml.html
from parsel import Selector
from readability import Document

from crawler.cleaning import inner_html

# Readability narrates its own retries at INFO, once per page; a crawl log needs none of it.
logging.getLogger("readability.readability").setLevel(logging.WARNING)


def readability_body(selector: Selector, url: str | None = None) -> str | None:
    """The inner HTML of the main content readability finds in the page, or None."""
    # Readability rewrites the tree it is given: it works on a copy of the page's one parse.
    document = Document(copy.deepcopy(selector.root), url=url)
    summary = document.summary(html_partial=True)
    root = lxml.html.fragment_fromstring(summary, create_parent="div")
    if not root.text_content().strip():
        return None
    # The partial summary is one <div> around the content.
    children = list(root)
    container = children[0] if len(children) == 1 and children[0].tag == "div" else root
    return inner_html(container)
