"""Article entries from a channel's page of each kind: RSS/Atom feeds, sitemaps (Google News
ones too), and the feed an HTML page advertises."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from parsel import Selector

from crawler.extract.rules import selection_text

if TYPE_CHECKING:
    from scrapy.http import Response

# Without a link selector: links whose text is at least this long are taken as articles...
MIN_LINK_TEXT = 8
# ...and so are links whose address holds a date or a long number (an article id).
ARTICLE_ADDRESS = re.compile(
    r"(?<!\d)(?:19|20)\d\d[-/_]?(?:0[1-9]|1[0-2])[-/_]?(?:0[1-9]|[12]\d|3[01])(?!\d)|\d{5,}"
)
CONTENT_LINKS = "//a[@href][not(ancestor::nav or ancestor::header or ancestor::footer)]"
FEED_ROOTS = {"rss", "feed", "RDF"}
SITEMAP_ROOTS = {"urlset", "sitemapindex"}
ADVERTISED_FEED = (
    "link[rel=alternate][type='application/rss+xml']::attr(href),"
    "link[rel=alternate][type='application/atom+xml']::attr(href)"
)


class ListingEntry:
    """One article as a channel page shows it."""

    __slots__ = ("date", "title", "url")

    def __init__(self, url: str, title: str | None, date: str | None):
        self.url, self.title, self.date = url, title, date


def guessed_entries(response: Response, skip: set[str]) -> list[ListingEntry]:
    """Article links of a listing page that has no link selector: outside nav, header and
    footer, with a date or a long number in the URL, or a headline-long text."""
    entries: dict[str, ListingEntry] = {}
    for anchor in response.xpath(CONTENT_LINKS):
        url = response.urljoin(anchor.attrib["href"].strip())
        if url in skip or url in entries or not url.startswith(("http://", "https://")):
            continue
        title = selection_text([anchor])
        parts = urlsplit(url)
        dated = ARTICLE_ADDRESS.search(f"{parts.path}?{parts.query}")
        if title and (dated or len(title) >= MIN_LINK_TEXT):
            entries[url] = ListingEntry(url, title, None)
    return list(entries.values())


def xml(response: Response) -> Selector | None:
    """The response as namespace-free XML, or None when it is not XML."""
    try:
        selector = Selector(body=response.body, type="xml")
        selector.remove_namespaces()
    except (ValueError, TypeError):
        return None
    return selector if selector.root is not None else None


def kind_of(response: Response) -> str:
    """ "feed", "sitemap" or "html", from what the page is."""
    head = response.body[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<urlset", b"<sitemap")):
        selector = xml(response)
        if selector is not None:
            root = selector.root.tag
            if root in FEED_ROOTS:
                return "feed"
            if root in SITEMAP_ROOTS:
                return "sitemap"
    return "html"


def advertised_feed(response: Response) -> str | None:
    href = response.css(ADVERTISED_FEED).get()
    return response.urljoin(href) if href else None


def feed_entries(response: Response) -> Iterator[ListingEntry]:
    """RSS 2.0/1.0 items and Atom entries: link, title, date."""
    selector = xml(response)
    if selector is None:
        return
    for item in selector.xpath("//item"):
        link = item.xpath("link/text()").get() or item.xpath("guid/text()").get()
        if link:
            yield ListingEntry(
                response.urljoin(link.strip()),
                selection_text(item.xpath("title")),
                selection_text(item.xpath("(pubDate | date)[1]")),
            )
    for entry in selector.xpath("//entry"):
        link = entry.xpath("link[not(@rel) or @rel='alternate']/@href").get()
        if link:
            yield ListingEntry(
                response.urljoin(link.strip()),
                selection_text(entry.xpath("title")),
                selection_text(entry.xpath("(published | updated)[1]")),
            )


def sitemap_entries(response: Response) -> tuple[list[ListingEntry], list[str]]:
    """A urlset's URLs (with a Google News title and date where given, else lastmod), and a
    sitemap index's child sitemaps."""
    selector = xml(response)
    if selector is None:
        return [], []
    entries = [
        ListingEntry(
            response.urljoin(url.xpath("loc/text()").get("").strip()),
            selection_text(url.xpath("news/title")),
            selection_text(url.xpath("(news/publication_date | lastmod)[1]")),
        )
        for url in selector.xpath("//url[loc]")
    ]
    children = [
        response.urljoin(loc.strip()) for loc in selector.xpath("//sitemap/loc/text()").getall()
    ]
    return entries, children
