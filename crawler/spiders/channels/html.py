"""HTML listing pages: article links by the seed's listing selectors (or guessed), and the next
page."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.http import TextResponse

from crawler.extract.dates import find_dates
from crawler.extract.rules import selection_text
from crawler.seeds import select
from crawler.spiders.channels.base import ChannelHandler, FollowUp, Listing, ListingEntry
from crawler.urls import response_url

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scrapy.http import Response

    from crawler.seeds import Channel

logger = logging.getLogger(__name__)

# Without a link selector: links whose text is at least this long are taken as articles...
MIN_LINK_TEXT = 8
# ...and so are links whose address holds a date or a long number (an article id): the
# "address" form of crawler.extract.dates.
CONTENT_LINKS = "//a[@href][not(ancestor::nav or ancestor::header or ancestor::footer)]"
# Pages that list articles rather than being one: a tag, topic, author, category or section
# page (named so by a path segment, when the address holds no date or id, or by the link's
# rel, HTML's "tag" and "author" link types), a later page of a listing, a search.
LISTING_SEGMENT = re.compile(
    r"^(?:tags?|topics?|themen?|authors?|autoren?|author-profile|category|categories|kategorie"
    r"|section|sections|rubrik|ressort|channel|people|profile|user|users|label|search|suche"
    r"|page|archives?)$",
    re.I,
)
LISTING_REL = {"tag", "author", "category", "section"}


class HtmlChannel(ChannelHandler):
    """An HTML listing page read with the seed's ``[listing]`` selectors."""

    def parse(self, response: Response, channel: Channel, page: int) -> Listing:
        if not isinstance(response, TextResponse):
            logger.warning("Not an HTML page: %s", response.url)
            return Listing()
        follow = []
        if page < channel.max_pages:
            next_url = self.next_page(response)
            if next_url:
                follow.append(FollowUp(next_url, channel, page + 1))
            else:
                # On the first page max_pages cannot be honoured at all; later, the listing
                # may simply end there.
                logger.log(
                    logging.WARNING if page == 1 else logging.INFO,
                    "%s: max_pages = %d, but %s has no next page (%s)",
                    channel.name,
                    channel.max_pages,
                    response.url,
                    "the seed's next selector matched nothing"
                    if self.source.listing.next
                    else "no rel=next link; give [listing] next",
                )
        return Listing(list(self.entries(response)), follow)

    def next_page(self, response: Response) -> str | None:
        """The listing's next page: the seed's ``next`` selector, else the page's own
        ``<link rel="next">`` or ``<a rel="next">``."""
        queries = [self.source.listing.next] if self.source.listing.next else []
        queries += ["link[rel~=next]::attr(href)", "a[rel~=next]::attr(href)"]
        for query in queries:
            found = select(response, query).get()
            if found and found.strip():
                return response_url(response, found)
        return None

    def entries(self, response: Response) -> Iterator[ListingEntry]:
        rules = self.source.listing
        if rules.item:
            for block in select(response, rules.item):
                link = _href(select(block, rules.link or "a[href]"))
                url = response_url(response, link) if link else None
                if url:
                    yield ListingEntry(
                        url,
                        selection_text(select(block, rules.title)) if rules.title else None,
                        selection_text(select(block, rules.date)) if rules.date else None,
                    )
        elif rules.link:
            for result in select(response, rules.link):
                link = _href([result])
                url = response_url(response, link) if link else None
                if url:
                    yield ListingEntry(url, None, None)
        else:
            entries = guessed_entries(response, skip={c.url for c in self.source.channels})
            logger.info(
                "No link selector: took %d links from %s: %s",
                len(entries),
                response.url,
                [entry.url for entry in entries],
            )
            yield from entries


def guessed_entries(response: Response, skip: set[str]) -> list[ListingEntry]:
    """Article links of a listing page that has no link selector: outside nav, header and
    footer, with a date or a long number in the URL, or a headline-long text; never a tag,
    topic, author or section page (listing_link)."""
    entries: dict[str, ListingEntry] = {}
    for anchor in response.xpath(CONTENT_LINKS):
        url = response_url(response, anchor.attrib["href"]) or ""
        if url in skip or url in entries or not url.startswith(("http://", "https://")):
            continue
        title = selection_text([anchor])
        parts = urlsplit(url)
        dated = find_dates(f"{parts.path}?{parts.query}", ("address",))
        if listing_link(anchor.attrib.get("rel"), parts.path, bool(dated)):
            continue
        if title and (dated or len(title) >= MIN_LINK_TEXT):
            entries[url] = ListingEntry(url, title, None)
    return list(entries.values())


def listing_link(rel: str | None, path: str, dated: bool) -> bool:
    """Whether a link leads to a page of links rather than to an article: its rel says tag or
    author, or, when its address holds no date or id, a segment of its path names a tag,
    topic, author, category or section (``/tag/budget/``, ``/autoren/jane-roe``), or it is
    the site's home (``/``)."""
    if LISTING_REL & set((rel or "").lower().split()):
        return True
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        return True
    return not dated and any(LISTING_SEGMENT.match(segment) for segment in segments)


def _href(selection: Any) -> str | None:
    """A link from a selector result: an attribute or text value, or an element's href."""
    for result in selection:
        if isinstance(result.root, str):
            return result.root.strip() or None
        href = result.attrib.get("href") or (result.css("a::attr(href)").get())
        if href:
            return href.strip()
    return None
