"""Article fields guessed from the page's text and structure when neither the seed nor the page's
metadata gives them: the title from <h1>/<title>, the date and author from the text by it."""

from __future__ import annotations

import re

from parsel import Selector

from crawler.cleaning import body_text, fold_spaces
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
# Without a headline, the text right before the body is read as its byline; a date written
# right above the headline (a paper's issue date) is read when none follows it.
BEFORE_BODY = 120
BEFORE_HEADLINE = 40
# Words that start the next field of a byline, not another author's name.
BYLINE_FIELDS = "发布|时间|日期|来源|编辑|责任|更新|阅读|点击|发自|报道|摄|于|素材|图片|通讯员"
# A Chinese name (or several), a capitalised Latin one, or one handle. A further Chinese
# name is two or three characters standing alone ("王建宏 张文攀", not "宋怡 我要说说").
CJK_NAME = r"[\u4e00-\u9fff·&]{2,6}"
MORE_CJK_NAMES = rf"(?:[ 、](?!{BYLINE_FIELDS})[\u4e00-\u9fff·]{{2,3}}(?=[\s、）)]|$)){{0,5}}"
LATIN_NAME = r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}"
NAME = rf"(?!{BYLINE_FIELDS}){CJK_NAME}{MORE_CJK_NAMES}|{LATIN_NAME}|[\w&]+"
AUTHOR_LABEL = re.compile(
    r"(?:(?:作者|撰文|撰稿|文)\s*[：:/]|记者[：:\s]?|\bBy\s|本贴由)\s*"
    rf"(?P<name>{NAME})"
)
# A post signed by its poster: "由海姑娘张贴 @ 2005-03-21", "ggjjzhzz 发表于 2005-9-15".
POSTED_BY = re.compile(
    rf"由\s*(?P<name>{CJK_NAME}|[\w&]+?)\s*(?:张贴|发表|发布)"
    r"|(?<![\w.-])(?P<handle>[A-Za-z][\w&.-]{1,29})\s*(?:发表于|posted\b)",
    re.I,
)
# After the body: "（记者 张三）", "（张三）", and, failing an author, the editor in charge.
SIGNATURE = re.compile(
    rf"[（(]\s*(?:记者\s*(?P<reporter>{CJK_NAME}(?: {CJK_NAME}){{0,3}})"
    r"|(?P<name>[\u4e00-\u9fff]{2,3}))\s*[）)]"
)
# A reporter signing the body's last line: "新华日报记者 徐睿翔".
REPORTER_SIGNED = re.compile(rf"(?:记者|作者)(?:\s+|[：:]\s*)(?P<name>{NAME})")
EDITOR_LABEL = re.compile(rf"(?:责任编辑|编辑)\s*[：:]\s*(?P<name>{CJK_NAME})")
# How much text around the body's end is read: the editor may follow the body a little way
# down; a signature closes the body.
TAIL_WINDOW = 120
SIGNATURE_REACH = 40
SIGNATURE_AFTER = 12
# "发表于 2005-9-15 11:46:00", "本贴由 大卫 于2005年8月12日", "发布日期： 2019-03-06",
# "张贴 @ 2005-03-21": a post's date signed after it.
POSTED_ON = re.compile(
    rf"(?:发表于|发布于|于|[发更][布表新](?:日期|时间)[：:]|@|posted on)\s*"
    rf"(?P<date>{NUMERIC_DATE.pattern})",
    re.I,
)
# 9/17/2004 5:54:13 AM, as some older sites write it; dateparser reads it.
SLASHED_DATE = re.compile(
    r"(?<![\d/])\d{1,2}/\d{1,2}/(?:19|20)\d\d(?![\d/])(?:\s+\d{1,2}:\d\d(?::\d\d)?(?:\s*[AP]M)?)?",
    re.I,
)
URL_DATE = re.compile(r"/(20\d\d)[/-]?(\d\d)[/-]?(\d\d)(?=[/_.-]|\d{2,}|$)")
TEXT_AFTER = "following::text()[not(ancestor::script) and not(ancestor::style)]"
TEXT_BEFORE = "preceding::text()[not(ancestor::script) and not(ancestor::style)]"
PAGE_TEXT = "//body//text()[not(ancestor::script) and not(ancestor::style)]"
# Elements that may hold a headline: any in the body with text of its own, links aside.
HEADLINE_CANDIDATES = (
    "//body//*[not(self::script or self::style or self::a or self::option)]"
    "[normalize-space(text())]"
)
# A heading shorter than this share of the <title>'s headline is the site's name, not it.
HEADLINE_SHARE = 0.4


def strip_site_name(title: str) -> str:
    """A <title> without the site or column name that follows the headline."""
    head = TITLE_SEPARATOR.split(title, maxsplit=1)[0].strip()
    return head if len(head) >= 0.4 * len(title) else title


def _text(element: Selector) -> str:
    return fold_spaces(element.xpath("string()").get())


def headline_element(selector: Selector, page_title: str | None) -> Selector | None:
    """The longest <h1> or <h2> whose text the page title holds (unless it is only the site's
    name); else the first element of the body whose own text is the headline part of the
    title; else the first <h1>."""
    title = fold_spaces(page_title)
    head = fold_spaces(strip_site_name(title)) if title else ""
    headings = [
        heading
        for heading in selector.xpath("//h1 | //h2")
        if title and len(_text(heading)) >= 4 and _text(heading) in title
    ]
    if headings:
        longest = max(headings, key=lambda heading: len(_text(heading)))
        if len(_text(longest)) >= HEADLINE_SHARE * len(head):
            return longest
    if len(head) >= 6:
        for element in selector.xpath(HEADLINE_CANDIDATES):
            text = _text(element)
            if len(text) >= 6 and (text in head or head in text) and len(text) < 3 * len(head):
                return element
    first = selector.xpath("//h1")
    return first[0] if first else None


