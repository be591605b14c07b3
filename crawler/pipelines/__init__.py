"""Item pipelines, in the order of settings.ITEM_PIPELINES: validate, normalize, dedupe, images,
export."""

from __future__ import annotations

from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector


class ArticleDropped(DropItem):
    """An article dropped for a reason that the stats and the seen-store can name."""

    def __init__(self, reason: str, url: str | None):
        super().__init__(f"{reason}: {url or '(no url)'}")
        self.reason, self.url = reason, url


def drop(stats: StatsCollector, reason: str, url: str | None) -> ArticleDropped:
    """An ArticleDropped for one article, counted under articles/dropped/<reason>."""
    stats.inc_value(f"articles/dropped/{reason}")
    return ArticleDropped(reason, url)
