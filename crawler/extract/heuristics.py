"""Article fields guessed from the page's text and structure when neither the seed nor the page's
metadata gives them: the title from <h1>/<title>, the date and author from the text by it.

The patterns themselves live in ``dates`` and ``authors``; this module knows where to look."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import NamedTuple

from lxml.etree import XPath
from lxml.html import HtmlElement
from parsel import Selector

from crawler.cleaning import element_text, fold_spaces, html_text
from crawler.extract.authors import author_in_text, names_in_byline
from crawler.extract.dates import DateText, find_dates
from crawler.extract.metadata import site_names
from crawler.extract.rules import selection_text

# Between a headline and a site or column name in <title> and og:title: "_", "|" and their
# full-width forms "＿", "｜", the stroke "丨" of Chinese titles ("标题丨新京报"), a spaced dash or
# bullet, the last run of hyphens ("标题--某网"), the last bare hyphen (or full-width "－") unless
# a word or number goes on through it ("新闻-某网" but not "9-4" or "well-being"), and a last
# single em dash between Chinese words ("标题—新华网"; a doubled "——" is Chinese punctuation, the
# dash of a subtitle).
TITLE_SEPARATOR = re.compile(
    r"\s*(?:_|＿|\||｜|丨|\s[-–—·•»]\s|\s::\s|-{2,}(?=[^-]+$)"
    r"|-(?<![0-9A-Za-z]-)(?=[^-]+$)|-(?![0-9A-Za-z])(?=[^-]+$)"
    r"|－(?=[^－]+$)|(?<=[\u4e00-\u9fff])(?<!—)—(?!—)(?=[\u4e00-\u9fff][^—]*$))\s*"
)
# How much text after the headline is read for its date and author.
BYLINE_WINDOW = 400
# Characters that find the body's start in the text after the headline, and how much of the
# body's opening the byline may still include.
BODY_OPENING = 6
BODY_LINES = 100
# Without a headline, the text right before the body is read as its byline; a date written
# right above the headline (a paper's issue date) is read when none follows it.
BEFORE_BODY = 120
BEFORE_HEADLINE = 40
# How much text around the body's end is read for a date signed after a post.
TAIL_WINDOW = 120
SIGNATURE_REACH = 40
# Date forms read in a byline: numeric, slashed, English worded, asctime, Chinese numerals.
BYLINE_DATES = ("numeric", "slashed", "worded", "asctime", "zh_numerals")
# A label that says the date after it is a later change's.
UPDATE_LABEL = re.compile(
    r"(?:updated|modified|mis à jour|modifié|aktualisiert|geändert|actualizado|aggiornato"
    r"|bijgewerkt|更新)\W*(?:\w+\W+){0,2}$",
    re.I,
)
# How many characters besides a date written in the page's language its text nodes may hold.
LOCAL_CONTEXT = 40
TEXT_AFTER = "following::text()[not(ancestor::script) and not(ancestor::style)]"
TEXT_BEFORE = "preceding::text()[not(ancestor::script) and not(ancestor::style)]"
PAGE_TEXT = "//body//text()[not(ancestor::script) and not(ancestor::style)]"
PAGE_TEXT_NODES = XPath(PAGE_TEXT)
# An element's place in document order among the page's elements (how many come before it),
# and how many come before the node after it.
ELEMENTS_BEFORE = XPath("count(preceding::*) + count(ancestor::*)")
ELEMENTS_THROUGH = XPath("count(preceding::*) + count(ancestor::*) + count(descendant-or-self::*)")
ELEMENTS_INTO = XPath("count(preceding::*) + count(ancestor-or-self::*)")
# Elements that may hold a headline: any in the body with text of its own, links aside.
HEADLINE_CANDIDATES = (
    "//body//*[not(self::script or self::style or self::a or self::option)]"
    "[normalize-space(text())]"
)
# A heading shorter than this share of the <title>'s headline is the site's name, not it; a
# <title>'s headline is at least this share of the <title>.
HEADLINE_SHARE = 0.4
HYPHENS = ("-", "－")


def strip_site_name(title: str, declared: tuple[str, ...] = ()) -> str:
    """A <title> without the site or column name that follows the headline, nor a name the
    page declares for its site (``declared``, title keys) that precedes it ("某网 - 标题")."""
    parts = TITLE_SEPARATOR.split(title, maxsplit=1)
    if len(parts) == 2 and parts[1].strip() and title_key(parts[0]) in declared:
        return strip_site_name(parts[1].strip(), declared)
    head = parts[0].strip()
    if len(head) < HEADLINE_SHARE * len(title):
        return title
    # Only the last bare hyphen separates, so a column name between two is left ("标题-国内新闻-
    # 某网"): it goes too when what stays is still the headline's share of the whole.
    last, inner = TITLE_SEPARATOR.search(title), TITLE_SEPARATOR.search(head)
    if last and inner and last.group().strip() in HYPHENS and inner.group().strip() in HYPHENS:
        shorter = head[: inner.start()].strip()
        if len(shorter) >= HEADLINE_SHARE * len(title):
            return shorter
    return head


# Forms of one character that titles and headings of a page write differently.
TITLE_FORMS = str.maketrans("–—‘’“”", "--''\"\"")


def title_key(text: str | None) -> str:
    """A title's text as compared with another's: spaces folded, case-folded, one dash and one
    quote of each kind."""
    return fold_spaces(text).casefold().translate(TITLE_FORMS)


class SiteNames(NamedTuple):
    """The site's names a page shows, as title keys: declared (og:site_name...), and the
    first and last part of its <title> when shorter than the rest."""

    declared: tuple[str, ...]
    first: str | None
    last: str | None

    def __contains__(self, text: object) -> bool:
        return text in self.declared or text in (self.first, self.last)


def site_parts(page_title: str | None, names: list[str]) -> SiteNames:
    """The site's names of a page with this <title> and these declared names ("Budget passes
    9-4 | Metro Daily" names "Metro Daily")."""
    title = fold_spaces(page_title)
    parts = [title_key(part) for part in TITLE_SEPARATOR.split(title) if part]
    first, last = (parts[0], parts[-1]) if len(parts) > 1 else (None, None)
    return SiteNames(
        tuple(title_key(name) for name in names if len(name.strip()) >= 3),
        first if first and 2 * len(first) < len(title) else None,
        last if last and 2 * len(last) < len(title) else None,
    )


