"""Page furniture a main-text extractor leaves in a body: the headline, dateline, byline and
share bar above the text; related articles, comment box and copyright lines below it;
captions, galleries and share boxes named as such inside it."""

from __future__ import annotations

import re

import lxml.html

from crawler.cleaning import BLOCK_TAGS, element_text, fold_spaces
from crawler.extract.authors import is_byline
from crawler.extract.dates import find_dates

# Short lines above the text: "发布时间：2022-02-13 04:22:18 来源：云南日报", "分享到：",
# "首页 > 科技", "澎湃新闻记者 贺梨萍", "By Paul Takahashi".
DATELINE_LENGTH = 60
SHARE_LENGTH = 20
SHARE_BAR = re.compile(r"分享到|分享至|发表评论|我要评论|打印|字号|收藏|\bshare\b", re.I)
BREADCRUMB = re.compile(r"\S\s*[>»›]\s*\S")
# Short lines below the text: comment boxes, keywords, pages, and the heading of a list of
# related articles, which goes with the list when little text follows it.
TAIL_LENGTH = 30
RELATED = re.compile(
    r"^(?:相关推荐|推荐阅读|相关(?:阅读|新闻|文章|链接)|延伸阅读|热门推荐"
    r"|Related\b|Read more\b|More from\b"
    r"|(?:Temas|Noticias|Artículos|Articulos|Notas) relacionad[oa]s|Articles similaires"
    r"|Articoli correlati|Ähnliche (?:Artikel|Beiträge|Themen)"
    r"|Weitere (?:aktuelle )?(?:Themen|Artikel|Beiträge|Nachrichten|Meldungen)\b"
    r"|Das könnte (?:Sie|dich) auch interessieren)",
    re.I,
)
# A line sending the reader back to an index: "Zurück zur Übersicht", "Back to news". With the
# related headings in German, Spanish, French and Italian above, trafilatura's benchmark F went
# A 0.9265 -> 0.9273, B 0.914 -> 0.915 (bench/extraction.py), the news bodies unchanged.
BACK_LINK = re.compile(
    r"^\W*(?:zurück zu[mr]?|back to|retour (?:à|au|aux)|volver a|torna a)\b", re.I
)
TAIL_FURNITURE = re.compile(
    rf"评论|跟帖|已输入|关键词|^(?:【\d+】|\[\d+\]|\s)+$|上一页|下一页|{RELATED.pattern}", re.I
)
RELATED_SHARE = 0.3
# Teasers inside the text: "Read more: <a>Other story</a>", "Lesen Sie auch:" over a list of
# links. A block opening with such a label is dropped when it is mostly a link, or when it is
# the label alone (with the list of links that follows it).
TEASER = re.compile(
    r"^\W*(?:read (?:more|also)|also read|see also|related|more on this|recommended"
    r"|lesen sie (?:auch|mehr)|lies (?:auch|mehr)|auch lesen|mehr zum thema|mehr dazu"
    r"|auch interessant"
    r"|siehe auch|weiterlesen|empfohlene (?:beiträge|artikel)|weitere (?:beiträge|artikel)"
    r"|(?:das )?(?:könnte|dürfte) (?:sie|dich) (?:auch )?interessieren"
    r"|das thema könnte (?:sie|dich) auch interessieren"
    r"|(?:à )?lire aussi|voir aussi|leer más|lea también|lee también|te recomendamos"
    r"|(?:también )?te puede interesar|leggi anche|potrebbe interessarti"
    r"|leia (?:também|mais)|veja também|lees (?:ook|meer)|czytaj (?:też|także|również|więcej)"
    r"|zobacz (?:też|także|również)|читайте также"
    r"|相关(?:阅读|新闻|文章|链接|推荐)|延伸阅读|推荐阅读)\b",
    re.I,
)
TEASER_LABEL_LENGTH = 40
TEASER_TEXT_LENGTH = 300
TEASER_LINK_SHARE = 0.5
# Short lines below the text that belong to the site: a registration number always; a
# copyright line when it is one of several footer lines (a news agency's single copyright
# line closes its story and is part of it).
FOOTER_LENGTH = 200
REGISTRATION = re.compile(r"ICP备|ICP证|公网安备|举报电话|举报邮箱|许可证编号")
COPYRIGHT = re.compile(r"©|copyright|all rights reserved|版权所有", re.I)


# Parts of a page's text block named for what they hold: photo captions and credits, galleries,
# bylines and timestamps, related links, share and newsletter boxes.
FURNITURE = re.compile(
    r"(?:^|[-_\s])(?:caption|credit|gallery|byline|timestamp|related|share|sharing|social"
    r"|newsletter|promo|subscribe)(?:$|[-_\s])",
    re.I,
)
PHOTO_PARTS = re.compile(r"caption|credit|gallery", re.I)
# A part holding more of the text than this is the text, whatever its name.
FURNITURE_SHARE = 0.3


