"""Sitemaps, read by Scrapy's Sitemap: gzipped or not, indexes, Google News ones, robots.txt."""

from __future__ import annotations

import logging
import struct
from typing import TYPE_CHECKING, Any

from lxml.etree import LxmlError
from scrapy.http import XmlResponse
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.spiders.channels.base import ChannelHandler, FollowUp, Listing, ListingEntry
from crawler.urls import response_url

if TYPE_CHECKING:
    from lxml.etree import _Element
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

    from crawler.seeds import Channel, Source

logger = logging.getLogger(__name__)

SITEMAP_TYPES = ("urlset", "sitemapindex")


class NewsSitemap(Sitemap):
    """Scrapy's Sitemap, also keeping what a ``<url>``'s child holds in children of its own:
    a Google News ``<news:news>`` gives ``{"news": {"title": …, "publication_date": …}}``."""

    __slots__ = ()

    def _process_sitemap_element(self, elem: _Element) -> dict[str, Any] | None:
        nested = {
            self._get_tag_name(child): {
                self._get_tag_name(part): (part.text or "").strip()
                for part in child.iterdescendants()
                if self._get_tag_name(part)
            }
            for child in elem
            if len(child) and self._get_tag_name(child)
        }
        entry = super()._process_sitemap_element(elem)
        if entry is not None:
            entry.update(nested)
        return entry


class SitemapChannel(ChannelHandler):
    """A sitemap, a sitemap index or a robots.txt naming sitemaps (``Sitemap:`` lines).

    A sitemap index and a robots.txt are read as pages whose children are the channel's next
    pages, each counted against ``max_pages``. A ``.xml.gz`` is unpacked whether or not the
    server said ``Content-Encoding: gzip``, as Scrapy's SitemapSpider does.
    """

    def __init__(self, source: Source, settings: BaseSettings):
        super().__init__(source, settings)
        self.max_size = settings.getint("DOWNLOAD_MAXSIZE")
        self.warn_size = settings.getint("DOWNLOAD_WARNSIZE")

    def parse(self, response: Response, channel: Channel, page: int) -> Listing:
        if is_robots_txt(response):
            urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
            return Listing(follow=self.children(response, urls, channel, page))
        sitemap = self.read(response)
        if sitemap is None:
            logger.warning("Not a sitemap: %s", response.url)
            return Listing()
        if sitemap.type == "sitemapindex":
            urls = [url for child in sitemap if (url := response_url(response, child["loc"]))]
            return Listing(follow=self.children(response, urls, channel, page))
        return Listing([entry for url in sitemap if (entry := sitemap_entry(response, url))])

    def children(
        self, response: Response, urls: list[str], channel: Channel, page: int
    ) -> list[FollowUp]:
        """The child sitemaps to read next, as many as ``max_pages`` leaves room for."""
        follow = self.deeper(urls, channel, page)
        if len(follow) < len(urls):
            logger.log(
                logging.INFO if follow else logging.WARNING,
                "%s names %d sitemaps; max_pages = %d leaves room for %d",
                response.url,
                len(urls),
                channel.max_pages,
                len(follow),
            )
        return follow

    def read(self, response: Response) -> NewsSitemap | None:
        """The response as a sitemap or sitemap index; None when it is neither."""
        body = self.body(response)
        if not body:
            return None
        try:
            sitemap = NewsSitemap(body)
        except (LxmlError, StopIteration):
            return None
        return sitemap if sitemap.type in SITEMAP_TYPES else None

    def body(self, response: Response) -> bytes | None:
        """The sitemap XML of the response, unpacked when gzipped; None when it is not XML.

        Scrapy's ``SitemapSpider._get_sitemap_body``: a ``.xml.gz`` sent without
        ``Content-Encoding`` is unpacked here; sent with it, HttpCompressionMiddleware did.
        """
        if isinstance(response, XmlResponse):
            return response.body
        if gzip_magic_number(response):
            max_size = response.meta.get("download_maxsize", self.max_size)
            warn_size = response.meta.get("download_warnsize", self.warn_size)
            try:
                body = gunzip(response.body, max_size=max_size)
            except _DecompressionMaxSizeExceeded:
                logger.warning("%s unpacks to more than %d bytes: ignored", response, max_size)
                return None
            except (OSError, EOFError, struct.error):
                logger.warning("%s is not a readable gzip file", response)
                return None
            if len(response.body) < warn_size <= len(body):
                logger.warning("%s unpacks to %d bytes", response, len(body))
            return body
        if response.url.endswith((".xml", ".xml.gz")):
            return response.body
        return None


def is_robots_txt(response: Response) -> bool:
    return response.url.endswith("/robots.txt")


def sitemap_entry(response: Response, url: dict[str, Any]) -> ListingEntry | None:
    """A ``<url>`` of a urlset: its Google News title, and its date: the Google News
    publication date wherever it stands in the ``<url>``, else ``<lastmod>``."""
    news = url.get("news")
    news = news if isinstance(news, dict) else {}
    loc = response_url(response, url["loc"])
    if loc is None:
        return None
    return ListingEntry(
        loc,
        news.get("title") or None,
        news.get("publication_date") or url.get("lastmod") or None,
    )
