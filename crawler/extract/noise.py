"""Page furniture a main-text extractor leaves at the edges of a body: the headline, the
dateline and share bar above the text, the copyright and licence lines below it."""

from __future__ import annotations

import re

import lxml.html

from crawler.cleaning import BLOCK_TAGS
from crawler.extract.dates import NUMERIC_DATE

# Short lines above the text: "发布时间：2022-02-13 04:22:18 来源：云南日报", "分享到：".
DATELINE_LENGTH = 60
SHARE_LENGTH = 20
SHARE_BAR = re.compile(r"分享到|分享至|发表评论|我要评论|打印|字号|收藏|\bshare\b", re.I)
# Short lines below the text that belong to the site: a registration number always; a
# copyright line when it is one of several footer lines (a news agency's single copyright
# line closes its story and is part of it).
FOOTER_LENGTH = 200
REGISTRATION = re.compile(r"ICP备|ICP证|公网安备|举报电话|举报邮箱|许可证编号")
COPYRIGHT = re.compile(r"©|copyright|all rights reserved|版权所有", re.I)


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def text_blocks(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The innermost block elements with text, in document order."""
    blocks = []
    for element in root.iterdescendants(*BLOCK_TAGS):
        if _text(element) and not any(
            _text(inner) for inner in element.iterdescendants(*BLOCK_TAGS)
        ):
            blocks.append(element)
    return blocks


def _heading_noise(text: str, title: str) -> bool:
    if len(text) >= 4 and text in title:
        return True
    if len(text) <= DATELINE_LENGTH and NUMERIC_DATE.search(text):
        return True
    return len(text) <= SHARE_LENGTH and bool(SHARE_BAR.search(text))


def _footer_noise(text: str) -> bool:
    return len(text) <= FOOTER_LENGTH and bool(REGISTRATION.search(text) or COPYRIGHT.search(text))


def trim_edges(root: lxml.html.HtmlElement, title: str | None) -> None:
    """Remove, in place, the headline, dateline and share lines that open a body and the
    site's footer lines that close it; the text between is left as it is."""
    title = " ".join((title or "").split())
    blocks = text_blocks(root)
    while blocks and _heading_noise(_text(blocks[0]), title):
        blocks.pop(0).drop_tree()
    footer = []
    while blocks and _footer_noise(_text(blocks[-1])):
        footer.append(blocks.pop())
    if len(footer) == 1 and not REGISTRATION.search(_text(footer[0])):
        footer = []
    for block in footer:
        block.drop_tree()
