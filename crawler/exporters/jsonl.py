"""The JSON Lines feed: output/feeds/<source>/<run>.jsonl, one article per line."""

from __future__ import annotations

from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from scrapy.exporters import JsonLinesItemExporter

from crawler.exporters import Exporter

if TYPE_CHECKING:
    from itemadapter import ItemAdapter


class IsoDateJsonLinesItemExporter(JsonLinesItemExporter):
    """Scrapy's JSON Lines exporter, with dates in ISO 8601 keeping their offset."""

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        return super().serialize_field(field, name, value)


class JsonLinesExporter(Exporter):
    """One feed file per source per run, created with its first article (no empty feeds)."""

    def open(self) -> None:
        spider = self.crawler.spider
        self.path = self.output_dir / "feeds" / spider.name / f"{spider.run_id}.jsonl"
        self.file: IO[bytes] | None = None

    def export(self, article: ItemAdapter) -> None:
        if self.file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.file = self.path.open("ab")
            self.writer = IsoDateJsonLinesItemExporter(self.file, encoding="utf-8")
        self.writer.export_item(article.item)
        self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
