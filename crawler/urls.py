"""Article URLs: tracking parameters and fragments removed, the canonical form used as key, and
the site a URL belongs to."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from scrapy.http import Response
from w3lib.url import canonicalize_url, url_query_cleaner

logger = logging.getLogger(__name__)


def join_url(base: str, link: str) -> str | None:
    """``link`` made absolute against ``base`` (urllib's ``urljoin`` of the stripped link, as
    lxml's ``make_links_absolute`` and Scrapy's ``Response.urljoin`` do), or None when urllib
    cannot read it: since Python 3.11.4 a bracketed host that is not an IP address
    (``http://[ccpa-preferences]/``, seen on real pages) raises ValueError."""
    try:
        return urljoin(base, link.strip())
    except ValueError as exc:
        logger.info("Link left out: %r is not a URL urllib can read (%s), on %s", link, exc, base)
        return None


def response_url(response: Response, link: str) -> str | None:
    """``link`` made absolute as Scrapy's ``Response.urljoin`` makes it (against the page's
    ``<base href>`` for HTML), or None when urllib cannot read it (see ``join_url``)."""
    try:
        return response.urljoin(link.strip())
    except ValueError as exc:
        logger.info(
            "Link left out: %r is not a URL urllib can read (%s), on %s", link, exc, response.url
        )
        return None


def strip_tracking(url: str, tracking_params: Iterable[str]) -> str:
    """The URL without tracking query parameters and without its fragment."""
    return url_query_cleaner(url, list(tracking_params), remove=True, unique=False)


def canonical_url(url: str, tracking_params: Iterable[str]) -> str:
    """The one form of an article's URL: the key of the seen-store and of post file names."""
    return canonicalize_url(strip_tracking(url, tracking_params))


def site_host(url: str | None) -> str | None:
    """The host of an address without its "www." ("https://www.example.org/a" ->
    "example.org"), or None (no address, no host, or one that does not parse)."""
    try:
        host = urlsplit((url or "").strip()).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None
