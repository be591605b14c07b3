"""Spiders of one's own, as a user's project would have them in SPIDER_MODULES: plain
``scrapy.Spider``s yielding ``Article``s, with no seed behind them.

``plain`` reads the news fixture site's listing and builds each article with the crawler's
``extract_article``, giving the options a seed would; ``raw`` builds its articles by hand, body
HTML as the page has it, and leaves the rest to the pipelines.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import scrapy

from crawler.extract import ExtractOptions, extract_article
from crawler.items import Article
from crawler.seeds import ArticleRules

# The news fixture site's article selectors, as its seed gives them.
NEWS_RULES = ArticleRules(
    title="h1.headline::text",
    date=".info .time::text",
    author=".info .author::text",
    body=".content",
    exclude=(".share",),
)


class PlainSpider(scrapy.Spider):
    name = "plain"
    allowed_domains = ("127.0.0.1",)
    # Listing pages read, as the seed's max_pages.
    max_pages = 3

    def __init__(self, start: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]

    def parse(self, response, page=1):
        for item in response.css("ul.news li"):
            yield response.follow(
                item.css("a.title::attr(href)").get(),
                callback=self.parse_article,
                cb_kwargs={"listing_title": item.css("a.title::text").get()},
            )
        next_page = response.css("a.next::attr(href)").get()
        if next_page and page < self.max_pages:
            yield response.follow(next_page, callback=self.parse, cb_kwargs={"page": page + 1})

    def parse_article(self, response, listing_title):
        options = ExtractOptions(
            language="zh",
            timezone="Asia/Shanghai",
            rules=NEWS_RULES,
            source="news",
            site="测试新闻网",
            categories=("测试", "测试新闻网", "要闻"),
            tracking_params=tuple(self.settings.getlist("TRACKING_PARAMS")),
            channel="要闻",
            listing_title=listing_title,
        )
        yield extract_article(response, options)


class RawSpider(scrapy.Spider):
    name = "raw"

    def __init__(self, start: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]

    def parse(self, response):
        yield Article(
            url=response.url,
            source="raw",
            site="Raw Site",
            title="  A   title\n written by hand ",
            date=datetime(2022, 4, 9, 17, 56, tzinfo=ZoneInfo("Asia/Shanghai")),
            body_html=(
                '<div><p onclick="x()">Raw <a href="rel/link.html">link</a></p>'
                '<script>evil()</script><img src="/img/x.png"></div>'
            ),
        )
