"""A deterministic synthetic news site for the crawl benchmark, written as static files.

    python bench/newssite.py ROOT [--articles 1000] [--workers N]

N articles listed 20 a page, newest first, each listing page linking the next with
``rel=next``; article pages of 30–60 KB with navigation, two sidebars, inline scripts and a
footer around the story; mixed Chinese and English text; about 10 % of the pages encoded in
GBK (declared by ``<meta charset>`` only, as such sites do); each article with 1 to 3 small
PNG images, about 15 % of them shared between articles. Article ``i`` is the same on a site of
any size (its own random stream), so a small site is the start of a large one.

Writing is about 5 ms of CPU an article (a 100,000-article site, 4.5 GB, in some 13 minutes
on two busy CPUs): chunks of 1,000 articles are written by one process a CPU.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import struct
import zlib
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

PER_PAGE = 20
SITE = "基准新闻网"
CHANNEL = "要闻"
CHINA = timezone(timedelta(hours=8))
NEWEST = datetime(2024, 5, 1, 9, 30, tzinfo=CHINA)
# Articles are this far apart, newest first.
EVERY = timedelta(minutes=17)
GBK_SHARE = 0.1
SHARED_IMAGES = 40
SHARED_SHARE = 0.15
# Article page size, bytes (UTF-8), drawn per article.
MIN_BYTES, MAX_BYTES = 30_000, 60_000

ZH_WORDS = (
    "经济 发展 城市 交通 政策 市场 企业 科技 创新 教育 文化 体育 健康 医疗 环境 能源 "
    "数据 平台 服务 社区 居民 政府 部门 会议 报告 记者 采访 表示 认为 指出 今年 去年 "
    "项目 投资 增长 下降 百分之 季度 地区 全国 国际 合作 发布 消息 通知 措施 稳定 "
    "安全 质量 研究 团队 专家 学校 学生 医院 工作 公司 产品 消费 价格 农业 工业"
)
EN_WORDS = (
    "the city council said on Monday that new policy would support local business growth "
    "while transport officials reported rising demand for public services across the region "
    "researchers found data suggesting energy prices may stabilise later this year according "
    "to an analysis published by the national statistics office"
)
ZH, EN = tuple(ZH_WORDS.split()), tuple(EN_WORDS.split())
# Their sizes and the bits ``random`` draws to pick one (``Random._randbelow``).
ZH_N, EN_N = len(ZH), len(EN)
ZH_K, EN_K = ZH_N.bit_length(), EN_N.bit_length()
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "Jane Doe", "John Smith", "Li Wei")


def article_date(i: int) -> datetime:
    return NEWEST - i * EVERY


def article_path(i: int) -> str:
    return f"/a/{i // 1000}/{i}.html"


def listing_path(page: int) -> str:
    return f"/list/{page}.html"


def listing_pages(articles: int) -> int:
    return max(1, -(-articles // PER_PAGE))


def image_path(name: str) -> str:
    return f"/img/{name}.png"


def png(name: str) -> bytes:
    """A small PNG (48 x 32, RGB), its colours drawn from its name: a distinct file per name."""
    rng = random.Random(name)
    width, height = 48, 32
    colours = [bytes(rng.randrange(256) for _ in range(3)) for _ in range(4)]
    rows = b"".join(
        b"\x00" + b"".join(colours[(x // 12 + y // 8) % 4] for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class Article:
    """What article ``i`` says; its page is ``page()``.

    The draws are those of ``random.Random`` (``choice``, ``randint``, ``randrange``), inlined
    as ``getrandbits`` rejection loops exactly as the library does them (``_randbelow``), so
    the same stream gives the same bytes some three times faster.
    """

    def __init__(self, i: int):
        self.i = i
        rng = self.rng = random.Random(i * 7919 + 17)
        self.bits = rng.getrandbits
        self.gbk = rng.random() < GBK_SHARE
        self.title = self.sentence(4, 9).rstrip("。.") + f" {i}"
        self.date = article_date(i)
        self.author = rng.choice(NAMES)
        self.images = []
        for slot in range(rng.randint(1, 3)):
            shared = rng.random() < SHARED_SHARE
            name = f"s{rng.randrange(SHARED_IMAGES)}" if shared else f"{i}-{slot}"
            if name not in self.images:
                self.images.append(name)
        self.size = rng.randint(MIN_BYTES, MAX_BYTES)
        self.updated = self.date + timedelta(hours=2) if rng.random() < 0.3 else None
        self.jsonld = rng.random() < 0.5

    def below(self, n: int) -> int:
        """``rng._randbelow(n)``: what ``choice``, ``randint`` and ``randrange`` draw."""
        bits, k = self.bits, n.bit_length()
        r = bits(k)
        while r >= n:
            r = bits(k)
        return r

    def sentence(self, low: int = 8, high: int = 20) -> str:
        """Chinese words with English phrases among them, or an English sentence."""
        bits, random_ = self.bits, self.rng.random
        if random_() < 0.25:
            words = []
            for _ in range(low + self.below(high - low + 1)):
                r = bits(EN_K)
                while r >= EN_N:
                    r = bits(EN_K)
                words.append(EN[r])
            return " ".join(words).capitalize() + "."
        parts = []
        for _ in range(low + self.below(high - low + 1)):
            if random_() < 0.08:
                r = bits(EN_K)
                while r >= EN_N:
                    r = bits(EN_K)
                parts.append(EN[r])
            else:
                r = bits(ZH_K)
                while r >= ZH_N:
                    r = bits(ZH_K)
                parts.append(ZH[r])
        return "".join(parts) + "。"

    def links(self, count: int, cls: str = "") -> str:
        below = self.below
        attr = f' class="{cls}"' if cls else ""
        return "".join(
            f'<li><a{attr} href="{article_path(below(100_000))}">'
            f"{html.escape(self.sentence(3, 6))}</a></li>"
            for _ in range(count)
        )

    def script(self, size: int) -> str:
        below, letters = self.below, "abcdefghijklmnop"
        calls, length = [], 0
        while length < size:
            key = "".join([letters[below(16)] for _ in range(8)])
            calls.append(f'window.dataLayer.push({{"{key}": {below(10**6)}}});')
            length += len(calls[-1])
        return "<script>window.dataLayer=window.dataLayer||[];" + "".join(calls) + "</script>"

    def head(self) -> str:
        charset = "gbk" if self.gbk else "utf-8"
        meta = [
            f'<meta charset="{charset}">',
            f"<title>{html.escape(self.title)} - {SITE}</title>",
            f'<meta name="description" content="{html.escape(self.sentence())}">',
            f'<meta property="og:title" content="{html.escape(self.title)}">',
            f'<meta property="og:image" content="{image_path(self.images[0])}">',
            f'<meta property="article:published_time" content="{self.date.isoformat()}">',
        ]
        if self.updated:
            meta.append(
                f'<meta property="article:modified_time" content="{self.updated.isoformat()}">'
            )
        if self.jsonld:
            data = {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": self.title,
                "datePublished": self.date.isoformat(),
                "author": {"@type": "Person", "name": self.author},
            }
            meta.append(
                '<script type="application/ld+json">'
                + json.dumps(data, ensure_ascii=False)
                + "</script>"
            )
        meta.append('<link rel="stylesheet" href="/static/site.css">')
        meta.append(self.script(1500))
        return "<head>" + "".join(meta) + "</head>"

    def story(self, paragraphs: int) -> str:
        below, sentence = self.below, self.sentence
        blocks = []
        images = list(self.images)
        for n in range(paragraphs):
            text = "".join([sentence() for _ in range(2 + below(4))])
            blocks.append(f"<p>{html.escape(text)}</p>")
            if images and n % 3 == 1:
                name = images.pop(0)
                blocks.append(
                    f'<figure><img src="{image_path(name)}"'
                    f' alt="{html.escape(self.sentence(2, 4))}"'
                    f' width="48" height="32"><figcaption>{html.escape(self.sentence(3, 6))}'
                    "</figcaption></figure>"
                )
        blocks += [
            f'<figure><img src="{image_path(name)}" width="48" height="32"></figure>'
            for name in images
        ]
        blocks.append('<div class="share"><a href="#">微博</a> <a href="#">微信</a></div>')
        return "".join(blocks)

    def page(self) -> bytes:
        """The article page, encoded as its <meta charset> says."""
        date = self.date.strftime("%Y-%m-%d %H:%M")
        around = (
            '<!DOCTYPE html><html lang="zh">'
            + self.head()
            + '<body><header class="site-header"><div class="logo">'
            + SITE
            + '</div><nav class="nav"><ul>'
            + self.links(30, "nav-link")
            + '</ul></nav></header><div class="wrap"><aside class="sidebar-left"><h3>热门</h3><ul>'
            + self.links(20)
            + "</ul>"
            + self.script(2500)
            + '</aside><main><article class="story"><h1 class="headline">'
            + html.escape(self.title)
            + '</h1><div class="byline"><span class="time">'
            + date
            + '</span> <span class="author">作者：'
            + html.escape(self.author)
            + '</span></div><div class="story-body">{story}</div></article>'
            '<section class="related"><h3>相关阅读</h3><ul>'
            + self.links(10)
            + '</ul></section><div class="comments" data-id="'
            + str(self.i)
            + '">评论加载中…</div></main>'
            '<aside class="sidebar-right"><div class="ad">广告</div><ul>'
            + self.links(15)
            + "</ul></aside></div><footer><ul>"
            + self.links(25, "footer-link")
            + "</ul><p>2024 "
            + SITE
            + " 版权所有</p></footer>"
            + self.script(4000)
            + "</body></html>"
        )
        story, paragraphs = "", 2
        while True:
            story = self.story(paragraphs)
            size = len(around.encode("utf-8")) + len(story.encode("utf-8"))
            if size >= self.size:
                break
            paragraphs += max(1, (self.size - size) // 600)
        text = around.replace("{story}", story)
        return text.encode("gbk" if self.gbk else "utf-8")


def listing(page: int, articles: int) -> bytes:
    pages = listing_pages(articles)
    first = (page - 1) * PER_PAGE
    items = "".join(
        f'<li><a class="title" href="{article_path(i)}">{html.escape(a.title)}</a>'
        f'<span class="date">{a.date.strftime("%Y-%m-%d %H:%M")}</span></li>'
        for i in range(first, min(first + PER_PAGE, articles))
        for a in [Article(i)]
    )
    more = page < pages
    link = f'<link rel="next" href="{listing_path(page + 1)}">' if more else ""
    anchor = f'<a class="next" rel="next" href="{listing_path(page + 1)}">下一页</a>'
    anchor = anchor if more else ""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{CHANNEL} {page} - {SITE}</title>'
        f'{link}</head><body><ul class="list">{items}</ul><div class="pager">{anchor}</div>'
        "</body></html>"
    ).encode()


# Articles a worker writes at a time: whole listing pages, whole /a/N/ folders.
CHUNK = 1000


def write_chunk(root: Path, start: int, stop: int, articles: int) -> tuple[int, set[str]]:
    """Write articles ``start``..``stop - 1`` of a site of ``articles`` and the listing pages
    that begin among them; (bytes of article pages written, the images they show)."""
    written = 0
    images: set[str] = set()
    for i in range(start, stop):
        article = Article(i)
        path = root / article_path(i).lstrip("/")
        if i == start or i % 1000 == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        page = article.page()
        path.write_bytes(page)
        written += len(page)
        images.update(article.images)
    for page in range(start // PER_PAGE + 1, -(-stop // PER_PAGE) + 1):
        (root / listing_path(page).lstrip("/")).write_bytes(listing(page, articles))
    return written, images


def build(root: Path, articles: int, workers: int | None = None) -> dict[str, int]:
    """Write a site of ``articles`` articles under ``root`` (made if need be); what it holds:
    ``{"articles", "listing_pages", "images", "bytes"}`` (images: distinct files).

    ``workers`` processes (default: one a CPU; one for a site of a single chunk) write chunks
    of ``CHUNK`` articles side by side; the bytes are the same whatever their number.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (root / "list").mkdir(exist_ok=True)
    chunks = [
        (root, start, min(start + CHUNK, articles), articles) for start in range(0, articles, CHUNK)
    ]
    workers = min(workers or os.cpu_count() or 1, len(chunks))
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            done = list(pool.map(write_chunk, *zip(*chunks, strict=True)))
    else:
        done = [write_chunk(*chunk) for chunk in chunks]
    written = sum(size for size, _ in done)
    images: set[str] = set().union(*(names for _, names in done))
    (root / "img").mkdir(exist_ok=True)
    for name in sorted(images):
        (root / image_path(name).lstrip("/")).write_bytes(png(name))
    if not articles:
        (root / listing_path(1).lstrip("/")).write_bytes(listing(1, articles))
    pages = listing_pages(articles)
    return {"articles": articles, "listing_pages": pages, "images": len(images), "bytes": written}


