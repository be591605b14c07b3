"""Download an article's images with Scrapy's ImagesPipeline and point its body at the copies."""

from __future__ import annotations

import html
import logging
import math
import re
from collections import OrderedDict
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import lxml.html
from itemadapter import ItemAdapter
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.images import ImagesPipeline
from scrapy.pipelines.media import _MediaRequestFiltered

from crawler.cleaning import inner_html
from crawler.logfilters import without_tracebacks
from crawler.seeds import host_in_domains

if TYPE_CHECKING:
    from typing import Self

    from PIL.Image import Image
    from scrapy.crawler import Crawler
    from scrapy.pipelines.media import FileInfoOrError, MediaPipeline
    from twisted.python.failure import Failure


logger = logging.getLogger(__name__)


# Failures that say the image is not there or is no picture: removed from the article. Others
# (too large, a network error, a host not asked) keep the image at its remote address.
BROKEN = frozenset({"http_error", "too_small", "not_an_image", "empty"})


# What libxml2's HTML serializer writes, which clean_body's body_html is: an <img> start tag,
# whose attribute values hold no ">" (written "&gt;"), and its attributes, each value in double
# quotes, or in single ones when it holds a double quote (boolean attributes bare).
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
TAG_ATTR = re.compile(r"""\s+([^\s"'>/=]+)(?:=(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def copies_in_body(body_html: str, paths: dict[str, str], url_prefix: str) -> str:
    """The body with each ``<img>`` whose ``src`` (unescaped) is a key of ``paths`` pointed at
    ``url_prefix + paths[src]``, its ``referrerpolicy`` dropped (a local copy needs none);
    everything else as it was.

    ``body_html`` is the serialization of ``clean_body`` (libxml2's, above): its start tags
    are rewritten in the string, without the parse and the serialization of the whole body
    they cost (about 120 µs an article on the benchmark). It gives what parsing the body,
    setting the attributes and writing it again gives (``lxml.html.fragment_fromstring``,
    ``inner_html``) on every body of the shared corpus but two, which that round trip changes
    by itself, images or not (a ``<p>`` left inside an ``<h2>`` is read back as closing it):
    those keep the body as it was exported."""
    if "<img" not in body_html and "<IMG" not in body_html:
        return body_html

    def point(match: re.Match[str]) -> str:
        tag = match.group(0)
        attrs = list(TAG_ATTR.finditer(tag, 4))
        src = next((a for a in attrs if a.group(1).lower() == "src"), None)
        if src is None:
            return tag
        value = next((v for v in src.group(2, 3, 4) if v is not None), "")
        path = paths.get(html.unescape(value))
        if not path:
            return tag
        local = html.escape(url_prefix + path, quote=False).replace('"', "&quot;")
        parts, last = ["<img"], 4
        for attr in attrs:
            parts.append(tag[last : attr.start()])
            name = attr.group(1).lower()
            if name == "src":
                parts.append(f' src="{local}"')
            elif name != "referrerpolicy":
                parts.append(attr.group(0))
            last = attr.end()
        parts.append(tag[last:])
        return "".join(parts)

    return IMG_TAG.sub(point, body_html)


class ImageNotKept(_MediaRequestFiltered):
    """An image that failed, already counted and logged in one line.

    Scrapy logs any other media failure with a full traceback; a failed image is routine.
    """


def failure_reason(failure: Failure) -> str:
    """A short stats key for why an image was not kept."""
    error = failure.value
    message = str(error)
    if isinstance(error, IgnoreRequest):
        return "filtered"
    if isinstance(error, DownloadCancelledError):
        # Scrapy cancels a download only when it grows past DOWNLOAD_MAXSIZE.
        return "too_large"
    if message.startswith("Image too small"):
        return "too_small"
    if message == "download-error":
        return "http_error"
    if message == "empty-content":
        return "empty"
    if "cannot identify image file" in message:
        return "not_an_image"
    return type(error).__name__


class RecentResults(OrderedDict):
    """The results of the last ``size`` image requests, the most recently asked last.

    Scrapy's media pipeline keeps the result of every image request of the crawl, to answer
    an image asked again without a download: a long crawl holds them all. Kept bounded, an
    image asked again after it left is found in IMAGES_STORE (``media_to_download``) and is
    not downloaded again either.

    The pipeline asks ``fp in results`` and reads ``results[fp]`` after an await, while other
    results come in: a result found is held until it is read, whatever leaves meanwhile.
    """

    def __init__(self, size: int):
        super().__init__()
        self.size = size
        # Results found by ``in`` and not read yet: {key: [result, readers to come]}.
        self.held: dict[Any, list[Any]] = {}

    def __contains__(self, key: object) -> bool:
        found = super().__contains__(key)
        if found:
            self.move_to_end(key)
            held = self.held.setdefault(key, [super().__getitem__(key), 0])
            held[1] += 1
        return found

    def __getitem__(self, key: Any) -> Any:
        held = self.held.get(key)
        if held is None:
            return super().__getitem__(key)
        held[1] -= 1
        if not held[1]:
            del self.held[key]
        return held[0]

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class ArticleImagesPipeline(ImagesPipeline):
    """Every body image and the head image, each downloaded once into IMAGES_STORE.

    The item's ``images`` lists ``{url, path, checksum}`` of those kept; with IMAGES_REWRITE
    the body, ``headimg`` and ``thumbnail`` then point at IMAGES_URL_PREFIX + path. An image
    that fails keeps its remote address and is counted under images/failed/<reason>.
    """

    # We log one line per failed image; Scrapy's default logs the whole item as an error.
    LOG_FAILED_RESULTS = False
    # Image results kept in memory (RecentResults).
    RESULTS_KEPT = 10_000

    def open_spider(self, spider: Any = None) -> None:
        super().open_spider()
        # Scrapy's keeps every result of the crawl: only the recent ones are kept.
        self.spiderinfo.downloaded = RecentResults(self.RESULTS_KEPT)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """IMAGES_STORE, else <OUTPUT_DIR>/images (Scrapy's own from_crawler needs it set);
        NotConfigured (the pipeline left out) with IMAGES_ENABLED = False."""
        settings = crawler.settings
        if not settings.getbool("IMAGES_ENABLED", True):
            raise NotConfigured("IMAGES_ENABLED is False: images are not downloaded")
        cls._update_stores(settings)
        store_uri = settings.get("IMAGES_STORE") or f"{settings.get('OUTPUT_DIR')}/images"
        return cls(store_uri, crawler=crawler)

    def __init__(self, store_uri: str, *, crawler: Crawler):
        if "://" not in str(store_uri) or str(store_uri).startswith("file://"):
            # Scrapy's file store checks, then creates, its folders: two crawls at once can
            # race between the two. Folders made first, with exist_ok, leave it nothing to do.
            root = Path(str(store_uri).removeprefix("file://"))
            thumbs = crawler.settings.getdict("IMAGES_THUMBS")
            for folder in ["full", *(f"thumbs/{thumb}" for thumb in thumbs)]:
                (root / folder).mkdir(parents=True, exist_ok=True)
        super().__init__(store_uri, crawler=crawler)
        settings = crawler.settings
        self.stats = crawler.stats
        self.rewrite = settings.getbool("IMAGES_REWRITE")
        self.url_prefix = settings.get("IMAGES_URL_PREFIX")
        # "none": images asked without a Referer; "page": with the article's URL (a seed's
        # image_referer sets it for its spider).
        self.referer = settings.get("IMAGES_REFERER")
        # Hosts images may be downloaded from (and their subdomains); empty: any host.
        self.domains = tuple(settings.getlist("IMAGES_DOMAINS"))
        # The last full image encoded here and its JPEG, for its thumbnails (convert_image).
        self.encoded: tuple[Image, BytesIO] | None = None
        # Scrapy's files pipeline logs each image it cannot read with a traceback.
        without_tracebacks("scrapy.pipelines.files")

    def convert_image(
        self, image: Image, size: tuple[int, int] | None = None, *, response_body: BytesIO
    ) -> tuple[Image, BytesIO]:
        """Scrapy's, but the thumbnail of an image that already fits in its size is the JPEG
        just encoded for the full image: Pillow's ``thumbnail()`` leaves such an image as it
        is, so Scrapy would encode the same pixels, with the same info and options, into the
        same bytes a second time. (Not when the full image kept its downloaded JPEG bytes.)"""
        encoded = self.encoded
        if (
            size
            and encoded is not None
            and encoded[0] is image
            and encoded[1] is response_body
            and image.mode == "RGB"
            and image.width <= math.floor(size[0])
            and image.height <= math.floor(size[1])
        ):
            return image, BytesIO(response_body.getvalue())
        converted, buf = super().convert_image(image, size, response_body=response_body)
        if not size:
            self.encoded = (converted, buf) if buf is not response_body else None
        return converted, buf

    def get_media_requests(self, item: Any, info: MediaPipeline.SpiderInfo) -> list[Request]:
        article = ItemAdapter(item)
        headers = {"Referer": article["url"]} if self.referer == "page" else {}
        # Images often live on another host (a CDN) than the site's allowed_domains, which
        # OffsiteMiddleware would filter: an article's images are asked wherever they are, as
        # a browser showing the page asks them (the page itself obeyed robots.txt; the
        # robots.txt request of a CDN would be filtered as offsite and counted as such).
        meta = {"allow_offsite": True, "dont_obey_robotstxt": True}
        skipped = len(article.get("image_urls") or []) - len(self.wanted(article))
        if skipped:
            self.stats.inc_value("images/failed/not_in_image_domains", skipped)
        return [
            Request(url, headers=headers, meta=meta, callback=NO_CALLBACK)
            for url in self.wanted(article)
        ]

    def wanted(self, article: ItemAdapter) -> list[str]:
        """The article's images that are asked: all, or those on IMAGES_DOMAINS."""
        urls = article.get("image_urls") or []
        return [url for url in urls if not self.domains or host_in_domains(url, self.domains)]

    def media_failed(
        self, failure: Failure, request: Request, info: MediaPipeline.SpiderInfo
    ) -> NoReturn:
        reason = failure_reason(failure)
        self.stats.inc_value(f"images/failed/{reason}")
        logger.warning("Image not kept (%s): %s", reason, request.url)
        raise ImageNotKept(reason)

    def item_completed(
        self, results: list[FileInfoOrError], item: Any, info: MediaPipeline.SpiderInfo
    ) -> Any:
        article = ItemAdapter(item)
        kept = [
            {"url": result["url"], "path": result["path"], "checksum": result["checksum"]}
            for ok, result in results
            if ok
        ]
        article["images"] = kept
        self.stats.inc_value("images/kept", len(kept))
        broken = {
            url
            for (ok, result), url in zip(results, self.wanted(article), strict=False)
            if not ok and isinstance(result.value, ImageNotKept) and str(result.value) in BROKEN
        }
        if broken:
            self.remove_broken(article, broken)
        if self.rewrite and kept:
            self.point_at_copies(article, {image["url"]: image["path"] for image in kept})
        return item

    def remove_broken(self, article: ItemAdapter, broken: set[str]) -> None:
        """Images that are not there or no pictures (a 404, a tracking pixel, not an image) out
        of the body, and out of headimg and thumbnail; counted under images/removed."""
        root = lxml.html.fragment_fromstring(article["body_html"], create_parent="div")
        removed = 0
        for img in list(root.iter("img")):
            if img.get("src") in broken:
                img.drop_tree()
                removed += 1
        article["body_html"] = inner_html(root)
        if article.get("headimg") in broken:
            article["headimg"] = article["thumbnail"] = None
            removed += 1
        self.stats.inc_value("images/removed", removed)

    def point_at_copies(self, article: ItemAdapter, paths: dict[str, str]) -> None:
        """Body images, headimg and thumbnail rewritten to the local copies that exist (the
        body by ``copies_in_body``)."""
        article["body_html"] = copies_in_body(article["body_html"] or "", paths, self.url_prefix)
        head = article.get("headimg")
        if head in paths:
            article["headimg"] = self.url_prefix + paths[head]
            thumb_id = next(iter(self.thumbs), None)
            article["thumbnail"] = self.url_prefix + (
                self.thumb_path(Request(head), thumb_id) if thumb_id else paths[head]
            )