def text_blocks(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The innermost block elements with text, in document order."""
    blocks = []
    for element in root.iterdescendants(*BLOCK_TAGS):
        if element_text(element) and not any(
            element_text(inner) for inner in element.iterdescendants(*BLOCK_TAGS)
        ):
            blocks.append(element)
    return blocks


def _heading_noise(block: lxml.html.HtmlElement, title: str) -> bool:
    text = element_text(block)
    if block.tag == "h1" or (len(text) >= 4 and text in title):
        return True
    # A dateline: "November 20, 2019", "2022-02-13 04:22:18 来源：云南日报"; or breadcrumbs.
    if len(text) <= DATELINE_LENGTH and (
        find_dates(text, ("numeric", "worded")) or BREADCRUMB.search(text)
    ):
        return True
    if is_byline(text):
        return True
    if len(text) <= TAIL_LENGTH and BACK_LINK.search(text):
        return True
    return len(text) <= SHARE_LENGTH and bool(SHARE_BAR.search(text))


def _footer_noise(text: str) -> bool:
    return len(text) <= FOOTER_LENGTH and bool(REGISTRATION.search(text) or COPYRIGHT.search(text))


def trim_edges(root: lxml.html.HtmlElement, title: str | None) -> None:
    """Remove, in place, the headline, breadcrumbs, dateline, byline, share lines and a line
    back to an index that open a body; the related articles, a line back to an index, comment
    box, keywords, page numbers and the site's footer lines that close it. The text between
    is left as it is."""
    title = fold_spaces(title)
    blocks = text_blocks(root)
    while blocks and _heading_noise(blocks[0], title):
        blocks.pop(0).drop_tree()
    total = sum(len(element_text(block)) for block in blocks) or 1
    for at, block in enumerate(blocks):
        text = element_text(block)
        if len(text) <= TAIL_LENGTH and RELATED.search(text):
            rest = sum(len(element_text(after)) for after in blocks[at:])
            if rest < RELATED_SHARE * total:
                for after in blocks[at:]:
                    after.drop_tree()
                del blocks[at:]
                break
    while (
        blocks
        and len(element_text(blocks[-1])) <= TAIL_LENGTH
        and (
            TAIL_FURNITURE.search(element_text(blocks[-1]))
            or BACK_LINK.search(element_text(blocks[-1]))
        )
    ):
        blocks.pop().drop_tree()
    footer = []
    while blocks and _footer_noise(element_text(blocks[-1])):
        footer.append(blocks.pop())
    if len(footer) == 1 and not REGISTRATION.search(element_text(footer[0])):
        footer = []
    for block in footer:
        block.drop_tree()


def _link_share(element: lxml.html.HtmlElement) -> float:
    text = len(element_text(element)) or 1
    return sum(len(element_text(a)) for a in element.iter("a")) / text


def drop_teasers(root: lxml.html.HtmlElement) -> None:
    """Remove, in place, the links to other stories set inside a text: a block that opens with
    a teaser label ("Read more:", "Lesen Sie auch", "延伸阅读") and is mostly a link, or is the
    label alone, with the list of links right after it (measured on the news and trafilatura
    benchmarks: such lines were boilerplate on every page of both halves that had them)."""
    for block in text_blocks(root):
        if block.getparent() is None:
            continue
        text = element_text(block)
        if len(text) > TEASER_TEXT_LENGTH or not TEASER.search(text):
            continue
        if len(text) <= TEASER_LABEL_LENGTH and _link_share(block) < TEASER_LINK_SHARE:
            following = block.getnext()
            if (
                following is not None
                and following.tag in ("ul", "ol")
                and _link_share(following) >= TEASER_LINK_SHARE
            ):
                following.drop_tree()
            block.drop_tree()
        elif _link_share(block) >= TEASER_LINK_SHARE:
            block.drop_tree()


def drop_furniture(root: lxml.html.HtmlElement) -> None:
    """Remove, in place, the captions, galleries, bylines, related links and share boxes that
    a text block holds, known by their class or id; the photos of captions and galleries
    are kept."""
    total = len(element_text(root)) or 1
    for element in list(root.iterdescendants()):
        if element.getparent() is None or not isinstance(element.tag, str):
            continue
        name = f"{element.get('class') or ''} {element.get('id') or ''}"
        part = FURNITURE.search(name)
        if part and len(element_text(element)) < FURNITURE_SHARE * total:
            if PHOTO_PARTS.search(part.group(0)):
                # The photos of a gallery or above a caption are the article's: they stay.
                if element.tag == "img":
                    continue
                for image in list(element.iter("img")):
                    image.tail = None
                    element.addprevious(image)
            element.drop_tree()
