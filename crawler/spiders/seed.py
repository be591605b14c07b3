"""The generic spider: a seed's channel listing pages, their pagination, then each article page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import Request, Spider
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract import ExtractOptions, extract_article
from crawler.extract.dates import is_relative, parse_date
from crawler.items import Article
from crawler.seeds import Channel, Source, host_in_domains
from crawler.spiders.channels import channel_handlers
from crawler.spiders.pages import ArticlePages
from crawler.stores.extension import SeenStoreExtension
from crawler.urls import strip_tracking

if TYPE_CHECKING:
    from typing import Self
    from zoneinfo import ZoneInfo

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure


class SeedSpider(ArticlePages, Spider):
    """Crawls one Source; the spider loader makes one subclass per seed file."""

    source: ClassVar[Source]

    def __init__(
        self, *args: Any, refresh: str | None = None, since: str | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.started_at = datetime.now(UTC)
        # -a refresh=1: request every listed article, seen or not.
        self.refresh = str(refresh or "").lower() in ("1", "true", "yes")
        # -a since=YYYY-MM-DD: articles older than that day are ignored.
        self.since = parse_since(since, self.source.tzinfo) if since else None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.tracking_params = tuple(crawler.settings.getlist("TRACKING_PARAMS"))
        spider.channel_handlers = channel_handlers(spider.source, crawler.settings)
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
        listing = self.channel_handlers[channel.type].parse(response, channel, page)
        if not listing.entries and not listing.follow:
            self.logger.warning("No article links on listing page %s", response.url)
        wanted = 0
        for entry in listing.entries:
            listing_date = self.parse_date(entry.date)
            # A relative listing date ("3小时前") is newer on every run: no sign of an update.
            newer_than = None if entry.date and is_relative(entry.date) else listing_date
            skip = self.skip_reason(entry.url, listing_date)
            if skip:
                self.crawler.stats.inc_value(f"listing/skipped/{skip}")
                continue
            # An offsite link is requested all the same, for OffsiteMiddleware to filter and
            # count, but never keeps a channel going: it is never fetched, so never seen.
            onsite = host_in_domains(entry.url, self.source.allowed_domains)
            wanted += onsite
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
                meta={"seen_check": {"listed_as_of": newer_than}}
                if onsite and not self.refresh
                else {},
            )
        if listing.entries and not wanted and self.source.stop_on_seen:
            # Every entry was offsite or older than -a since: nothing to go on for.
            self.crawler.stats.inc_value("listing/stopped_on_seen")
            self.logger.info("Nothing new on %s: %s stops here", response.url, channel.name)
            return
        # IncrementalMiddleware drops these too when it dropped every article of the page.
        next_meta = {"stop_on_seen": True} if self.source.stop_on_seen else {}
        for follow in listing.follow:
            # The channel's next pages: next page, child sitemaps, an advertised feed.
            yield self.make_request(
                follow.url,
                self.parse_listing,
                cb_kwargs={"channel": follow.channel, "page": follow.page},
                meta=next_meta,
            )

    def skip_reason(self, url: str, listing_date: datetime | None) -> str | None:
        """Why a listed article need not be requested: offsite, or older than ``-a since``.

        Offsite links are not skipped here: Scrapy's OffsiteMiddleware filters their requests.
        Whether it was seen is IncrementalMiddleware's question, asked of the whole page.
        """
        if self.since and listing_date and listing_date < self.since:
            return "older_than_since"
        return None

    def parse_article(
        self,
        response: Response,
        channel: str,
        listing_date: datetime | None,
        listing_title: str | None,
    ) -> Iterator[Article | Request]:
        self.crawler.stats.inc_value("article/pages")
        options = ExtractOptions.for_source(
            self.source,
            tracking_params=self.tracking_params,
            channel=channel,
            listing_date=listing_date,
            listing_title=listing_title,
        )
        article = extract_article(response, options)
        if "date" in article.extracted_by and article.date is None:
            self.crawler.stats.inc_value("dates/unparsed")
        if self.since and article.date and article.date < self.since:
            self.crawler.stats.inc_value("article/skipped/older_than_since")
            return
        yield from self.article_pages(response, article, options)

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
