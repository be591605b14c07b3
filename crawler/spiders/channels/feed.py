"""RSS and Atom feeds, read by feedparser: each entry's link, title and publication date."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import feedparser
from w3lib.html import remove_tags, replace_entities

from crawler.spiders.channels.base import ChannelHandler, Listing, ListingEntry
from crawler.urls import response_url

if TYPE_CHECKING:
    from scrapy.http import Response

    from crawler.seeds import Channel

# feedparser's content types of a title given as markup rather than text.
MARKUP_TYPES = ("text/html", "application/xhtml+xml")


class FeedChannel(ChannelHandler):
    """An RSS 0.9x/1.0/2.0 or Atom feed; it has no next page."""

    def parse(self, response: Response, channel: Channel, page: int) -> Listing:
        entries = (feed_entry(response, entry) for entry in read_feed(response).entries)
        return Listing([entry for entry in entries if entry])


def read_feed(response: Response) -> Any:
    """feedparser's reading of the response, relative links resolved against its URL."""
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    return feedparser.parse(
        response.body,
        response_headers={"content-location": response.url, "content-type": content_type},
    )


def feed_entry(response: Response, entry: Any) -> ListingEntry | None:
    """One feed entry as a listing entry; None without a link.

    The date is the entry's publication date (RSS ``pubDate``, Atom ``published``,
    ``dcterms:issued``) wherever it stands in the entry, else its update date (Atom ``updated``,
    ``dc:date``), as the feed wrote it: the spider parses it in the seed's timezone.
    """
    link = entry.get("link") or ""
    guid = entry.get("id") or ""
    if not link and guid.startswith(("http://", "https://")):
        link = guid  # an RSS guid that is a URL, though not marked a permalink
    url = (response_url(response, link) or "") if link.strip() else ""
    if not url.startswith(("http://", "https://")):
        return None
    return ListingEntry(
        url,
        entry_title(entry),
        entry.get("published") or entry.get("updated") or None,
    )


def entry_title(entry: Any) -> str | None:
    """The entry's title as plain text: feedparser keeps a title given as HTML as markup."""
    title = entry.get("title") or ""
    if entry.get("title_detail", {}).get("type") in MARKUP_TYPES:
        title = replace_entities(remove_tags(title))
    return " ".join(title.split()) or None
