"""The generic spider: a seed's channel listing pages, their pagination, then each article page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from types import EllipsisType
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer
from twisted.internet import error as net

from crawler.extract import ExtractOptions
from crawler.extract.dates import is_relative, parse_date
from crawler.extract.pages import join_pages
from crawler.extract.workers import ExtractWorkers, read_page
from crawler.items import Article
from crawler.render import renderer_class, requested_url
from crawler.render.playwright import update_settings as playwright_settings
from crawler.seed_settings import apply_seed_settings
from crawler.seeds import Channel, Source, host_in_domains
from crawler.spiders.channels import channel_handlers
from crawler.spiders.depths import ChannelDepths
from crawler.spiders.pages import ArticlePages
from crawler.stores.extension import SeenStoreExtension
from crawler.urls import strip_tracking

if TYPE_CHECKING:
    from typing import Self
    from zoneinfo import ZoneInfo

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

    from crawler.render import Renderer


# What an article page's callback gives: a generator when the page is read in the reactor's
# thread, an async generator when a worker process reads it (ExtractWorkers).
ArticleResults = Iterable[Article | Request] | AsyncIterator[Article | Request]

# Content types of pages an article can be read from (text/html, application/xhtml+xml, ...).
PAGE_TYPES = re.compile(r"^(?:text/[\w.+-]+|application/(?:[\w.-]+\+)?xml)$", re.I)
# Scrapy's Request.priority of a channel's next pages (article pages: 0, higher goes first).
NEXT_LISTING_PRIORITY = -1


class SeedSpider(ArticlePages, Spider):
    """Crawls one Source; the spider loader makes one subclass per seed file."""

    source: ClassVar[Source]
    # The crawl's ExtractWorkers, None without it; looked up at the first article page.
    workers: ExtractWorkers | EllipsisType | None = ...
    # The -a arguments of a seed's crawl; Scrapyd adds _job to every crawl it starts, and
    # _version to one scheduled with schedule.json's _version.
    ARGUMENTS: ClassVar[tuple[str, ...]] = ("refresh", "since", "_job", "_version")
    # Scrapy checks each callback for a generator that returns a value (its source read and
    # parsed, again whenever its cached bound method is gone: ~30 ms of a 1,000-article
    # crawl); a seed's callbacks are these, tested (tests/test_seeds.py). Each seed's subclass
    # keeps it (spider_class); a spider of one's own keeps the check.
    custom_settings: ClassVar[dict[str, Any]] = {"WARN_ON_GENERATOR_RETURN_VALUE": False}

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
    def update_settings(cls, settings: BaseSettings) -> None:
        """custom_settings, then the seed's [settings], both at Scrapy's "spider" priority;
        a seed rendered by Playwright gets its download handler."""
        super().update_settings(settings)
        source = getattr(cls, "source", None)  # set on each seed's subclass
        if source is None:
            return
        apply_seed_settings(settings, source.settings)
        if source.render == "playwright":
            # Only a seed rendered by Playwright has its download handler (and a browser).
            playwright_settings(settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.tracking_params = tuple(crawler.settings.getlist("TRACKING_PARAMS"))
        spider.channel_handlers = channel_handlers(spider.source, crawler.settings)
        spider.depths = ChannelDepths()
        renderer = renderer_class(spider.source)
        spider.renderer = renderer(spider.source, crawler.settings) if renderer else None
        return spider

    def make_request(self, url: str, callback: Any, **kwargs: Any) -> Request:
        """Every request of the spider is made here (listing pages, feeds, sitemaps, article
        pages, and so their retries): the one seam where rendering changes how pages are asked.

        A seed's renderer makes the request of a page of a kind its ``render_pages`` names:
        listing pages of ``html`` channels (feeds, sitemaps and ``auto`` channels are read as
        sent), article pages and their next pages."""
        if self.renders(callback, kwargs.get("cb_kwargs") or {}):
            kind = "listing" if callback == self.parse_listing else "article"
            return self.renderer.request(url, callback, kind, **kwargs)
        return Request(url, callback=callback, **kwargs)

    def renders(self, callback: Any, cb_kwargs: dict[str, Any]) -> bool:
        """Whether the page a request with this callback asks for is rendered."""
        renderer: Renderer | None = self.renderer
        if renderer is None:
            return False
        if callback == self.parse_listing:
            return renderer.renders("listing") and cb_kwargs["channel"].type == "html"
        return renderer.renders("article")

    def failure_reason(self, failure: Failure) -> str:
        """Why a page could not be had (a stats key): the renderer's word when it rendered the
        page, else the plain downloader's (failure_reason)."""
        reason = self.renderer.failure_reason(failure) if self.renderer else None
        return reason or failure_reason(failure)

    def failure_detail(self, failure: Failure) -> str:
        """The renderer's words on why a rendered page failed, for its log line, or ""."""
        return self.renderer.failure_detail(failure) if self.renderer else ""

    async def start(self) -> AsyncIterator[Request]:
        # Counted from 0: a run whose listings give no article link says so in its report.
        self.crawler.stats.set_value("listing/articles_found", 0)
        await self.read_depths()
        for channel in self.source.channels:
            yield self.make_request(
                channel.url,
                self.parse_listing,
                errback=self.listing_failed,
                cb_kwargs={"channel": channel, "page": 1},
            )

    async def read_depths(self) -> None:
        """How deep a finished crawl has read each channel, from the seen-store (one call).
        A channel not yet read down to ``max_pages`` is read to the end, pages of seen
        articles or not (backfill): logged, and counted under ``listing/backfill``."""
        seen = self.crawler.get_extension(SeenStoreExtension)
        if seen is None or not self.source.stop_on_seen:
            return
        urls = [channel.url for channel in self.source.channels]
        try:
            saved = await maybe_deferred_to_future(seen.channel_depths(self.name, urls))
        except Exception as exc:
            self.crawler.stats.inc_value("seen_store/errors")
            self.logger.error(
                "Seen-store: cannot read how deep the channels were read (%s): each is read "
                "down to max_pages",
                exc,
            )
            saved = {}
        self.depths = ChannelDepths(saved)
        for channel in self.source.channels:
            if not self.depths.covered(channel):
                self.crawler.stats.inc_value("listing/backfill")
                depth = saved.get(channel.url)
                self.logger.info(
                    "Backfill: %s is read down to max_pages = %d past pages of seen articles (%s)",
                    channel.name,
                    channel.max_pages,
                    f"a finished crawl read it down to page {depth}"
                    if depth
                    else "no finished crawl has read it to the end yet",
                )

    async def closed(self, reason: str) -> None:
        """A crawl that finished records in the seen-store the channels it read down to the
        end; an interrupted one (killed, closed early) or one with ``-a since`` (which skips
        older articles) records nothing."""
        seen = self.crawler.get_extension(SeenStoreExtension)
        if reason != "finished" or self.since or not self.depths.done or seen is None:
            return
        await maybe_deferred_to_future(seen.record_channel_depths(self.name, self.depths.done))

    def parse_listing(self, response: Response, channel: Channel, page: int) -> Iterator[Request]:
        self.crawler.stats.inc_value("listing/pages")
        listing = self.channel_handlers[channel.type].parse(response, channel, page)
        if not listing.entries and not listing.follow:
            self.logger.warning("No article links on listing page %s", response.url)
        wanted = 0
        for entry in listing.entries:
            if not self.is_web(entry.url, "listing"):
                continue
            onsite = host_in_domains(entry.url, self.source.allowed_domains)
            # Article links taken from listings, seen or not (the report's articles_found).
            self.crawler.stats.inc_value("listing/articles_found", int(onsite))
            listing_date = self.parse_date(entry.date)
            # A relative listing date ("3小时前") is newer on every run: no sign of an update.
            newer_than = None if entry.date and is_relative(entry.date) else listing_date
            skip = self.skip_reason(entry.url, listing_date)
            if skip:
                self.crawler.stats.inc_value(f"listing/skipped/{skip}")
                continue
            # An offsite link is requested all the same, for OffsiteMiddleware to filter and
            # count, but never keeps a channel going: it is never fetched, so never seen.
            wanted += onsite
            yield self.make_request(
                strip_tracking(entry.url, self.tracking_params),
                self.parse_article,
                errback=self.article_failed,
                cb_kwargs={
                    "channel": channel.name,
                    "listing_date": listing_date,
                    "listing_relative": newer_than is None and listing_date is not None,
                    "listing_title": entry.title,
                },
                # IncrementalMiddleware drops it if the seen-store says it is not needed.
                meta={"seen_check": {"listed_as_of": newer_than}}
                if onsite and not self.refresh
                else {},
            )
        # The channel's next pages: next page, child sitemaps, an advertised feed.
        follows = [follow for follow in listing.follow if self.is_web(follow.url, "listing")]
        self.depths.read(channel, page, last=not follows)
        # A page with nothing new ends the channel once a finished crawl has read it down to
        # max_pages; until then its deeper pages are read (backfill).
        stop_on_seen = self.source.stop_on_seen and self.depths.covered(channel)
        if listing.entries and not wanted and stop_on_seen:
            # Every entry was offsite or older than -a since: nothing to go on for.
            self.crawler.stats.inc_value("listing/stopped_on_seen")
            self.logger.info("Nothing new on %s: %s stops here", response.url, channel.name)
            return
        # IncrementalMiddleware drops these too when it dropped every article of the page.
        next_meta = {"stop_on_seen": True} if stop_on_seen else {}
        for follow in follows:
            yield self.make_request(
                follow.url,
                self.parse_listing,
                errback=self.listing_failed,
                cb_kwargs={"channel": follow.channel, "page": follow.page},
                meta=next_meta,
                # Asked once the scheduler holds no article page: a crawl whose articles are
                # read slower than its listings (EXTRACT_PROCESSES' workers) would otherwise
                # run down the whole channel first, its scheduler holding every article link
                # found (memory that grew with the site: bench/run.py --memory --trace).
                priority=NEXT_LISTING_PRIORITY,
            )

    def is_web(self, url: str, kind: str) -> bool:
        """Whether a URL taken from a page can be requested: http(s) only. A
        ``javascript:loadMore()``, ``mailto:`` or ``#`` link is skipped and counted under
        ``<kind>/skipped/not_http``."""
        if urlsplit(url).scheme in ("http", "https"):
            return True
        self.crawler.stats.inc_value(f"{kind}/skipped/not_http")
        self.logger.info("Not a web address, not requested: %s", url[:200])
        return False

    def parse(self, response: Response, **kwargs: Any) -> ArticleResults:
        """A page read as an article page of this seed: what `scrapy parse --spider NAME URL`
        shows is the article a crawl would export of it."""
        return self.parse_article(response, None, None, None)

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
        channel: str | None,
        listing_date: datetime | None,
        listing_title: str | None,
        listing_relative: bool = False,
    ) -> ArticleResults:
        """The article of an article page, or the request of its next page (ArticlePages).
        The page is read in this thread (a generator) without ExtractWorkers, by one of its
        worker processes (an async generator, awaiting it) with them: Scrapy takes either."""
        self.crawler.stats.inc_value("article/pages")
        kind = not_a_page(response)
        if kind:
            # Remembered so that it is not asked again before RETRY_FAILED_AFTER.
            self.page_failed(requested_url(response.request), "not_html", kind)
            return ()
        options = ExtractOptions.for_source(
            self.source,
            tracking_params=self.tracking_params,
            channel=channel,
            listing_date=listing_date,
            listing_date_relative=listing_relative,
            listing_title=listing_title,
        )
        workers = self.extract_workers()
        if workers is None:
            return self.article_read_here(response, options)
        return self.article_read_by(workers, response, options)

    def article_read_here(
        self, response: Response, options: ExtractOptions
    ) -> Iterator[Article | Request]:
        yield from self.article_results(response, options, *read_page(response, options))

    async def article_read_by(
        self, workers: ExtractWorkers, response: Response, options: ExtractOptions
    ) -> AsyncIterator[Article | Request]:
        read = await workers.read(response, options)
        for result in self.article_results(response, options, *read):
            yield result

    def article_results(
        self, response: Response, options: ExtractOptions, article: Article, following: str | None
    ) -> Iterator[Article | Request]:
        """What an article page read gives: its article, or its next page's request."""
        if "date" in article.extracted_by and article.date is None:
            self.crawler.stats.inc_value("dates/unparsed")
        if self.since and article.date and article.date < self.since:
            self.crawler.stats.inc_value("article/skipped/older_than_since")
            return
        yield from self.article_pages(response, article, options, following=following)

    def parse_next_page(
        self, response: Response, article: Article, options: ExtractOptions, pages: tuple
    ) -> ArticleResults:
        """An article's next page, its body joined to the article's (ArticlePages): read as
        an article page is, in this thread or by a worker process."""
        workers = self.extract_workers()
        if workers is None:
            return super().parse_next_page(response, article, options, pages)
        return self.next_page_read_by(workers, response, article, options, pages)

    async def next_page_read_by(
        self,
        workers: ExtractWorkers,
        response: Response,
        article: Article,
        options: ExtractOptions,
        pages: tuple,
    ) -> AsyncIterator[Article | Request]:
        page, following = await workers.read(response, replace(options, url=None, base_url=None))
        joined = join_pages(article, page)
        for result in self.article_pages(response, joined, options, pages, following):
            yield result

    def extract_workers(self) -> ExtractWorkers | None:
        """The crawl's ExtractWorkers (EXTRACT_PROCESSES), or None."""
        if self.workers is ...:
            self.workers = self.crawler.get_extension(ExtractWorkers)
        return self.workers

    def parse_date(self, text: str | None, base: datetime | None = None) -> datetime | None:
        if not text:
            return None
        parsed = parse_date(text, self.source.tzinfo, self.source.language, base or self.started_at)
        if parsed is None:
            self.crawler.stats.inc_value("dates/unparsed")
            self.logger.debug("No date in %r", text)
        return parsed

    def article_failed(self, failure: Failure) -> None:
        """An article page that could not be had: counted, logged, and the crawl goes on; a
        page that is not there (4xx), or that never showed what a rendered page waits for, is
        not asked again before RETRY_FAILED_AFTER."""
        reason = self.failure_reason(failure)
        url = requested_url(failure.request)
        if reason == "wait_for_timeout" or re.fullmatch(r"http_4\d\d", reason):
            self.page_failed(url, reason, self.failure_detail(failure))
            return
        self.crawler.stats.inc_value(f"article/failed/{reason}")
        detail = self.failure_detail(failure)
        self.logger.warning(
            "Article page failed (%s%s): %s", reason, f": {detail}" if detail else "", url
        )

    def page_failed(self, url: str, reason: str, detail: str = "") -> None:
        """An article page that gave nothing: counted, logged in one line, and remembered."""
        self.crawler.stats.inc_value(f"article/failed/{reason}")
        self.logger.warning(
            "Article page failed (%s%s): %s", reason, f": {detail}" if detail else "", url
        )
        seen = self.crawler.get_extension(SeenStoreExtension)
        if seen is not None:
            seen.record_failure(url, reason)

    def listing_failed(self, failure: Failure) -> None:
        """A channel page that could not be had: counted under listing/failed/<reason>; a run
        that had none of its channel pages fails (see crawler.report)."""
        reason = self.failure_reason(failure)
        self.crawler.stats.inc_value(f"listing/failed/{reason}")
        detail = self.failure_detail(failure)
        self.logger.error(
            "Channel page failed (%s%s): %s",
            reason,
            f": {detail}" if detail else "",
            requested_url(failure.request),
        )