def without_site_name(title: str, known: SiteNames, headline: str | None) -> str:
    """A metadata title (og:title, twitter:title, JSON-LD headline) without the site-name
    parts that <title> or the page's declared names show (trafilatura PR #824): a last part
    that is a declared name (or starts with one) or the last part of <title>; a first part
    that is a declared name or the first part of <title>; never a part of the headline."""
    in_headline = title_key(headline)

    def is_site(part: str, own: str | None) -> bool:
        part = title_key(part)
        named = part == own or any(part.startswith(name) for name in known.declared)
        return bool(part) and named and part not in in_headline

    pieces = TITLE_SEPARATOR.split(title)
    separators = [m.group() for m in TITLE_SEPARATOR.finditer(title)]
    while len(pieces) > 1 and is_site(pieces[-1], known.last):
        pieces, separators = pieces[:-1], separators[:-1]
    while len(pieces) > 1 and is_site(pieces[0], known.first):
        pieces, separators = pieces[1:], separators[1:]
    return "".join(p + s for p, s in zip(pieces, [*separators, ""], strict=True)).strip()


def reconciled_title(selector: Selector, title: str, headline: str | None) -> str:
    """A metadata title without the site-name parts that the page's <title> or its declared
    site names show."""
    page_title = selection_text(selector.css("title")[:1])
    names = site_names(selector)
    return without_site_name(title, site_parts(page_title, names), headline) or title


def headline_element(
    selector: Selector, page_title: str | None, known: SiteNames | None = None
) -> HtmlElement | None:
    """The longest <h1> or <h2> whose text the page title holds (unless it is only the site's
    name); else the first element of the body whose own text is the headline part of the
    title; else the first <h1> with text that is not the site's name (``known``, case-folded)."""
    # lxml itself, not parsel: a Selector per node costs more than the search.
    root = selector.root
    title = fold_spaces(page_title)
    known = known or SiteNames((), None, None)
    head = fold_spaces(strip_site_name(title, known.declared)) if title else ""
    headings = [
        heading
        for heading in root.xpath("//h1 | //h2")
        if title
        and len(element_text(heading)) >= 4
        and title_key(element_text(heading)) in title_key(title)
        and title_key(element_text(heading)) not in known
    ]
    if headings:
        longest = max(headings, key=lambda heading: len(element_text(heading)))
        if len(element_text(longest)) >= HEADLINE_SHARE * len(head):
            return longest
    if len(head) >= 6:
        for element in root.xpath(HEADLINE_CANDIDATES):
            text = element_text(element)
            if (
                len(text) >= 6
                and (text in head or head in text)
                and len(text) < 3 * len(head)
                and title_key(text) not in known
            ):
                return element
    first = [
        h1
        for h1 in root.xpath("//h1")
        if element_text(h1) and title_key(element_text(h1)) not in known
    ]
    return first[0] if first else None


