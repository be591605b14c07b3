"""Drop articles that lack a url, title, source or body text (or whose body is larger than
ARTICLE_MAX_BYTES), and give every article a date (and a
title: the listing's, when the page has none)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from itemadapter import ItemAdapter

from crawler.cleaning import clean_body
from crawler.pipelines import drop

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


def exported_text(article: ItemAdapter) -> str:
    """The text the article is exported with: its ``text`` once its body has been cleaned
    (``extract_article`` does it), else the text of its cleaned body."""
    if article.get("text") is not None:
        return article["text"]
    return clean_body(article.get("body_html") or "", article.get("url") or "").text


class ValidatePipeline:
    """Required fields, then the date: the page's, else the listing's, else the crawl time."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.date_fallback = crawler.settings.get("DATE_FALLBACK")
        self.max_bytes = crawler.settings.getint("ARTICLE_MAX_BYTES")
        if self.date_fallback not in ("listing", "drop"):
            raise ValueError(
                f"DATE_FALLBACK must be 'listing' or 'drop', not {self.date_fallback!r}"
            )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: object) -> object:
        article = ItemAdapter(item)
        url = article.get("url")
        if not (article.get("title") or "").strip():
            # What the listing called it, when the page itself names no title.
            article["title"] = article.get("listing_title")
        for name in ("url", "title", "source"):
            if not (article.get(name) or "").strip():
                raise drop(self.stats, f"no_{name}", url)
        if not exported_text(article).strip():
            raise drop(self.stats, "no_body", url)
        body = article.get("body_html") or ""
        # UTF-8 takes at most 4 bytes a character: a body of max_bytes / 4 characters or fewer
        # is not encoded to be measured.
        if len(body) * 4 > self.max_bytes and len(body.encode("utf-8")) > self.max_bytes:
            raise drop(self.stats, "too_large", url)

        if article.get("date"):
            article["date_source"] = article.get("date_source") or "page"
        elif self.date_fallback == "drop":
            raise drop(self.stats, "no_date", url)
        elif article.get("listing_date"):
            article["date"], article["date_source"] = article["listing_date"], "listing"
            article["date_relative"] = bool(article.get("listing_date_relative"))
        else:
            article["crawled_at"] = article.get("crawled_at") or datetime.now(UTC)
            article["date"], article["date_source"] = article["crawled_at"], "crawled"
        return item
