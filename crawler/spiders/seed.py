"""The generic spider: a seed's channel listing pages, their pagination, then each article page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import Request, Spider
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract import extract_article
from crawler.extract.dates import is_relative, parse_date
from crawler.extract.rules import selection_text
from crawler.items import Article
from crawler.seeds import Channel, Source, host_in_domains, select
from crawler.spiders.channels import (
    ListingEntry,
    advertised_feed,
    feed_entries,
    guessed_entries,
    kind_of,
    sitemap_entries,
)
from crawler.stores.extension import SeenStoreExtension
from crawler.urls import strip_tracking

if TYPE_CHECKING:
    from typing import Self
    from zoneinfo import ZoneInfo

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure


class SeedSpider(Spider):
    """Crawls one Source; the spider loader makes one subclass per seed file."""

    source: ClassVar[Source]

    def __init__(
        self, *args: Any, refresh: str | None = None, since: str | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.started_at = datetime.now(UTC)
        # Names this run's feed and report files.
        self.run_id = self.started_at.strftime("%Y%m%dT%H%M%SZ")
        # -a refresh=1: request every listed article, seen or not.
        self.refresh = str(refresh or "").lower() in ("1", "true", "yes")
        # -a since=YYYY-MM-DD: articles older than that day are ignored.
        self.since = parse_since(since, self.source.tzinfo) if since else None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.tracking_params = crawler.settings.getlist("TRACKING_PARAMS")
        return spider

    def make_request(self, url: str, callback: Any, **kwargs: Any) -> Request:
        """Every request of the spider is made here (listing pages, feeds, sitemaps, article
        pages): the one seam where rendering (Splash, Playwright) changes how pages are asked."""
        return Request(url, callback=callback, **kwargs)

    async def start(self) -> AsyncIterator[Request]:
        for channel in self.source.channels:
            yield self.make_request(
                channel.url,
                self.parse_listing,
                cb_kwargs={"channel": channel, "page": 1},
            )

    def parse_listing(self, response: Response, channel: Channel, page: int) -> Iterator[Request]:
        self.crawler.stats.inc_value("listing/pages")
        kind = channel.type if channel.type != "auto" else kind_of(response)
        if channel.type == "auto" and kind == "html" and page == 1:
            feed = advertised_feed(response)
            if feed:
                self.logger.info("%s advertises its feed %s: reading that", response.url, feed)
                feed_channel = replace(channel, type="feed")
                yield self.make_request(
                    feed,
                    self.parse_listing,
                    cb_kwargs={"channel": feed_channel, "page": page},
                )
                return
        children: list[str] = []
        if kind == "feed":
            entries = list(feed_entries(response))
        elif kind == "sitemap":
            entries, children = sitemap_entries(response)
        else:
            entries = list(self.listing_entries(response))
        if not entries:
            self.logger.warning("No article links on listing page %s", response.url)
        wanted = 0
        for entry in entries:
            listing_date = self.parse_date(entry.date)
            # A relative listing date ("3小时前") is newer on every run: no sign of an update.
            newer_than = None if entry.date and is_relative(entry.date) else listing_date
            skip = self.skip_reason(entry.url, listing_date)
            if skip:
                self.crawler.stats.inc_value(f"listing/skipped/{skip}")
                continue
            wanted += 1
            yield self.make_request(
                strip_tracking(entry.url, self.tracking_params),
                self.parse_article,
                errback=self.article_failed,
                cb_kwargs={
                    "channel": channel.name,
                    "listing_date": listing_date,
                    "listing_title": entry.title,
                },
                # IncrementalMiddleware drops it if the seen-store says it is not needed.
                meta={} if self.refresh else {"seen_check": {"listed_as_of": newer_than}},
            )
        # ...and then drops these when it dropped every article of the page.
        next_meta = {"stop_on_seen": True} if self.source.stop_on_seen else {}
        for child in children[: max(channel.max_pages - page, 0)]:
            # A sitemap index: each child sitemap counts as one more listing page.
            yield self.make_request(
                child,
                self.parse_listing,
                cb_kwargs={"channel": channel, "page": page + 1},
                meta=next_meta,
            )
        if entries and not wanted and self.source.stop_on_seen:
            self.crawler.stats.inc_value("listing/stopped_on_seen")
            self.logger.info("Nothing new on %s: %s stops here", response.url, channel.name)
            return
        next_query = self.source.listing.next
        if kind == "html" and next_query and page < channel.max_pages:
            next_url = select(response, next_query).get()
            if next_url:
                yield self.make_request(
                    response.urljoin(next_url),
                    self.parse_listing,
                    cb_kwargs={"channel": channel, "page": page + 1},
                    meta=next_meta,
                )

    def skip_reason(self, url: str, listing_date: datetime | None) -> str | None:
        """Why a listed article need not be requested: offsite, or older than ``-a since``.

        Whether it was seen is IncrementalMiddleware's question, asked of the whole page.
        """
        if not host_in_domains(url, self.source.allowed_domains):
            return "offsite"
        if self.since and listing_date and listing_date < self.since:
            return "older_than_since"
        return None

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
        entries = guessed_entries(response, skip={c.url for c in self.source.channels})
        self.logger.info(
            "No link selector: took %d links from %s: %s",
            len(entries),
            response.url,
            [entry.url for entry in entries],
        )
        yield from entries

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

        published = self.parse_date(value("date"), crawled_at)
        if self.since and published and published < self.since:
            self.crawler.stats.inc_value("article/skipped/older_than_since")
            return
        image = value("image")
        yield Article(
            url=response.url,
            source=self.name,
            site=self.source.site,
            title=value("title"),
            author=value("author"),
            date=published,
            date_relative=bool(published and is_relative(value("date"))),
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
            status = failure.value.response.status
            reason = f"http_{status}"
            if 400 <= status < 500:
                # The page is not there: ask again only after RETRY_FAILED_AFTER.
                seen = self.crawler.get_extension(SeenStoreExtension)
                if seen is not None:
                    seen.record_failure(failure.request.url, reason)
        else:
            reason = type(failure.value).__name__
        self.crawler.stats.inc_value(f"article/failed/{reason}")
        self.logger.warning("Article page failed (%s): %s", reason, failure.request.url)


def parse_since(text: str, tz: ZoneInfo) -> datetime:
    """The start of a YYYY-MM-DD day in the seed's timezone; ValueError for anything else."""
    day = date.fromisoformat(text)
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _href(selection: Any) -> str | None:
    """A link from a selector result: an attribute or text value, or an element's href."""
    for result in selection:
        if isinstance(result.root, str):
            return result.root.strip() or None
        href = result.attrib.get("href") or (result.css("a::attr(href)").get())
        if href:
            return href.strip()
    return None
