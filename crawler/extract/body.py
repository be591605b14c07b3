"""The article body of a page without body rules: readability-lxml's choice of the main text,
corrected where it is known to go wrong (a page of several posts, a table taken without the
text around it) and rid of the page furniture at its edges."""

from __future__ import annotations

import copy
import logging
import re
from html import escape
from itertools import islice

import lxml.etree
import lxml.html
import trafilatura
from lxml.etree import ParserError
from parsel import Selector
from readability.readability import Unparseable

from crawler.cleaning import (
    CJK,
    element_text,
    fold_spaces,
    has_text,
    html_text,
    image_source,
    inner_html,
    noscript_images,
)
from crawler.extract.noise import drop_furniture, drop_teasers, trim_edges
from crawler.extract.posts import first_post
from crawler.extract.products import with_product
from crawler.extract.readable import Document
from crawler.extract.recipes import with_recipe

logger = logging.getLogger(__name__)
# Readability narrates its own retries at INFO, once per page; a crawl log needs none of it.
logging.getLogger("readability.readability").setLevel(logging.WARNING)

# A table of data (no cell holds this share of its text) chosen as the body is widened to its
# parent when the parent's other children hold at least this much text, little of it in links.
MAX_CELL_SHARE = 0.3
TABLE_SIBLING_TEXT = 100
MAX_LINK_SHARE = 0.3
# A body of fewer words than this is checked against trafilatura's, which replaces it when it
# holds FALLBACK_RATIO times its text (main_body).
SHORT_BODY = 150
FALLBACK_RATIO = 5
# A body of this many headings or more (a guide, a wiki page, a long feature in sections) is
# trafilatura's when it finds one (main_body).
MANY_HEADINGS = 7
HEADINGS = lxml.etree.XPath("count(.//h1|.//h2|.//h3|.//h4|.//h5|.//h6)")
WORD = re.compile(CJK.pattern + r"|[^\W_]+")
CJK_RUN = re.compile(CJK.pattern + "+")
# trafilatura's body replaces readability's that it holds (this share of readability's runs of
# SHINGLE words found in it) when it has LARGER_RATIO times its text, on a page whose text is
# not mostly CJK (CJK_SHARE of its characters): readability then chose a part of the article.
SHINGLE = 4
HELD_SHARE = 0.9
LARGER_RATIO = 2
CJK_SHARE = 0.2
# The page's own summary of the article, which a standfirst (the lead printed under the headline,
# outside the block of paragraphs both extractors choose) repeats: meta descriptions of
# LEAD_WORDS words or more. A body holding a description's first LEAD_PROBE characters has
# its standfirst; else the longest word of those finds the text nodes it may start in, and an
# element whose text opens with the description and holds at most LEAD_SPAN times its text
# (any length when the description ends cut short, with an ellipsis) is the standfirst.
DESCRIPTIONS = lxml.etree.XPath(
    "//meta[@name='description' or @property='og:description' or @name='twitter:description'"
    " or @property='twitter:description']/@content"
)
TEXT_WITH = lxml.etree.XPath(
    "//body//text()[contains(., $probe) and not(ancestor::script or ancestor::style"
    " or ancestor::noscript or ancestor::template)]"
)
# A description written as a heading is the headline's matter (a subheadline, a dek), which
# news bodies leave out, not a standfirst.
HEADING_MATTER = lxml.etree.XPath(
    "boolean(ancestor-or-self::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5"
    " or self::h6])"
)
LEAD_WORDS = 10
LEAD_PROBE = 30
LEAD_SPAN = 1.3
ELLIPSIS = ".…· "
# readability scores only paragraphs of 25 characters or more (its min_text_length), some five
# English words; a CJK character is a word by itself (the news benchmark's tokens), so on a page
# whose <title> is mostly CJK (a cheap sign of the page's language: reading the page's whole
# text for it cost 5 ms a page) a paragraph counts from CJK_MIN_TEXT characters, as many words.
# With 25, an article of one short sentence a paragraph lost to a box of four longer teasers
# beside it (tests/test_extract_zh_portal.py); on the news pages of bench/extraction.py every
# value from 6 to 20 gave the same figures on both halves (cwced, gne).
CJK_MIN_TEXT = 10
# The page's text that trafilatura may keep: outside scripts and styles, the page's navigation,
# header, footer, asides and forms, and the links of lists and menus, which it drops as
# boilerplate. On the corpus every page where the LARGER_RATIO rule chose trafilatura held
# that much text there, and the test spares its run on four pages of five of the others.
PAGE_TEXT = lxml.etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::nav or ancestor::header or ancestor::footer or ancestor::aside"
    " or ancestor::form or ancestor::select or ancestor::button"
    " or ancestor::a[ancestor::li or ancestor::nav])]"
)


