"""Exporters: the interface every exporter follows, and the EXPORTERS registry that builds them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.utils.misc import build_from_crawler, load_object

if TYPE_CHECKING:
    from typing import Self

    from itemadapter import ItemAdapter
    from scrapy.crawler import Crawler


class Exporter:
    """Writes articles somewhere. Subclasses override ``export``, and ``open``/``close`` as needed.

    Built with ``from_crawler(crawler, **options)``, the options being its EXPORTERS value.
    ``export`` must have written the article durably when it returns.
    """

    def __init__(self, crawler: Crawler, **options: Any):
        if options:
            raise TypeError(f"{type(self).__name__} takes no options, got {sorted(options)}")
        self.crawler = crawler
        self.output_dir = Path(crawler.settings.get("OUTPUT_DIR"))

    @classmethod
    def from_crawler(cls, crawler: Crawler, **options: Any) -> Self:
        return cls(crawler, **options)

    def open(self) -> None:
        """Called once before the first article."""

    def export(self, article: ItemAdapter) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Called once after the last article."""


def build_exporters(crawler: Crawler) -> list[Exporter]:
    """One exporter per EXPORTERS entry (``{dotted.path: {options}}``; None disables one)."""
    exporters = []
    for path, options in crawler.settings.getdict("EXPORTERS").items():
        if options is None:
            continue
        exporters.append(build_from_crawler(load_object(path), crawler, **(options or {})))
    return exporters
