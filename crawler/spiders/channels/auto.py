"""Channels of a type found from the page: a sitemap, a feed, or HTML whose advertised feed is
read instead."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from scrapy.http import HtmlResponse, TextResponse

from crawler.spiders.channels.base import ChannelHandler, FollowUp, Listing
from crawler.spiders.channels.feed import FeedChannel, read_feed
from crawler.spiders.channels.html import HtmlChannel
from crawler.spiders.channels.sitemap import SitemapChannel, is_robots_txt
from crawler.urls import response_url

if TYPE_CHECKING:
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

    from crawler.seeds import Channel, Source

logger = logging.getLogger(__name__)

# How a feed's text opens, after any byte order mark and white space.
XML_STARTS = (b"<?xml", b"<rss", b"<feed", b"<rdf")
ADVERTISED_FEED = (
    "link[rel=alternate][type='application/rss+xml']::attr(href),"
    "link[rel=alternate][type='application/atom+xml']::attr(href)"
)


class AutoChannel(ChannelHandler):
    """Reads each page with the handler of the kind it turns out to be; an HTML first page
    that advertises a feed (``<link rel="alternate">``) has that feed read in its place."""

    def __init__(self, source: Source, settings: BaseSettings):
        super().__init__(source, settings)
        self.html = HtmlChannel(source, settings)
        self.feed = FeedChannel(source, settings)
        self.sitemap = SitemapChannel(source, settings)

    def parse(self, response: Response, channel: Channel, page: int) -> Listing:
        kind = self.kind_of(response)
        if kind == "html" and page == 1:
            feed = advertised_feed(response)
            if feed:
                logger.info("%s advertises its feed %s: reading that", response.url, feed)
                return Listing(follow=[FollowUp(feed, replace(channel, type="feed"), page)])
        return getattr(self, kind).parse(response, channel, page)

    def kind_of(self, response: Response) -> str:
        """ "sitemap", "feed" or "html", from what the page is."""
        if is_robots_txt(response) or self.sitemap.read(response) is not None:
            return "sitemap"
        if may_be_feed(response) and read_feed(response).get("version"):
            return "feed"
        return "html"


def may_be_feed(response: Response) -> bool:
    """Whether feedparser should look: not an HTML page, or one that opens as XML does (a feed
    sent as text/html). feedparser takes up to a third of a second on a large HTML page."""
    if not isinstance(response, HtmlResponse):
        return True
    return response.body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(XML_STARTS)


def advertised_feed(response: Response) -> str | None:
    """The URL of the RSS or Atom feed an HTML page names in its head, if any."""
    if not isinstance(response, TextResponse):
        return None
    href = response.css(ADVERTISED_FEED).get()
    return response_url(response, href) if href else None
