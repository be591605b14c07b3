"""Article fields guessed from the page's text and structure when neither the seed nor the page's
metadata gives them: the title from <h1>/<title>, the date and author from the text by it."""

from __future__ import annotations

import re

from parsel import Selector

from crawler.cleaning import body_text
from crawler.extract.dates import MONTH_DAY, NUMERIC_DATE
from crawler.extract.rules import selection_text

# Between a headline and a site or column name in <title> and og:title.
TITLE_SEPARATOR = re.compile(r"\s*(?:_|\||｜|\s[-–—]\s|-(?=[^-]+$))\s*")
# How much text after the headline is read for its date and author.
BYLINE_WINDOW = 400
# Characters that find the body's start in the text after the headline, and how much of the
# body's opening the byline may still include.
BODY_OPENING = 6
BODY_LINES = 100
# Words that start the next field of a byline, not another author's name.
BYLINE_FIELDS = "发布|时间|日期|来源|编辑|责任|更新|阅读|点击|发自|报道|摄|于"
# A Chinese name (or several), a capitalised Latin one, or one handle.
CJK_NAME = r"[\u4e00-\u9fff·&]{2,6}"
LATIN_NAME = r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}"
NAME = (
    rf"(?!{BYLINE_FIELDS}){CJK_NAME}(?:[ 、,，](?!{BYLINE_FIELDS}){CJK_NAME}){{0,5}}"
    rf"|{LATIN_NAME}|[\w&]+"
)
AUTHOR_LABEL = re.compile(
    r"(?:(?:作者|撰文|撰稿|文)\s*[：:/]|记者[：:\s]?|\bBy\s|本贴由)\s*"
    rf"(?P<name>{NAME})"
)
# After the body: "（记者 张三）", "（张三）", and, failing an author, the editor in charge.
SIGNATURE = re.compile(
    rf"[（(]\s*(?:记者\s*(?P<reporter>{CJK_NAME}(?: {CJK_NAME}){{0,3}})"
    r"|(?P<name>[\u4e00-\u9fff]{2,3}))\s*[）)]"
)
EDITOR_LABEL = re.compile(rf"(?:责任编辑|编辑)\s*[：:]\s*(?P<name>{CJK_NAME})")
# How much text around the body's end is read: the editor may follow the body a little way
# down; a signature closes the body.
TAIL_WINDOW = 120
SIGNATURE_REACH = 40
SIGNATURE_AFTER = 12
# "发表于 2005-9-15 11:46:00", "本贴由 大卫 于2005年8月12日": a post's date signed after it.
POSTED_ON = re.compile(rf"(?:发表于|发布于|于|posted on)\s*(?P<date>{NUMERIC_DATE.pattern})", re.I)
URL_DATE = re.compile(r"/(20\d\d)[/-]?(\d\d)[/-]?(\d\d)(?=[/_.-]|\d{2,}|$)")
TEXT_AFTER = "following::text()[not(ancestor::script) and not(ancestor::style)]"
PAGE_TEXT = "//body//text()[not(ancestor::script) and not(ancestor::style)]"
# Elements that may hold a headline: any in the body with text of its own, links aside.
HEADLINE_CANDIDATES = (
    "//body//*[not(self::script or self::style or self::a or self::option)]"
    "[normalize-space(text())]"
)


def _fold(text: str | None) -> str:
    return " ".join((text or "").split())


def strip_site_name(title: str) -> str:
    """A <title> without the site or column name that follows the headline."""
    head = TITLE_SEPARATOR.split(title, maxsplit=1)[0].strip()
    return head if len(head) >= 0.4 * len(title) else title


def headline_element(selector: Selector, page_title: str | None) -> Selector | None:
    """The <h1> or <h2> whose text the page title holds; else the first element of the body
    whose own text is the headline part of the title; else the first <h1>."""
    title = _fold(page_title)
    for heading in selector.xpath("//h1 | //h2"):
        text = _fold(heading.xpath("string()").get())
        if len(text) >= 4 and title and text in title:
            return heading
    head = _fold(strip_site_name(title)) if title else ""
    if len(head) >= 6:
        for element in selector.xpath(HEADLINE_CANDIDATES):
            text = _fold(element.xpath("string()").get())
            if len(text) >= 6 and (text in head or head in text) and len(text) < 3 * len(head):
                return element
    first = selector.xpath("//h1")
    return first[0] if first else None


def heuristic_title(page_title: str | None, heading: Selector | None) -> str | None:
    if heading is not None:
        text = _fold(heading.xpath("string()").get())
        if text and (not page_title or text in _fold(page_title) or len(text) < 200):
            return text
    return strip_site_name(page_title) if page_title else None


def byline_text(heading: Selector | None, body: str) -> str:
    """The text after the headline where a page writes its date and author: up to the body,
    and the first lines of the body (bylines often open it), but never past the body's end,
    so that no date of a sidebar or a list further down is taken for the article's."""
    if heading is None:
        return ""
    text, size = [], 0
    for piece in heading.xpath(TEXT_AFTER).getall():
        text.append(piece)
        size += len(piece)
        if size > BYLINE_WINDOW:
            break
    byline = _fold(" ".join(text))[:BYLINE_WINDOW]
    if len(body) >= BODY_OPENING and body[:BODY_OPENING] in byline:
        start = byline.index(body[:BODY_OPENING])
        byline = byline[: start + min(BODY_LINES, len(body))]
    return byline


def heuristic_date(url: str | None, byline: str, after: str) -> str | None:
    """The first date written after the headline; else a "posted on" date right after the
    body, as forums and blogs sign a post; else the date in the article's URL, which also
    wins over a byline date without a year ("9月30日")."""
    in_url = URL_DATE.search(url or "")
    url_date = "-".join(in_url.groups()) if in_url else None
    match = NUMERIC_DATE.search(byline)
    if match:
        return match.group(0).strip()
    match = MONTH_DAY.search(byline)
    if match:
        return url_date or match.group(0).strip()
    posted = POSTED_ON.search(after[:TAIL_WINDOW])
    if posted:
        return posted.group("date").strip()
    return url_date


def body_end(selector: Selector, body: str) -> tuple[str, str]:
    """The body's last lines, and the text that follows the body on the page."""
    if not body:
        return "", ""
    page = _fold(" ".join(selector.xpath(PAGE_TEXT).getall()))
    end = body[-BODY_OPENING:]
    at = page.rfind(end)
    after = page[at + len(end) : at + len(end) + TAIL_WINDOW] if at >= 0 else ""
    return body[-TAIL_WINDOW:], after


def heuristic_author(byline: str, last_lines: str, after: str) -> str | None:
    """A labelled author by the headline; else a signature closing the body ("（记者 张三）");
    else the editor named right after the body."""
    found = AUTHOR_LABEL.search(byline)
    if not found:
        closing = last_lines[-SIGNATURE_REACH:] + after[:SIGNATURE_AFTER]
        found = SIGNATURE.search(closing) or EDITOR_LABEL.search(closing + after)
    if not found:
        return None
    return (found.groupdict().get("reporter") or found.group("name")).strip()


def heuristic_fields(
    selector: Selector, url: str | None, body_html: str | None
) -> dict[str, str | None]:
    page_title = selection_text(selector.css("title")[:1])
    heading = headline_element(selector, page_title)
    body = body_text(body_html)
    byline = byline_text(heading, body)
    last_lines, after = body_end(selector, body)
    return {
        "title": heuristic_title(page_title, heading),
        "date": heuristic_date(url, byline, last_lines[-SIGNATURE_REACH:] + after),
        "author": heuristic_author(byline, last_lines, after),
    }
