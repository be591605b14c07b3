"""What a channel handler gives back: the articles a channel page lists and its next pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from scrapy.http import Response
    from scrapy.settings import BaseSettings

    from crawler.seeds import Channel, Source


@dataclass(frozen=True, slots=True)
class ListingEntry:
    """One article as a channel page shows it: its URL, and the title and date text given."""

    url: str
    title: str | None
    date: str | None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One more page of a channel to read: a next page, a child sitemap, an advertised feed."""

    url: str
    channel: Channel
    page: int


@dataclass(frozen=True, slots=True)
class Listing:
    """What one channel page gives: its article entries and the channel's pages to read next."""

    entries: list[ListingEntry] = field(default_factory=list)
    follow: list[FollowUp] = field(default_factory=list)


class ChannelHandler:
    """Turns one response of a channel of its type into a Listing; one subclass per type."""

    def __init__(self, source: Source, settings: BaseSettings):
        self.source = source
        self.settings = settings

    def parse(self, response: Response, channel: Channel, page: int) -> Listing:
        raise NotImplementedError

    @staticmethod
    def deeper(urls: Iterable[str], channel: Channel, page: int) -> list[FollowUp]:
        """Pages one level below ``page`` (children of a sitemap index, sitemaps named in
        robots.txt), as many as the channel's ``max_pages`` leaves: each counts as one page."""
        room = max(channel.max_pages - page, 0)
        return [FollowUp(url, channel, page + 1) for url in islice(urls, room)]
