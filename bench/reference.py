"""The reference of the crawl benchmark: a bare Scrapy spider crawling the synthetic news site
(bench/newssite.py) as a Scrapy user would, with the crawler's engine settings.

    python bench/reference.py URL OUTPUT [--images] [--trafilatura] [-s NAME=VALUE ...]

It follows the listing's article links and ``rel=next``, reads title, date, author, body and
image URLs with one CSS selector each (``--trafilatura``: the body, title, date and author by
trafilatura instead) and writes them with Scrapy's feed export to OUTPUT/items.jsonl;
``--images`` downloads the images with Scrapy's own ImagesPipeline (thumbnails as ours make).
No project settings are read: it is bare Scrapy.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

# The crawler's engine settings (crawler/settings.py), so that the ratio measures its own work.
ENGINE = {
    "ROBOTSTXT_OBEY": True,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "CONCURRENT_ITEMS": 10,
    "DOWNLOAD_TIMEOUT": 10,
    "RETRY_TIMES": 1,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "INFO",
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "FEED_EXPORT_ENCODING": "utf-8",
}
# The crawler's image settings.
IMAGES = {
    "ITEM_PIPELINES": {"scrapy.pipelines.images.ImagesPipeline": 1},
    "IMAGES_THUMBS": {"small": (300, 300)},
    "IMAGES_MIN_WIDTH": 16,
    "IMAGES_MIN_HEIGHT": 16,
}


class ReferenceSpider(Spider):
    name = "reference"

    def __init__(self, start_url: str, trafilatura: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.start_url = start_url
        self.use_trafilatura = trafilatura

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.start_url, callback=self.parse_listing)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        for href in response.css("ul.list li a.title::attr(href)").getall():
            yield response.follow(href, self.parse_article)
        following = response.css("link[rel=next]::attr(href)").get()
        if following:
            yield response.follow(following, self.parse_listing)

    def parse_article(self, response: Response) -> dict[str, Any]:
        images = response.css(".story-body img::attr(src)").getall()
        images += response.css("meta[property='og:image']::attr(content)").getall()
        item: dict[str, Any] = {
            "url": response.url,
            "image_urls": list(dict.fromkeys(response.urljoin(src) for src in images)),
        }
        if self.use_trafilatura:
            import trafilatura

            found = trafilatura.bare_extraction(
                response.text, url=response.url, include_images=True, with_metadata=True
            )
            found = found.as_dict() if found is not None else {}
            item.update({k: found.get(k) for k in ("title", "date", "author", "text")})
        else:
            item.update(
                title=response.css("h1.headline::text").get(),
                date=response.css(".byline .time::text").get(),
                author=response.css(".byline .author::text").get(),
                body=response.css(".story-body").get(),
            )
        return item


def settings(output: Path, images: bool, extra: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        **ENGINE,
        "FEEDS": {str(output / "items.jsonl"): {"format": "jsonlines"}},
    }
    if images:
        values.update(IMAGES, IMAGES_STORE=str(output / "images"))
    for pair in extra:
        name, _, value = pair.partition("=")
        values[name] = value
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("output", type=Path)
    parser.add_argument("--images", action="store_true")
    parser.add_argument("--trafilatura", action="store_true")
    parser.add_argument("-s", dest="set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    process = CrawlerProcess(settings(args.output, args.images, args.set))
    process.crawl(ReferenceSpider, start_url=args.url, trafilatura=args.trafilatura)
    process.start()


if __name__ == "__main__":
    main()