# The seed of the benchmark's site: {base} and {pages} filled in; [article] gives every field.
SEED = """\
site = "{site}"
group = "基准"
allowed_domains = ["127.0.0.1"]
timezone = "Asia/Shanghai"
language = "zh"

[[channels]]
name = "{channel}"
url = "{base}{first}"
max_pages = {pages}

[listing]
item = "ul.list li"
link = "a.title::attr(href)"
title = "a.title::text"
date = "span.date::text"
"""
ARTICLE_RULES = """
[article]
title = "h1.headline::text"
date = ".byline .time::text"
updated = "meta[property='article:modified_time']::attr(content)"
author = ".byline .author::text"
body = ".story-body"
image = "meta[property='og:image']::attr(content)"
exclude = [".share"]
"""


def seed(base_url: str, articles: int, rules: bool = True) -> str:
    """The seed TOML crawling the whole site: with every ``[article]`` selector, or none."""
    text = SEED.format(
        site=SITE,
        channel=CHANNEL,
        base=base_url,
        first=listing_path(1),
        pages=listing_pages(articles),
    )
    return text + (ARTICLE_RULES if rules else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, help="processes writing pages (default: CPUs)")
    args = parser.parse_args()
    print(json.dumps(build(args.root, args.articles, args.workers)))


if __name__ == "__main__":
    main()
