"""Item pipelines, in the order of settings.ITEM_PIPELINES: validate, normalize, export."""

from __future__ import annotations

from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector


def drop(stats: StatsCollector, reason: str, url: str | None) -> DropItem:
    """A DropItem for one article, counted under articles/dropped/<reason>."""
    stats.inc_value(f"articles/dropped/{reason}")
    return DropItem(f"{reason}: {url or '(no url)'}")