def heuristic_title(
    page_title: str | None,
    heading: HtmlElement | None,
    byline: str,
    declared: tuple[str, ...] = (),
) -> str | None:
    """The headline's text; with its second line when the <title> has both ("headline
    ——subtitle"); without the labels a page adds to it ("原创") when the <title> has none;
    without a heading, the <title> without its site's names (``declared``: strip_site_name)."""
    head = fold_spaces(strip_site_name(page_title, declared)) if page_title else ""
    if heading is not None:
        text = element_text(heading)
        if head and text and text != head:
            if head.startswith(text):
                rest = head[len(text) :].strip()
                if rest and byline.startswith(rest):
                    return f"{text} {rest}"
            elif len(head) >= 6 and head in text:
                return head
        if text and (not page_title or text in fold_spaces(page_title) or len(text) < 200):
            return text
    return head or None


def byline_text(heading: HtmlElement | None, body: str, joiner: str = " ") -> str:
    """The text after the headline where a page writes its date and author: up to the body,
    and the first lines of the body (bylines often open it), but never past the body's end,
    so that no date of a sidebar or a list further down is taken for the article's. Text
    nodes are joined by ``joiner`` ("\\n" keeps a name from running into the next node)."""
    if heading is None:
        return ""
    text, size = [], 0
    for piece in heading.xpath(TEXT_AFTER):
        text.append(piece)
        size += len(piece.strip())
        if size > BYLINE_WINDOW:
            break
    byline = joiner.join(fold_spaces(piece) for piece in text if piece.strip())[:BYLINE_WINDOW]
    if len(body) >= BODY_OPENING and body[:BODY_OPENING] in byline:
        start = byline.index(body[:BODY_OPENING])
        byline = byline[: start + min(BODY_LINES, len(body))]
    return byline


def text_above(heading: HtmlElement | None) -> str:
    """The few characters written right above the headline."""
    if heading is None:
        return ""
    pieces = [piece for piece in heading.xpath(TEXT_BEFORE) if piece.strip()]
    return fold_spaces(" ".join(pieces[-20:]))[-BEFORE_HEADLINE:]


def around_body(
    selector: Selector, body: str, nodes: list[str] | None = None
) -> tuple[str, str, str]:
    """The text right before the body, the body's last lines, and the text after it.
    ``nodes``: the page's text nodes (PAGE_TEXT), when already read."""
    if not body:
        return "", "", ""
    nodes = PAGE_TEXT_NODES(selector.root) if nodes is None else nodes
    page = fold_spaces(" ".join(nodes))
    opening = body[: 4 * BODY_OPENING]
    at = page.find(opening)
    before = page[max(0, at - BEFORE_BODY) : at] if at >= 0 else ""
    end = body[-BODY_OPENING:]
    at = page.rfind(end)
    after = page[at + len(end) : at + len(end) + TAIL_WINDOW] if at >= 0 else ""
    return before, body[-TAIL_WINDOW:], after


# Elements that hold a byline, strongest first (Build item 4; newspaper's and trafilatura's
# author selectors): a link marked as the author's, schema.org markup, then a class.
BYLINE_KINDS = (
    "contains(concat(' ', normalize-space(@rel), ' '), ' author ') and not(self::link)",
    "contains(concat(' ', normalize-space(@itemprop), ' '), ' author ')",
    "contains(@class, 'byline') or contains(@class, 'author')",
)
BYLINE_ELEMENTS = "//body//*[" + " or ".join(f"({kind})" for kind in BYLINE_KINDS) + "]"
# Where a byline element is something else: comments, navigation, forms.
NOT_BYLINE = (
    "ancestor-or-self::*[self::nav or self::form or contains(@class, 'comment')"
    " or contains(@id, 'comment')]"
)
# How far above the headline (in ancestors) a byline element may start.
BYLINE_ABOVE = 2


