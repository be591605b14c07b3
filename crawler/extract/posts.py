"""Pages that hold several posts, each signed with its date (a blog's archive page, a forum
thread): the article is the first post, not all of them and not the longest."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

import lxml.html

from crawler.cleaning import ELEMENT_STRING, element_text, fold_spaces
from crawler.extract.dates import find_dates

# Elements that may wrap one post's text.
POST_TAGS = ("div", "td", "article", "section", "li", "dd", "blockquote")
POST_MIN_TEXT = 50
# How far after one post its signature, or the next post's dateline, is looked for.
BETWEEN_POSTS = 300
# Share of the extractor's text the posts must hold for the page to count as a list of posts.
POSTS_SHARE = 0.5
SNIPPET = 40
# Text allowed before the first post in what the extractor chose: a title and a date.
MAX_PREAMBLE = 200


def _dated_gap(post: lxml.html.HtmlElement, following: lxml.html.HtmlElement) -> bool:
    """Whether a date is written between one post and the next."""
    gap = fold_spaces(" ".join(post.xpath("following::text()[position() <= 60]")))[:BETWEEN_POSTS]
    start = element_text(following)[:SNIPPET]
    if start in gap:
        gap = gap[: gap.index(start)]
    return bool(find_dates(gap, ("numeric",)))


def text_reaches(element: lxml.html.HtmlElement, size: int) -> bool:
    """Whether an element's text (``element_text``) is at least ``size`` characters long, its
    whitespace folded only as far as needed: the folded opening of a text is never longer than
    the whole folded text."""
    text = ELEMENT_STRING(element)
    if len(text) < size:
        return False
    if len(fold_spaces(text[: 4 * size])) >= size:
        return True
    return len(text) > 4 * size and len(fold_spaces(text)) >= size


def repeated_posts(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The largest run of same-kind elements (same tag and class), none inside another,
    each with text and a date written between each and the next, in page order."""
    groups: dict[tuple[str, str], list[lxml.html.HtmlElement]] = defaultdict(list)
    for element in root.iter(*POST_TAGS):
        kind = " ".join((element.get("class") or "").split())
        if kind and text_reaches(element, POST_MIN_TEXT):
            groups[(element.tag, kind)].append(element)
    best: list[lxml.html.HtmlElement] = []
    best_size = 0
    for members in groups.values():
        kin = set(members)
        if len(members) < 2 or any(a in kin for m in members for a in m.iterancestors()):
            continue
        if not all(_dated_gap(a, b) for a, b in pairwise(members)):
            continue
        size = sum(len(element_text(member)) for member in members)
        if size > best_size:
            best, best_size = members, size
    return best


def first_post(root: lxml.html.HtmlElement, chosen_text: str) -> lxml.html.HtmlElement | None:
    """The first post of the page when the text an extractor chose is mostly posts: several
    of them, or one that is not the first. None for a page of one article."""
    chosen = fold_spaces(chosen_text)
    posts = repeated_posts(root)
    if not posts or not chosen:
        return None
    inside = [i for i, post in enumerate(posts) if element_text(post)[:SNIPPET] in chosen]
    if not inside or inside == [0]:
        return None
    share = sum(len(element_text(posts[i])) for i in inside) / len(chosen)
    preamble = chosen.index(element_text(posts[inside[0]])[:SNIPPET])
    # An article followed by its comments is one article, however long the comments.
    if share < POSTS_SHARE or preamble > MAX_PREAMBLE:
        return None
    return posts[0]
