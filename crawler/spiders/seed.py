"""The generic spider: a seed's channel listing pages, their pagination, then each article page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import Request, Spider
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract import extract_article
from crawler.extract.dates import parse_date
from crawler.extract.rules import selection_text
from crawler.items import Article
from crawler.seeds import Channel, Source, select

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

# Without a `link` selector, links whose text is at least this long are taken as articles.
MIN_LINK_TEXT = 8


class ListingEntry:
    """One article as a listing page shows it."""

    __slots__ = ("date", "title", "url")

    def __init__(self, url: str, title: str | None, date: str | None):
        self.url, self.title, self.date = url, title, date


class SeedSpider(Spider):
    """Crawls one Source; the spider loader makes one subclass per seed file."""

    source: ClassVar[Source]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.started_at = datetime.now(UTC)
        # Names this run's feed and report files.
        self.run_id = self.started_at.strftime("%Y%m%dT%H%M%SZ")

    async def start(self) -> AsyncIterator[Request]:
        for channel in self.source.channels:
            yield Request(
                channel.url,
                callback=self.parse_listing,
                cb_kwargs={"channel": channel, "page": 1},
            )

    def parse_listing(self, response: Response, channel: Channel, page: int) -> Iterator[Request]:
        self.crawler.stats.inc_value("listing/pages")
        entries = list(self.listing_entries(response))
        if not entries:
            self.logger.warning("No article links on listing page %s", response.url)
        for entry in entries:
            yield Request(
                entry.url,
                callback=self.parse_article,
                errback=self.article_failed,
                cb_kwargs={
                    "channel": channel.name,
                    "listing_date": self.parse_date(entry.date),
                    "listing_title": entry.title,
                },
            )
        next_query = self.source.listing.next
        if next_query and page < channel.max_pages:
            next_url = select(response, next_query).get()
            if next_url:
                yield response.follow(
                    next_url,
                    callback=self.parse_listing,
                    cb_kwargs={"channel": channel, "page": page + 1},
                )

    def listing_entries(self, response: Response) -> Iterator[ListingEntry]:
        rules = self.source.listing
        if rules.item:
            for block in select(response, rules.item):
                link = _href(select(block, rules.link or "a[href]"))
                if link:
                    yield ListingEntry(
                        response.urljoin(link),
                        selection_text(select(block, rules.title)) if rules.title else None,
                        selection_text(select(block, rules.date)) if rules.date else None,
                    )
        elif rules.link:
            for result in select(response, rules.link):
                link = _href([result])
                if link:
                    yield ListingEntry(response.urljoin(link), None, None)
        else:
            yield from self._guessed_entries(response)

    def _guessed_entries(self, response: Response) -> Iterator[ListingEntry]:
        """Links with a headline-long text, when the seed names no link selector."""
        channel_urls = {c.url for c in self.source.channels}
        for anchor in response.css("a[href]"):
            title = selection_text([anchor])
            url = response.urljoin(anchor.attrib["href"])
            if title and len(title) >= MIN_LINK_TEXT and url not in channel_urls:
                yield ListingEntry(url, title, None)

    def parse_article(
        self,
        response: Response,
        channel: str,
        listing_date: datetime | None,
        listing_title: str | None,
    ) -> Iterator[Article]:
        self.crawler.stats.inc_value("article/pages")
        found = extract_article(response.selector, self.source.article)
        crawled_at = datetime.now(UTC)

        def value(name: str) -> str | None:
            return found[name].value if name in found else None

        image = value("image")
        yield Article(
            url=response.url,
            source=self.name,
            site=self.source.site,
            title=value("title"),
            author=value("author"),
            date=self.parse_date(value("date"), crawled_at),
            updated=self.parse_date(value("updated"), crawled_at),
            headimg=response.urljoin(image) if image else None,
            body_html=value("body"),
            language=self.source.language,
            crawled_at=crawled_at,
            channel=channel,
            listing_date=listing_date,
            listing_title=listing_title,
        )

    def parse_date(self, text: str | None, base: datetime | None = None) -> datetime | None:
        if not text:
            return None
        parsed = parse_date(text, self.source.tzinfo, self.source.language, base or self.started_at)
        if parsed is None:
            self.crawler.stats.inc_value("dates/unparsed")
            self.logger.debug("No date in %r", text)
        return parsed

    def article_failed(self, failure: Failure) -> None:
        """An article page that could not be had: counted, logged, and the crawl goes on."""
        if failure.check(HttpError):
            reason = f"http_{failure.value.response.status}"
        else:
            reason = type(failure.value).__name__
        self.crawler.stats.inc_value(f"article/failed/{reason}")
        self.logger.warning("Article page failed (%s): %s", reason, failure.request.url)


def _href(selection: Any) -> str | None:
    """A link from a selector result: an attribute or text value, or an element's href."""
    for result in selection:
        if isinstance(result.root, str):
            return result.root.strip() or None
        href = result.attrib.get("href") or (result.css("a::attr(href)").get())
        if href:
            return href.strip()
    return None
