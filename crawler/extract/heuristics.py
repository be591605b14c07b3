"""Article fields guessed from the page's structure when neither seed nor metadata gives them."""

from __future__ import annotations

from collections import Counter

from parsel import Selector

from crawler.cleaning import inner_html
from crawler.extract.rules import selection_text

# Elements whose text is never article text.
NOISE = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form"}


def heuristic_title(selector: Selector) -> str | None:
    return selection_text(selector.css("h1")[:1]) or selection_text(selector.css("title")[:1])


def heuristic_body(selector: Selector) -> str | None:
    """The element holding the most paragraph text in its direct <p> children."""
    scores: Counter = Counter()
    for paragraph in selector.root.iter("p"):
        parent = paragraph.getparent()
        if parent is None or any(a.tag in NOISE for a in parent.iterancestors()):
            continue
        scores[parent] += len(paragraph.text_content().strip())
    if not scores:
        return None
    best, score = scores.most_common(1)[0]
    if score == 0:
        return None
    return inner_html(best)