def not_a_page(response: Response) -> str | None:
    """What a response is when it is no page an article can be read from (a PDF, an image, an
    archive linked as an article; Scrapy takes some for text by their first bytes): its
    Content-Type, or None for a page. A page sent as something else (an XHTML file without an
    extension, as application/octet-stream) that opens like markup is a page."""
    kind = response.headers.get("Content-Type", b"").decode("latin-1").split(";")[0].strip()
    opens_like_markup = response.body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if not isinstance(response, TextResponse):
        return kind or "no Content-Type"
    if kind and not PAGE_TYPES.match(kind) and not opens_like_markup:
        return kind
    return None


def failure_reason(failure: Failure) -> str:
    """A short stats key for why a page could not be had: http_<status>, robots_txt, timeout,
    connection_refused, dns, or the exception's name."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
        return "robots_txt"
    # Scrapy's own download errors (2.13+), and Twisted's that older handlers raise.
    if failure.check(DownloadTimeoutError, net.TimeoutError, defer.TimeoutError):
        return "timeout"
    if failure.check(DownloadConnectionRefusedError, net.ConnectionRefusedError):
        return "connection_refused"
    if failure.check(CannotResolveHostError, net.DNSLookupError):
        return "dns"
    return type(failure.value).__name__


def parse_since(text: str, tz: ZoneInfo) -> datetime:
    """The start of a YYYY-MM-DD day in the seed's timezone; ValueError for anything else."""
    day = date.fromisoformat(text)
    return datetime(day.year, day.month, day.day, tzinfo=tz)
