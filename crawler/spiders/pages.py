"""Following an article over its pages: each next page requested in turn, its body joined to
the article's, and the article given once its last page is read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from types import EllipsisType
from typing import TYPE_CHECKING

from scrapy import Request

from crawler.extract import base_url, extract_article
from crawler.extract.pages import join_pages, next_page
from crawler.render import requested_url

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.extract import ExtractOptions
    from crawler.items import Article


class ArticlePages:
    """A spider mixin: ``article_pages(response, article, options)`` yields the article, or the
    request of its next page (ARTICLE_MAX_PAGES at most), whose callback joins that page and
    goes on. A next page that fails ends the article with the pages read (counted under
    ``article/next_page_failed``)."""

    def article_pages(
        self,
        response: Response,
        article: Article,
        options: ExtractOptions,
        pages: tuple = (),
        following: str | EllipsisType | None = ...,
    ) -> Iterator[Article | Request]:
        """``following``: the page's next page as ``read_page`` found it (None: none); left
        out, it is looked for here."""
        pages = (*pages, response.url)
        limit = self.crawler.settings.getint("ARTICLE_MAX_PAGES")
        if following is ...:
            following = next_page(
                response, options.rules, base_url(response.selector, response.url)
            )
        if following and following not in pages and len(pages) < limit:
            self.crawler.stats.inc_value("article/next_pages")
            make = getattr(self, "make_request", Request)
            yield make(
                following,
                self.parse_next_page,
                errback=self.next_page_failed,
                cb_kwargs={"article": article, "options": options, "pages": pages},
                dont_filter=True,
            )
            return
        yield article

    def parse_next_page(
        self, response: Response, article: Article, options: ExtractOptions, pages: tuple
    ) -> Iterator[Article | Request]:
        page = extract_article(response, replace(options, url=None, base_url=None))
        yield from self.article_pages(response, join_pages(article, page), options, pages)

    def next_page_failed(self, failure: Failure) -> Iterator[Article]:
        self.crawler.stats.inc_value("article/next_page_failed")
        self.logger.warning("Next page of an article failed: %s", requested_url(failure.request))
        yield failure.request.cb_kwargs["article"]
