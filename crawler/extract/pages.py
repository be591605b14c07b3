"""Articles split over several pages: the link to an article's next page, and the pages' bodies
joined into one article."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import lxml.html
from lxml.etree import ParserError, XPath

from crawler.cleaning import element_text, inner_html
from crawler.seeds import select
from crawler.urls import join_url

if TYPE_CHECKING:
    from scrapy.http import TextResponse

    from crawler.items import Article
    from crawler.seeds import ArticleRules

# Links that say "next page" in a pager: rel=next, or their text. The anchors' test is on
# their rel attributes (``//a/@rel[...]/..``), the same anchors as ``//a[...]`` found several
# times faster: libxml2 evaluates a predicate on an element for each of a page's ~100 anchors,
# one on an attribute only for the few that have it. (The <link rel="next"> of a page's few
# <link> elements: ``_next_links``.)
NEXT_ANCHORS = XPath(
    "//a/@rel[contains(concat(' ', normalize-space(.), ' '), ' next ')]/../@href",
    smart_strings=False,
)
NEXT_TEXT = re.compile(
    r"^\s*(?:下一页|下页|下一頁|next(?: page)?|nächste seite|weiter|page suivante|siguiente)"
    r"\s*[>»›→]*\s*$",
    re.I,
)
# How a text that NEXT_TEXT matches can begin: the first letters of its words, under the same
# re.I (which also gives "ſ" for "s"). An anchor whose own leading text begins otherwise
# cannot be a "next page" link, and its whole text is not read.
NEXT_START = re.compile(r"\s*[下nwps]", re.I)
# A pager line: "Page 1 of 2 · 2 · Next page »", "上一页 1 2 3 下一页", "【1】【2】".
# The words one of which a link's text holds when NEXT_TEXT matches it (whitespace folding
# keeps a word whole), as lower() writes them: re.I reads no other character as one of their
# letters, but for these three, which lower() does not make the letter ("İ" -> "i̇").
NEXT_WORDS = ("下一页", "下页", "下一頁", "next", "nächste", "weiter", "suivante", "siguiente")
OTHER_CASES = ("İ", "ı", "ſ")
# The text inside the page's links that have an address, as plain strings (no element made
# for Python), in document order: each link's text is one run of it.
LINK_TEXTS = XPath("//a/@href[. != '']/..//text()", smart_strings=False)
PAGER_LINE = re.compile(
    r"^(?:page \d+ of \d+|seite \d+ von \d+|第\s*\d+\s*页|共\s*\d+\s*页)"
    r"|(?:next|previous|prev) page|上一页|下一页|^(?:[«‹<]?\s*\d+\s*[»›>]?\s*)+$",
    re.I,
)
PAGER_LENGTH = 80
# Page numbers that end an address: story_2.html, story-2.html, story/2/, story/page/2.
# (Not /a/2.html after /a/1.html: those are two articles.)
PAGE_SUFFIX = re.compile(r"[_-](?P<n>\d{1,3})(?:\.\w+)?$|/(?:page/)?(?P<m>\d{1,3})/?$")
PAGE_PARAMS = ("page", "p", "pg", "pagina", "seite")


def _page_of(url: str) -> tuple[str, str, int]:
    """An address as (host, the address without its page number, the page number: 1 if none)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    number = next((int(query.pop(n)) for n in PAGE_PARAMS if query.get(n, "").isdigit()), None)
    match = PAGE_SUFFIX.search(parts.path) if number is None else None
    if match:
        stem, number = parts.path[: match.start()], int(match["n"] or match["m"])
    else:
        stem = re.sub(r"(?:/|\.\w+)$", "", parts.path)
    return parts.netloc, f"{stem}?{sorted(query.items())}", number or 1


def continues(url: str, candidate: str) -> bool:
    """Whether ``candidate`` is a later page of the same article as ``url``: the same address
    but for a greater page number (``?page=2``, ``_2.html``, ``-2.html``, ``/2/``,
    ``/page/2``), so that a "next article" link is never taken for a next page."""
    host, stem, number = _page_of(url)
    other_host, other_stem, other_number = _page_of(candidate)
    return (host, stem) == (other_host, other_stem) and other_number > number


def may_say_next(anchor: lxml.html.HtmlElement) -> bool:
    """False when an anchor's text cannot match NEXT_TEXT, judged from its own first text
    alone (cheap beside the string value of the whole element, on the ~100 links of a page):
    that text, when it holds more than whitespace, begins the element's folded text."""
    text = anchor.text
    return not text or text.isspace() or NEXT_START.match(text) is not None


def _next_links(root: lxml.html.HtmlElement) -> list[str]:
    """``//link[@rel='next']/@href``: the address of each ``<link rel="next">`` that has one,
    in document order, from lxml's iter() over the page's <link> elements."""
    return [
        href
        for link in root.iter("link")
        if link.get("rel") == "next" and (href := link.get("href")) is not None
    ]


def may_name_next(root: lxml.html.HtmlElement) -> bool:
    """False when no link of the page can read "next page" (NEXT_TEXT): none of NEXT_WORDS is
    in the text of its links taken together, in any case. The pre-check that spares the
    Python walk over every link of a page without a pager; a page where the words are
    somewhere in its links' text is walked as before."""
    text = "".join(LINK_TEXTS(root))
    if any(other in text for other in OTHER_CASES):
        return True
    text = text.lower()
    return any(word in text for word in NEXT_WORDS)


def next_page(response: TextResponse, rules: ArticleRules, base_url: str) -> str | None:
    """The absolute URL of the article's next page, or None.

    What the seed's ``[article] next`` selector finds is taken as it is; failing it, a
    ``rel=next`` link or a pager link reading "下一页" / "Next page" / "Next »", and only when
    its address continues the page's own (see ``continues``).
    """
    if rules.next:
        found = select(response.selector, rules.next).get()
        if found and found.strip():
            return join_url(base_url, found)
    root = response.selector.root
    candidates = _next_links(root) + NEXT_ANCHORS(root)
    if may_name_next(root):
        candidates += [
            anchor.attrib["href"]
            for anchor in root.iter("a")
            if anchor.get("href") and may_say_next(anchor) and NEXT_TEXT.match(element_text(anchor))
        ]
    for href in candidates:
        url = join_url(base_url, href) or ""
        if url.startswith(("http://", "https://")) and continues(response.url, url):
            return url
    return None


def without_pager(body_html: str) -> str:
    """A cleaned body without its pager lines ("Page 1 of 2 · 2 · Next page »")."""
    try:
        root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    except ParserError:
        return body_html
    for element in list(root.iter("p", "div", "nav", "ul", "ol", "span", "td")):
        if element.getparent() is None:
            continue
        text = element_text(element)
        if text and len(text) <= PAGER_LENGTH and PAGER_LINE.search(text):
            element.drop_tree()
    return inner_html(root).strip()


def join_pages(first: Article, later: Article) -> Article:
    """The article of ``first`` with ``later``'s body, text and images following its own."""
    body = without_pager(first.body_html or "") + "\n" + without_pager(later.body_html or "")
    text_lines = [
        line
        for line in f"{first.text or ''}\n{later.text or ''}".split("\n")
        if line and not (len(line) <= PAGER_LENGTH and PAGER_LINE.search(line))
    ]
    return replace(
        first,
        body_html=body.strip(),
        text="\n".join(text_lines),
        image_urls=list(dict.fromkeys(first.image_urls + later.image_urls)),
    )
