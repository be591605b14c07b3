"""A fixture news site of 22 listed articles over 3 listing pages, written for a given server.

Each article is one `Page` in PAGES: how its page shows title, date, author and body, and what
the crawl must make of it. `build(root, base_url)` writes the site.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

SITE = "测试新闻网"
GROUP = "测试"
CHANNEL = "要闻"
TIMEZONE = "Asia/Shanghai"
FILLER = "这是一段用来测试的新闻正文，内容写的是本地发生的日常事情。" * 4
HOSTILE_TITLE = "- It's a \"test\": #1 {{ x }} {% raw %} 'end'"


@dataclass
class Page:
    slug: str
    title: str
    # Text of the page's visible date element; None: no such element.
    date_text: str | None = None
    jsonld_date: str | None = None
    meta_date: str | None = None
    listing_date: str | None = None
    author: str | None = None
    # A text over 200 characters, as a news article has: the run's coverage is judged on it.
    paragraphs: list[str] = field(
        default_factory=lambda: ["正文第一段。" + FILLER, "正文第二段。" + FILLER]
    )
    extra_body: str = ""
    encoding: str = "utf-8"
    # Not written: the listing links to a page that is not there.
    missing: bool = False
    # What the crawl must make of it: ISO date (or "crawled-3h", "crawled", "yesterday 10:20"),
    # date_source, author; None for an article that must not be exported.
    expect_date: str | None = None
    expect_source: str = "page"
    expect_author: str = SITE


XSS_BODY = (
    '<p>Safe text <a href="javascript:alert(1)">click</a></p>'
    '<script>document.write("evil")</script>'
    '<p><img src="/img/x.png" onerror="alert(2)" alt="x"></p>'
    '<p onclick="alert(3)">Last paragraph.</p>'
)

PAGES = [
    Page(
        "a01",
        "日期格式一：标准时间",
        "2022-04-09 17:56:37",
        author="作者：张三",
        expect_date="2022-04-09T17:56:37+08:00",
        expect_author="张三",
    ),
    Page(
        "a02",
        "日期格式二：中文年月日",
        "2022年4月9日 17:56",
        author="By Jane Doe",
        expect_date="2022-04-09T17:56:00+08:00",
        expect_author="Jane Doe",
    ),
    Page(
        "a03",
        "日期格式三：斜线",
        "2022/04/09",
        author="记者 李四",
        expect_date="2022-04-09T00:00:00+08:00",
        expect_author="李四",
    ),
    Page(
        "a04",
        "日期格式四：ISO 带时区",
        "2022-04-09T17:56:37+08:00",
        author="来源：新华社",
        expect_date="2022-04-09T17:56:37+08:00",
        expect_author="新华社",
    ),
    Page(
        "a05",
        "日期格式五：ISO UTC",
        "2022-04-09T09:56:37Z",
        expect_date="2022-04-09T09:56:37+00:00",
    ),
    Page(
        "a06",
        "日期格式六：ISO 无时区",
        "2022-04-09T17:56:37",
        expect_date="2022-04-09T17:56:37+08:00",
    ),
    Page(
        "a07",
        "日期格式七：RFC 1123",
        "Sat, 09 Apr 2022 09:56:37 GMT",
        expect_date="2022-04-09T17:56:37+08:00",
    ),
    Page("a08", "日期格式八：几小时前", "3小时前", expect_date="crawled-3h"),
    Page("a09", "日期格式九：昨天", "昨天 10:20", expect_date="yesterday 10:20"),
    Page("a10", "日期格式十：刚刚", "刚刚", expect_date="crawled"),
    Page("a11", "Date form eleven: hours ago", "3 hours ago", expect_date="crawled-3h"),
    Page(
        "a12",
        "日期格式十二：带标签",
        "发布时间：2022-04-09 17:56",
        expect_date="2022-04-09T17:56:00+08:00",
    ),
    Page(
        "a13",
        "只有 JSON-LD 的日期",
        jsonld_date="2022-04-05T08:00:00+08:00",
        expect_date="2022-04-05T08:00:00+08:00",
    ),
    Page(
        "a14",
        "只有 meta 的日期",
        meta_date="2022-04-04T12:30:00+08:00",
        expect_date="2022-04-04T12:30:00+08:00",
    ),
    Page(
        "a15",
        "没有日期，用列表日期",
        listing_date="2022-04-03",
        expect_date="2022-04-03T00:00:00+08:00",
        expect_source="listing",
    ),
    Page("a16", "没有日期，也没有列表日期", expect_date="crawled", expect_source="crawled"),
    Page(
        "a17",
        "国标码编码的页面",
        "2022-04-02 10:00:00",
        encoding="gbk",
        paragraphs=["这一页用国标码编码，中文必须完好无损。", "第二段：汉字、标点“引号”。"],
        expect_date="2022-04-02T10:00:00+08:00",
    ),
    Page("a18", HOSTILE_TITLE, "2022-04-01 09:00", expect_date="2022-04-01T09:00:00+08:00"),
    Page(
        "a19",
        "正文里有脚本",
        "2022-03-31 08:00",
        paragraphs=[],
        extra_body=XSS_BODY,
        expect_date="2022-03-31T08:00:00+08:00",
    ),
    Page("a20", "正文为空", "2022-03-30 08:00", paragraphs=[], extra_body="<p>  </p>"),
    Page("a21", "页面不存在", "2022-03-29 08:00", missing=True),
    Page(
        "a22",
        "另一篇普通文章",
        "2022-03-28 08:00",
        author="作者: 王五",
        expect_date="2022-03-28T08:00:00+08:00",
        expect_author="王五",
    ),
]
EXPORTED = [p for p in PAGES if p.expect_date]
LISTING_PAGES = 3
# Listed on a 4th listing page, past the seed's max_pages: never requested.
BEYOND_MAX_PAGES = "/a/beyond.html"
OFFSITE_PATH = "/a/offsite.html"

SEED = """\
site = "{site}"
group = "{group}"
allowed_domains = ["127.0.0.1"]
timezone = "{tz}"
language = "zh"

