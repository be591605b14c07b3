"""Channel handlers, one per channel type, each turning a channel page into a Listing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.spiders.channels.auto import AutoChannel
from crawler.spiders.channels.base import ChannelHandler, FollowUp, Listing, ListingEntry
from crawler.spiders.channels.feed import FeedChannel
from crawler.spiders.channels.html import HtmlChannel
from crawler.spiders.channels.sitemap import SitemapChannel

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from crawler.seeds import Source

__all__ = [
    "CHANNEL_HANDLERS",
    "AutoChannel",
    "ChannelHandler",
    "FeedChannel",
    "FollowUp",
    "HtmlChannel",
    "Listing",
    "ListingEntry",
    "SitemapChannel",
    "channel_handlers",
]

# The handler class of each channel type a seed may name (crawler.seeds.CHANNEL_TYPES).
CHANNEL_HANDLERS: dict[str, type[ChannelHandler]] = {
    "html": HtmlChannel,
    "feed": FeedChannel,
    "sitemap": SitemapChannel,
    "auto": AutoChannel,
}


def channel_handlers(source: Source, settings: BaseSettings) -> dict[str, ChannelHandler]:
    """One handler of each type for the source's channels."""
    return {kind: cls(source, settings) for kind, cls in CHANNEL_HANDLERS.items()}
