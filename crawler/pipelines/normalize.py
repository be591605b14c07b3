"""Normalize an article: canonical URL, folded text, dates in the seed's timezone, safe body."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from itemadapter import ItemAdapter

from crawler.cleaning import clean_body, fold_spaces
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

# "作者：", "来源:", "记者 ", "By " and the like before an author's name.
AUTHOR_PREFIX = re.compile(
    r"^(?:(?:作者|来源|记者|编辑|责任编辑|责编|撰文|文)\s*[：:|｜]\s*|记者\s*|by[\s:]+)",
    re.IGNORECASE,
)


def fold(text: str | None) -> str | None:
    """Strip and fold every run of whitespace to one space; None when nothing is left."""
    return fold_spaces(text) or None


def clean_author(author: str | None) -> str | None:
    author = fold(author)
    while author and AUTHOR_PREFIX.match(author):
        author = fold(AUTHOR_PREFIX.sub("", author, count=1))
    return author


class NormalizePipeline:
    """Puts every field of an article into the shape the exporters write."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.tracking_params = crawler.settings.getlist("TRACKING_PARAMS")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: object) -> object:
        article = ItemAdapter(item)
        source = self.crawler.spider.source
        page_url = article["url"]
        article["url"] = canonical_url(page_url, self.tracking_params)
        for name in ("title", "listing_title"):
            article[name] = fold(article.get(name))
        for name in ("date", "updated"):
            if article.get(name):
                article[name] = article[name].astimezone(source.tzinfo)
        article["author"] = clean_author(article.get("author")) or source.site
        article["categories"] = [
            c for c in (source.group, source.site, article.get("channel")) if c
        ]
        body = clean_body(article["body_html"], page_url)
        article["body_html"], article["text"] = body.html, body.text
        article["headimg"] = article.get("headimg") or (body.images[0] if body.images else None)
        article["thumbnail"] = article.get("thumbnail") or article["headimg"]
        head = [article["headimg"]] if article["headimg"] else []
        article["image_urls"] = list(dict.fromkeys(body.images + head))
        return item
