"""Article URLs: tracking parameters and fragments removed, and the canonical form used as key."""

from __future__ import annotations

from collections.abc import Iterable

from w3lib.url import canonicalize_url, url_query_cleaner


def strip_tracking(url: str, tracking_params: Iterable[str]) -> str:
    """The URL without tracking query parameters and without its fragment."""
    return url_query_cleaner(url, list(tracking_params), remove=True, unique=False)


def canonical_url(url: str, tracking_params: Iterable[str]) -> str:
    """The one form of an article's URL: the key of the seen-store and of post file names."""
    return canonicalize_url(strip_tracking(url, tracking_params))