def document_order(node: HtmlElement) -> float:
    """A node's place in document order: an element's, the number of the page's elements
    before it; a comment's or processing instruction's (whose tail a text may be), half a
    place before the element after it."""
    if isinstance(node.tag, str):
        return ELEMENTS_BEFORE(node)
    before = node.getprevious()
    while before is not None and not isinstance(before.tag, str):
        before = before.getprevious()
    if before is not None:
        return ELEMENTS_THROUGH(before) - 0.5
    parent = node.getparent()
    return ELEMENTS_INTO(parent) - 0.5 if parent is not None else math.inf


def element_lines(element: HtmlElement) -> str:
    """An element's text nodes, each folded, one a line: a name never runs into the next."""
    if element.get("content"):
        return fold_spaces(element.get("content"))
    names = element.xpath(".//*[@itemprop='name']")
    pieces = names[0].itertext() if names else element.itertext()
    return "\n".join(fold_spaces(piece) for piece in pieces if piece.strip())


def body_end(root: HtmlElement, body: str, nodes: list[str] | None = None) -> HtmlElement | None:
    """The element holding the last text of the article's body. ``nodes``: the page's text
    nodes (PAGE_TEXT), when already read."""
    nodes = PAGE_TEXT_NODES(root) if nodes is None else nodes
    for size in (20, 8):
        end = body[-size:].strip()
        if len(end) >= 3:
            for node in reversed(nodes):
                if end[-3:] in node and end in fold_spaces(node):
                    return node.getparent()
    return None


def byline_author(
    root: HtmlElement, heading: HtmlElement | None, body: str, nodes: list[str] | None = None
) -> str | None:
    """The names of the page's byline element, read from the element itself: its ``rel=author``
    links, else its ``itemprop=author``, else an element of class ``*byline*`` or ``*author*``;
    only one that starts no higher than just above the headline and before the body's end, so
    that no "By X" of a list after the article counts (newspaper4k #180). ``nodes``: the
    page's text nodes (PAGE_TEXT), when already read."""
    candidates = root.xpath(BYLINE_ELEMENTS)
    if not candidates:
        return None
    start = heading
    for _ in range(BYLINE_ABOVE):
        start = start.getparent() if start is not None and start.getparent() is not None else start
    first = document_order(start) if start is not None else 0
    end = body_end(root, body, nodes) if body else None
    last = document_order(end) if end is not None else math.inf
    if first > last:  # a "headline" after the body is some other heading
        first = 0
    candidates = [
        element
        for element in candidates
        if first <= document_order(element) <= last and not element.xpath(NOT_BYLINE)
    ]
    for kind in BYLINE_KINDS:
        found: list[str] = []
        parent = None
        for element in candidates:
            if not element.xpath(f"boolean(self::*[{kind}])"):
                continue
            if found and element.getparent() is not parent:
                break
            names = names_in_byline(element_lines(element))
            if names:
                found += names
                parent = element.getparent()
        if found:
            return ", ".join(dict.fromkeys(found))
    return None


def heuristic_date(
    byline: str,
    above: str,
    after: str,
    nearest_last: bool = False,
    language: str = "en",
    lines: str | None = None,
) -> str | None:
    """The first date written in the byline (the last one, when the byline is the text that
    precedes the body), in the forms of BYLINE_DATES or written in the page's ``language``
    ("8. Dezember 2010 um 09:43", "25.01.2022": ``local_byline_dates``), but not one labelled
    as a later change's ("Article mis à jour le 7 janvier 2020", "Updated: ...": UPDATE_LABEL),
    which comes last of all; or a date without a year there ("9月30日"); else the last one right
    above the headline; else a "posted on" date right after the body, as forums and blogs sign
    a post. ``lines``: the byline with its text nodes one a line (``byline_text`` with a
    newline), the same length as ``byline``."""
    dated = find_dates(byline, BYLINE_DATES) + local_byline_dates(
        byline if lines is None else lines, language
    )
    dated.sort(key=lambda found: (found.start, -len(found.text)))
    updates = [found for found in dated if labelled_update(byline, found)]
    dated = [found for found in dated if found not in updates]
    if dated:
        return (dated[-1] if nearest_last else dated[0]).text
    year_less = find_dates(byline, ("month_day",))
    if year_less:
        return year_less[0].text
    above_dates = find_dates(above, ("numeric",))
    if above_dates:
        return above_dates[-1].text
    signed = find_dates(after[:TAIL_WINDOW], ("signed",))
    if signed:
        return signed[0].text
    return updates[0].text if updates else None