# What the page does not show its reader: the hidden attribute, aria-hidden="true" (hidden
# from screen readers too: a copy of a block for another layout, a carousel's clones) and
# display: none or visibility: hidden in a style attribute. readability-lxml drops all but
# aria-hidden, trafilatura all but the hidden attribute; dropped from the page before either
# reads it (drop_hidden), trafilatura's benchmark F (bench/extraction.py) measured A 0.9348 ->
# 0.9348 (no page of half A changed), B 0.9185 -> 0.9236, the news bodies unchanged.
# Tested on the attribute axis (a union, in document order): libxml2 then looks at the
# attributes there are rather than testing each element (2.5x faster on the corpus's pages).
HIDDEN = lxml.etree.XPath(
    "//body//@hidden/.. | //body//@aria-hidden[. = 'true']/.. | //body//@style["
    "contains(translate(., ' ', ''), 'display:none')"
    " or contains(translate(., ' ', ''), 'visibility:hidden')]/.."
)


def drop_hidden(page: lxml.html.HtmlElement) -> None:
    """Remove, in place, the elements of a page (a copy) that it hides from its reader
    (HIDDEN), their tails kept."""
    for element in HIDDEN(page):
        if element.getparent() is not None:
            element.drop_tree()


def _link_share(element: lxml.html.HtmlElement) -> float:
    text = len(element_text(element)) or 1
    return sum(len(element_text(a)) for a in element.iter("a")) / text


def _data_table(page: lxml.html.HtmlElement, text: str) -> lxml.html.HtmlElement | None:
    """The page's table whose text is the text readability chose, if it is a table of data
    rather than the layout table of a page."""
    for table in page.iter("table"):
        if element_text(table) == text:
            cells = [len(element_text(cell)) for cell in table.iter("td", "th")]
            largest = max(cells, default=len(text))
            return table if largest < MAX_CELL_SHARE * len(text) else None
    return None


def _widened_table(page: lxml.html.HtmlElement, text: str) -> lxml.html.HtmlElement | None:
    """The parent of a chosen table when its other children hold the article's text too
    (the table of figures of a notice, with the notice above it)."""
    table = _data_table(page, text)
    parent = table.getparent() if table is not None else None
    if parent is None:
        return None
    others = [child for child in parent if child is not table and isinstance(child.tag, str)]
    prose = [c for c in others if _link_share(c) <= MAX_LINK_SHARE]
    if sum(len(element_text(c)) for c in prose) < TABLE_SIBLING_TEXT:
        return None
    return parent


