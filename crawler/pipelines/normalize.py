"""Normalize an article built elsewhere than ``extract_article`` (a spider of one's own):
folded text, labels off the author, a safe body with absolute links, its images listed."""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from itemadapter import ItemAdapter

from crawler.cleaning import clean_body, fold_spaces
from crawler.extract.authors import clean_author

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


class NormalizePipeline:
    """Puts every field of an article into the shape the exporters write, reading only the
    item. An article from ``extract_article`` is already in that shape and passes unchanged
    (its body is not cleaned twice); an article of a spider of one's own is brought to it:
    title folded, author without labels (else its ``site``), naive dates read as UTC, body
    cleaned against its URL when its ``text`` is not set, head image and thumbnail defaulted
    to the first body image, ``image_urls`` listed."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def process_item(self, item: object) -> object:
        article = ItemAdapter(item)
        for name in ("title", "listing_title"):
            article[name] = fold_spaces(article.get(name)) or None
        article["author"] = clean_author(article.get("author")) or article.get("site")
        for name in ("date", "updated", "crawled_at", "listing_date"):
            value = article.get(name)
            if value is not None and value.tzinfo is None:
                article[name] = value.replace(tzinfo=UTC)
        if article.get("text") is None:
            body = clean_body(article.get("body_html") or "", article["url"])
            article["body_html"], article["text"] = body.html, body.text
            head = article.get("headimg") or (body.images[0] if body.images else None)
            article["headimg"] = head
            article["thumbnail"] = article.get("thumbnail") or head
            article["image_urls"] = list(dict.fromkeys(body.images + ([head] if head else [])))
        return item