def labelled_update(byline: str, date: DateText) -> bool:
    """A date of the byline written after a label that says it is a later change's ("Updated:
    ...", "Article mis à jour le ...": UPDATE_LABEL)."""
    return bool(UPDATE_LABEL.search(byline[: date.start][-30:]))


def local_byline_dates(lines: str, language: str) -> list[DateText]:
    """The dates of a byline written in the page's language (``dates.local_dates``: "8.
    Dezember 2010 um 09:43", "25.01.2022"), each written apart: on text nodes (``lines``, one a
    line) that hold little else (LOCAL_CONTEXT), as bylines, datelines and post headers write
    them, not in a sentence ("die am 15. Januar 2022 in Kraft getretene Verordnung", which a
    body's first lines in a byline may hold). Texts with their spaces folded."""
    found = []
    for date in find_dates(lines, ("local",), language):
        first = lines.rfind("\n", 0, date.start) + 1
        last = lines.find("\n", date.start + len(date.text))
        around = len(lines[first : last if last >= 0 else len(lines)]) - len(date.text)
        if around <= LOCAL_CONTEXT:
            found.append(DateText(" ".join(date.text.split()), date.start))
    return found


class HeuristicFields(Mapping[str, "str | None"]):
    """headline, title, date (a date text as written) and author guessed from the page, each
    computed when first read, and what they share (the headline element, the body's text, the
    text around it) once: a page asked only its headline costs no walk of its text."""

    NAMES = ("headline", "title", "date", "author")

    def __init__(self, selector: Selector, body_html: str | None, language: str = "en"):
        self.selector = selector
        self.body_html = body_html
        self.language = language

    def __getitem__(self, name: str) -> str | None:
        if name not in self.NAMES:
            raise KeyError(name)
        return getattr(self, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.NAMES)

    def __len__(self) -> int:
        return len(self.NAMES)

    @cached_property
    def page_title(self) -> str | None:
        return selection_text(self.selector.css("title")[:1])

    @cached_property
    def known(self) -> SiteNames:
        return site_parts(self.page_title, site_names(self.selector))

    @cached_property
    def heading(self) -> HtmlElement | None:
        return headline_element(self.selector, self.page_title, self.known)

    @cached_property
    def body(self) -> str:
        return html_text(self.body_html)

    @cached_property
    def text_nodes(self) -> list[str]:
        return PAGE_TEXT_NODES(self.selector.root)

    @cached_property
    def around(self) -> tuple[str, str, str]:
        return around_body(self.selector, self.body, self.text_nodes) if self.body else ("", "", "")

    @cached_property
    def byline(self) -> str:
        heading = self.heading
        return byline_text(heading, self.body) if heading is not None else self.around[0]

    @cached_property
    def byline_lines(self) -> str:
        """The byline after the headline with its text nodes one a line."""
        return byline_text(self.heading, self.body, "\n")

    @cached_property
    def headline(self) -> str | None:
        return element_text(self.heading) if self.heading is not None else None

    @cached_property
    def title(self) -> str | None:
        return heuristic_title(self.page_title, self.heading, self.byline, self.known.declared)

    @cached_property
    def date(self) -> str | None:
        _, last_lines, after = self.around
        return heuristic_date(
            self.byline,
            text_above(self.heading),
            last_lines[-SIGNATURE_REACH:] + after,
            nearest_last=self.heading is None,
            language=self.language,
            lines=self.byline_lines if self.heading is not None else None,
        )

    @cached_property
    def date_is_update(self) -> bool:
        """The date is the byline's, labelled as a later change's (``labelled_update``)."""
        date = self.date
        byline = self.byline
        return date is not None and any(
            labelled_update(byline, found)
            for found in find_dates(byline, (*BYLINE_DATES, "local"), self.language)
            if " ".join(found.text.split()) == date
        )

    @cached_property
    def author(self) -> str | None:
        heading, body = self.heading, self.body
        before, last_lines, after = self.around
        nodes = self.text_nodes if body else None
        return byline_author(self.selector.root, heading, body, nodes) or author_in_text(
            self.byline_lines or before, last_lines, after
        )


def heuristic_fields(
    selector: Selector, body_html: str | None, language: str = "en"
) -> HeuristicFields:
    """headline, title, date (a date text as written) and author guessed from the page, as a
    mapping that computes each when it is read; dates are also looked for in the forms of the
    page's ``language`` (a language code Babel knows)."""
    return HeuristicFields(selector, body_html, language)