def readable_copy(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy of the page for readability, which rewrites the tree it is given, with what it
    misreads put right: text written in <section>s (WeChat articles) it does not read as
    paragraphs, so they become <div>s; a quote whose class names it a tweet
    ("twitter-tweet") it throws away as page furniture, but an embedded post the article
    quotes is part of its text, so quotes lose their class and id. Its cleaner rewrites
    addresses after a document-relative <base href> ("../v3/") into wrong relative ones, so
    the copy has no <base>: addresses stay as written, for clean_body to resolve against the
    document's base URL. An image given only by a srcset or a <picture>'s <source>s, which
    it drops, gets its src first; so does one whose address is only in the <noscript> beside
    it, which it removes (noscript_images). What the page hides from its reader is not in
    the copy (drop_hidden)."""
    page = copy.deepcopy(root)
    for base in page.iter("base"):
        base.drop_tree()
    noscript_images(page)
    for img in page.iter("img"):
        if not (img.get("src") or "").strip() and (source := image_source(img)):
            img.set("src", source)
    drop_hidden(page)
    for section in page.iter("section"):
        section.tag = "div"
    for quote in page.iter("blockquote"):
        quote.attrib.pop("class", None)
        quote.attrib.pop("id", None)
    return page


def words(text: str) -> int:
    """How many words a text holds, a CJK character counting as one (the
    article-extraction-benchmark's tokens)."""
    return len(WORD.findall(text))


def has_words(text: str, count: int) -> bool:
    """Whether a text holds at least ``count`` words (as ``words`` counts them), read only as
    far as the ``count``-th."""
    return count <= 0 or next(islice(WORD.finditer(text), count - 1, None), None) is not None


def trafilatura_body(
    root: lxml.html.HtmlElement, title: str | None, url: str | None = None
) -> str | None:
    """The inner HTML of the main text trafilatura finds in the page (its paragraphs, headings,
    lists, tables, quotes, images and links), its edges trimmed and its teasers dropped as
    readability's are (``url``, the page's address, tells the site's own links), or None."""
    # trafilatura prunes the tree it is given.
    page = copy.deepcopy(root)
    drop_hidden(page)
    extracted = trafilatura.extract(
        page,
        output_format="html",
        include_tables=True,
        include_images=True,
        include_links=True,
        include_formatting=True,
        with_metadata=False,
    )
    if not extracted:
        return None
    body = lxml.html.fromstring(extracted).find("body")
    if body is None:
        return None
    trim_edges(body, title)
    drop_teasers(body, url)
    return inner_html(body)


def main_body(selector: Selector, url: str | None = None) -> tuple[str | None, str]:
    """The page's body HTML and the extractor that chose it: readability's (corrected, below),
    or trafilatura's where readability's is known to go wrong. Measured on trafilatura's
    benchmark (traf pages, tuned on half A, checked on half B) with the news bodies (aeb,
    cwced) unchanged or better:

    - readability's holds fewer than SHORT_BODY words and trafilatura finds at least
      FALLBACK_RATIO times its text: readability took a box beside the article (a newsletter
      form, a teaser, a forum's breadcrumbs); F 0.885 -> 0.908;
    - readability's holds MANY_HEADINGS headings or more and trafilatura finds a body: on a
      page in many sections readability keeps the headed boxes around them (newsletter,
      comments, "related"); F A 0.911 -> 0.918, B 0.899 -> 0.904;
    - trafilatura's holds readability's (``_holds``) and LARGER_RATIO times its text, on a page
      not mostly CJK: readability chose one part of the article (its second half under a
      heading, the text beside a fact box); F A +0.004, B +0.006 (on Chinese pages
      trafilatura's bodies lost cwced F 0.03-0.06). With the three, A 0.911 -> 0.922,
      B 0.899 -> 0.911; news bodies aeb A 0.9716 -> 0.9726, B 0.9856 -> 0.9857;
    - else readability's.

    Either opens with the page's standfirst when it lacks it (``with_standfirst``) and ends
    with the page's recipe (``recipes.with_recipe``) and its product's description
    (``products.with_product``) when it lacks them.

    trafilatura runs only on those short or sectioned bodies and on pages holding twice
    readability's text (``_may_hold_more``); it costs about as much as readability.

    ``url`` is the page's address: a link on its host (or a relative one) is the site's own,
    which tells a teaser line (``noise.teaser_line``) from a link to a source or a shop."""
    html = readability_body(selector, url)
    if html is None and not has_text(selector.root):
        # No text at all (an empty file): nothing for trafilatura either, which would log
        # "discarding data: None".
        return None, "readability"
    text = html_text(html)
    short = not has_words(text, SHORT_BODY)
    sectioned = not short and _headings(html) >= MANY_HEADINGS
    partial = _may_hold_more(selector.root, text)
    if short or sectioned or partial:
        other = trafilatura_body(selector.root, selector.css("title::text").get(), url)
        found = html_text(other)
        if found and (
            (short and len(found) >= FALLBACK_RATIO * len(text))
            or sectioned
            or (
                partial
                and not _mostly_cjk(found)
                and len(found) >= LARGER_RATIO * len(text)
                and _holds(found, text)
            )
        ):
            return _completed(selector, other, found), "trafilatura"
    return _completed(selector, html, text), "readability"


def _completed(selector: Selector, html: str | None, text: str) -> str | None:
    """The chosen body with what both extractors leave out of it: the page's standfirst
    (``with_standfirst``), its recipe (``recipes.with_recipe``) and its product's
    description (``products.with_product``)."""
    html = with_recipe(selector, with_standfirst(selector.root, html, text), text)
    return with_product(selector, html, text)


def standfirst(page: lxml.html.HtmlElement, text: str) -> str | None:
    """The text of the article's standfirst when the body (its text ``text``) lacks it: the
    element of the page whose text is one of the page's meta descriptions (DESCRIPTIONS: the
    lead under a headline, printed apart from the paragraphs both readability and
    trafilatura choose), or None. Found from the text node where the description starts,
    widened to the first ancestor holding all of it."""
    descriptions = []
    for content in DESCRIPTIONS(page):
        whole = fold_spaces(content)
        description = whole.rstrip(ELLIPSIS)
        if has_words(description, LEAD_WORDS):
            if description[:LEAD_PROBE] in text:
                return None
            cut = whole.endswith(("…", "..."))
            descriptions.append((description, None if cut else LEAD_SPAN * len(description)))
    for description, longest in descriptions:
        # Spaces in the page's text may be other whitespace: its longest word finds it.
        probe = max(description[:LEAD_PROBE].split(), key=len)
        for node in TEXT_WITH(page, probe=probe):
            # A tail's parent is the element before it (a comment, a <br>).
            element = node.getparent().getparent() if node.is_tail else node.getparent()
            while element is not None and len(element_text(element)) < len(description):
                element = element.getparent()
            if element is None:
                continue
            if HEADING_MATTER(element):
                continue
            lead = element_text(element)
            if lead.startswith(description) and (longest is None or len(lead) <= longest):
                return lead
    return None


def with_standfirst(page: lxml.html.HtmlElement, html: str | None, text: str) -> str | None:
    """The body HTML with the page's standfirst (``standfirst``) as its first paragraph, when
    it has one the body lacks. Measured on trafilatura's benchmark: F A 0.922 -> 0.934,
    B 0.911 -> 0.917; taking a description printed as a heading too measured A 0.933,
    B 0.919, but lost news bodies (aeb B 0.986 -> 0.983), whose golds leave subheadlines out;
    leaving out one inside a <header> as well measured A 0.933, B 0.914."""
    if not html:
        return html
    lead = standfirst(page, text)
    return f"<p>{escape(lead)}</p>{html}" if lead else html


def _shingles(text: str) -> set[tuple[str, ...]]:
    tokens = WORD.findall(text.casefold())
    return {tuple(tokens[at : at + SHINGLE]) for at in range(len(tokens) - SHINGLE + 1)}


def _holds(larger: str, text: str) -> bool:
    """The larger text holds the text: HELD_SHARE of its runs of SHINGLE words are in it."""
    runs = _shingles(text)
    return bool(runs) and len(runs & _shingles(larger)) >= HELD_SHARE * len(runs)


def _may_hold_more(page: lxml.html.HtmlElement, text: str) -> bool:
    """Whether trafilatura may find a body holding LARGER_RATIO times readability's text: the
    text is not mostly CJK (trafilatura's bodies of Chinese pages measured worse) and the
    page holds that much text where trafilatura may find it (PAGE_TEXT). The test that spares
    trafilatura's run on most pages."""
    if not text or _mostly_cjk(text):
        return False
    return len(fold_spaces(" ".join(PAGE_TEXT(page)))) >= LARGER_RATIO * len(text)


def _mostly_cjk(text: str) -> bool:
    """CJK_SHARE or more of the text's characters are Chinese, Japanese or Korean: counted by
    runs, and only until there are enough."""
    enough = CJK_SHARE * len(text)
    if enough <= 0 or text.isascii():
        return enough <= 0
    count = 0
    for run in CJK_RUN.finditer(text):
        count += run.end() - run.start()
        if count >= enough:
            return True
    return False


def _headings(html: str | None) -> int:
    try:
        return int(HEADINGS(lxml.html.fragment_fromstring(html or "", create_parent="div")))
    except ParserError:
        return 0


def readability_body(selector: Selector, url: str | None = None) -> str | None:
    """The inner HTML of the main content readability finds in the page, or None (a page
    without text, or one readability cannot read: logged, never raised).

    On a page whose <title> is mostly CJK, readability counts paragraphs from CJK_MIN_TEXT
    characters rather than its 25: see CJK_MIN_TEXT. ``url``, the page's address, tells the
    site's own links from others' (``noise.drop_teasers``)."""
    if not has_text(selector.root):
        return None
    # Links are left relative (clean_body makes them absolute): rewriting them all costs
    # readability a third of its time.
    page = selector.root
    cjk = _mostly_cjk(fold_spaces(" ".join(selector.css("title::text").getall())))
    options = {"min_text_length": CJK_MIN_TEXT} if cjk else {}
    try:
        summary = Document(readable_copy(page), **options).summary(html_partial=True)
        root = lxml.html.fragment_fromstring(summary, create_parent="div")
    except (Unparseable, ParserError, ValueError) as exc:
        logger.warning("No body: readability could not read the page (%r)", exc)
        return None
    text = element_text(root)
    if not text:
        return None
    # The partial summary is one <div> around the content.
    children = list(root)
    container = children[0] if len(children) == 1 and children[0].tag == "div" else root
    better = first_post(selector.root, text)
    if better is None:
        better = _widened_table(selector.root, text)
    if better is not None:
        container = copy.deepcopy(better)
    drop_furniture(container)
    trim_edges(container, selector.css("title::text").get())
    drop_teasers(container, url)
    return inner_html(container)
