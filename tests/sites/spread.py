"""A fixture site for distributed crawls: two channels of four listing pages, 48 articles,
and four mirror pages (other addresses of four articles, naming them as canonical).

`build(root, base_url)` writes the site; `seed(base_url)` is its seed; ARTICLES are the
canonical URL paths a crawl must export, each once.
"""

from __future__ import annotations

import html
from pathlib import Path

SITE = "分布新闻"
CHANNELS = ("一", "二")
PAGES_PER_CHANNEL = 4
PER_PAGE = 6
FILLER = "工人们分头抓取同一个网站，每篇文章只应导出一次，一篇也不能少。" * 6
# Articles of channel 一 that channel 二 also lists, at another address (/m/...).
MIRRORED = ("c1-01", "c1-02", "c1-03", "c1-04")

SEED = """\
site = "{site}"
group = "测试"
allowed_domains = ["127.0.0.1"]
timezone = "Asia/Shanghai"
language = "zh"

[[channels]]
name = "{one}"
url = "{base}/c1/1.html"
max_pages = {pages}

[[channels]]
name = "{two}"
url = "{base}/c2/1.html"
max_pages = {pages}

[listing]
link = "a.title::attr(href)"
next = "a.next::attr(href)"

[article]
title = "h1::text"
date = ".time::text"
author = ".author::text"
body = ".content"
"""


def slugs(channel: int) -> list[str]:
    return [f"c{channel}-{n:02d}" for n in range(1, PAGES_PER_CHANNEL * PER_PAGE + 1)]


ARTICLES = [f"/a/{slug}.html" for channel in (1, 2) for slug in slugs(channel)]


def seed(base_url: str) -> str:
    return SEED.format(
        site=SITE, one=CHANNELS[0], two=CHANNELS[1], base=base_url, pages=PAGES_PER_CHANNEL
    )


def _article(base_url: str, slug: str, number: int) -> str:
    title = f"第{number}篇：{slug}"
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="canonical" href="{base_url}/a/{slug}.html">'
        "</head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f'<p class="info"><span class="time">2022-04-{1 + number % 28:02d} 08:{number % 60:02d}'
        f'</span> <span class="author">记者{number}</span></p>'
        f'<div class="content"><p>{slug}。{FILLER}</p><p>{FILLER}</p></div>'
        "</body></html>"
    )


def _listing(links: list[str], next_page: str | None) -> str:
    items = "".join(f'<li><a class="title" href="{href}">{href}</a></li>' for href in links)
    nav = f'<a class="next" href="{next_page}">下一页</a>' if next_page else ""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>列表</title></head>'
        f'<body><ul class="news">{items}</ul>{nav}</body></html>'
    )


def build(root: Path, base_url: str) -> None:
    """Write the site under ``root`` for a server at ``base_url``."""
    for folder in ("a", "m", "c1", "c2"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    number = 0
    for channel in (1, 2):
        names = slugs(channel)
        for slug in names:
            number += 1
            page = _article(base_url, slug, number)
            (root / "a" / f"{slug}.html").write_text(page, "utf-8")
            if slug in MIRRORED:
                (root / "m" / f"{slug}.html").write_text(page, "utf-8")
        for page_number in range(1, PAGES_PER_CHANNEL + 1):
            chunk = names[(page_number - 1) * PER_PAGE : page_number * PER_PAGE]
            links = [f"/a/{slug}.html" for slug in chunk]
            if channel == 2 and page_number == 1:
                links += [f"/m/{slug}.html" for slug in MIRRORED]
            following = (
                f"/c{channel}/{page_number + 1}.html" if page_number < PAGES_PER_CHANNEL else None
            )
            (root / f"c{channel}" / f"{page_number}.html").write_text(
                _listing(links, following), "utf-8"
            )