def heuristic_title(page_title: str | None, heading: Selector | None, byline: str) -> str | None:
    """The headline's text; with its second line when the <title> has both ("headline
    ——subtitle"); without the labels a page adds to it ("原创") when the <title> has none."""
    head = fold_spaces(strip_site_name(page_title)) if page_title else ""
    if heading is not None:
        text = _text(heading)
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


def byline_text(heading: Selector | None, body: str) -> str:
    """The text after the headline where a page writes its date and author: up to the body,
    and the first lines of the body (bylines often open it), but never past the body's end,
    so that no date of a sidebar or a list further down is taken for the article's."""
    if heading is None:
        return ""
    text, size = [], 0
    for piece in heading.xpath(TEXT_AFTER).getall():
        text.append(piece)
        size += len(piece.strip())
        if size > BYLINE_WINDOW:
            break
    byline = fold_spaces(" ".join(text))[:BYLINE_WINDOW]
    if len(body) >= BODY_OPENING and body[:BODY_OPENING] in byline:
        start = byline.index(body[:BODY_OPENING])
        byline = byline[: start + min(BODY_LINES, len(body))]
    return byline


def text_above(heading: Selector | None) -> str:
    """The few characters written right above the headline."""
    if heading is None:
        return ""
    pieces = [piece for piece in heading.xpath(TEXT_BEFORE).getall() if piece.strip()]
    return fold_spaces(" ".join(pieces[-20:]))[-BEFORE_HEADLINE:]


def around_body(selector: Selector, body: str) -> tuple[str, str, str]:
    """The text right before the body, the body's last lines, and the text after it."""
    if not body:
        return "", "", ""
    page = fold_spaces(" ".join(selector.xpath(PAGE_TEXT).getall()))
    opening = body[: 4 * BODY_OPENING]
    at = page.find(opening)
    before = page[max(0, at - BEFORE_BODY) : at] if at >= 0 else ""
    end = body[-BODY_OPENING:]
    at = page.rfind(end)
    after = page[at + len(end) : at + len(end) + TAIL_WINDOW] if at >= 0 else ""
    return before, body[-TAIL_WINDOW:], after


def _first(patterns: tuple[re.Pattern, ...], text: str) -> re.Match | None:
    matches = [m for m in (pattern.search(text) for pattern in patterns) if m]
    return min(matches, key=lambda m: m.start()) if matches else None


def heuristic_date(
    url: str | None, byline: str, above: str, after: str, nearest_last: bool = False
) -> str | None:
    """The first date written in the byline (the last one, when the byline is the text that
    precedes the body); else the last one right above the headline; else a "posted on" date right
    after the body, as forums and blogs sign a post; else the date in the article's URL,
    which also wins over a byline date without a year ("9月30日")."""
    in_url = URL_DATE.search(url or "")
    url_date = "-".join(in_url.groups()) if in_url else None
    if nearest_last:
        dates = [m for p in (NUMERIC_DATE, SLASHED_DATE) for m in p.finditer(byline)]
        match = max(dates, key=lambda m: m.start()) if dates else None
    else:
        match = _first((NUMERIC_DATE, SLASHED_DATE), byline)
    if match:
        return match.group(0).strip()
    match = MONTH_DAY.search(byline)
    if match:
        return url_date or match.group(0).strip()
    dates = list(NUMERIC_DATE.finditer(above))
    if dates:
        return dates[-1].group(0).strip()
    posted = POSTED_ON.search(after[:TAIL_WINDOW])
    if posted:
        return posted.group("date").strip()
    return url_date


def _name(found: re.Match) -> str:
    groups = found.groupdict()
    return (groups.get("reporter") or groups.get("name") or groups.get("handle") or "").strip()


def heuristic_author(byline: str, last_lines: str, after: str) -> str | None:
    """A labelled author or a poster in the byline; else a signature closing the body
    ("（记者 张三）", "记者 张三"); else an author or poster named right after the body; else
    the editor named there."""
    closing = last_lines[-SIGNATURE_REACH:] + after[:SIGNATURE_AFTER]
    tail = after[:TAIL_WINDOW]
    found = (
        _first((AUTHOR_LABEL, POSTED_BY), byline)
        or _first((SIGNATURE, REPORTER_SIGNED), closing)
        or _first((AUTHOR_LABEL, POSTED_BY), tail)
        or EDITOR_LABEL.search(closing + after)
    )
    if not found:
        return None
    return _name(found) or None


def heuristic_fields(
    selector: Selector, url: str | None, body_html: str | None
) -> dict[str, str | None]:
    page_title = selection_text(selector.css("title")[:1])
    heading = headline_element(selector, page_title)
    body = body_text(body_html)
    before, last_lines, after = around_body(selector, body)
    byline = byline_text(heading, body) if heading is not None else before
    return {
        "headline": _text(heading) if heading is not None else None,
        "title": heuristic_title(page_title, heading, byline),
        "date": heuristic_date(
            url,
            byline,
            text_above(heading),
            last_lines[-SIGNATURE_REACH:] + after,
            nearest_last=heading is None,
        ),
        "author": heuristic_author(byline, last_lines, after),
    }