[[channels]]
name = "{channel}"
url = "{base}/list/1.html"
max_pages = {pages}

[listing]
item = "ul.news li"
link = "a.title::attr(href)"
title = "a.title::text"
date = "span.date::text"
next = "a.next::attr(href)"

[article]
title = "h1.headline::text"
date = ".info .time::text"
author = ".info .author::text"
body = ".content"
exclude = [".share"]
"""


def seed(base_url: str) -> str:
    return SEED.format(
        site=SITE, group=GROUP, tz=TIMEZONE, channel=CHANNEL, base=base_url, pages=LISTING_PAGES
    )


def _article(page: Page) -> str:
    head = [
        f'<meta charset="{page.encoding}">',
        f"<title>{html.escape(page.title)} - {SITE}</title>",
    ]
    if page.jsonld_date:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": page.title,
            "datePublished": page.jsonld_date,
        }
        head.append(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    if page.meta_date:
        head.append(f'<meta property="article:published_time" content="{page.meta_date}">')
    info = []
    if page.date_text:
        info.append(f'<span class="time">{html.escape(page.date_text)}</span>')
    if page.author:
        info.append(f'<span class="author">{html.escape(page.author)}</span>')
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in page.paragraphs)
    return (
        "<!DOCTYPE html><html><head>" + "".join(head) + "</head><body>"
        '<div class="nav"><a href="/list/1.html">要闻</a></div>'
        f'<h1 class="headline">{html.escape(page.title)}</h1>'
        f'<div class="info">{"".join(info)}</div>'
        f'<div class="content">{paragraphs}{page.extra_body}'
        '<div class="share">分享到微博</div></div>'
        '<div class="sidebar"><p>热门：2021-01-01 00:00 的旧闻</p></div>'
        "</body></html>"
    )


def _listing(number: int, entries: list[tuple[str, str, str | None]], has_next: bool) -> str:
    items = "".join(
        f'<li><a class="title" href="{href}">{html.escape(title)}</a>'
        + (f'<span class="date">{date}</span>' if date else "")
        + "</li>"
        for href, title, date in entries
    )
    nav = f'<a class="next" href="/list/{number + 1}.html">下一页</a>' if has_next else ""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{CHANNEL} {number}</title>'
        f'</head><body><ul class="news">{items}</ul><div class="pages">{nav}</div></body></html>'
    )


def build(root: Path, base_url: str, pages: list[Page] = PAGES) -> None:
    """Write the site under ``root`` for a server at ``base_url``."""
    (root / "a").mkdir(parents=True, exist_ok=True)
    (root / "list").mkdir(exist_ok=True)
    for page in pages:
        if not page.missing:
            (root / "a" / f"{page.slug}.html").write_bytes(_article(page).encode(page.encoding))
    offsite_url = base_url.replace("127.0.0.1", "localhost") + OFFSITE_PATH
    (root / OFFSITE_PATH.lstrip("/")).write_text(_article(Page("off", "站外文章", "2022-04-09")))
    (root / BEYOND_MAX_PAGES.lstrip("/")).write_text(
        _article(Page("far", "太远的文章", "2022-01-01"))
    )
    entries = [(f"/a/{p.slug}.html", p.title, p.listing_date) for p in pages]
    entries.insert(5, (offsite_url, "站外链接", None))
    per_page = -(-len(entries) // LISTING_PAGES)
    for number in range(1, LISTING_PAGES + 1):
        chunk = entries[(number - 1) * per_page : number * per_page]
        (root / "list" / f"{number}.html").write_text(_listing(number, chunk, has_next=True))
    beyond = [(BEYOND_MAX_PAGES, "太远的文章", None)]
    (root / "list" / f"{LISTING_PAGES + 1}.html").write_text(
        _listing(LISTING_PAGES + 1, beyond, has_next=False)
    )
