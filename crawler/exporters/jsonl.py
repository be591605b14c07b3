"""The JSON Lines feed: output/feeds/<source>/<run>.jsonl, one article per line."""

from __future__ import annotations

import io
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

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
    """One feed file per source per run, created with its first article (no empty feeds).

    Each line reaches the file in one append and is fsynced before export() returns, so a
    crawl killed at any moment leaves whole lines only.
    """

    def open(self) -> None:
        spider = self.crawler.spider
        self.path = self.output_dir / "feeds" / spider.name / f"{spider.run_id}.jsonl"
        self.fd: int | None = None
        self.buffer = io.BytesIO()
        self.writer = IsoDateJsonLinesItemExporter(self.buffer, encoding="utf-8")

    def export(self, article: ItemAdapter) -> None:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.export_item(article.item)
        if self.fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        line = self.buffer.getvalue()
        if os.write(self.fd, line) != len(line):
            raise OSError(f"short write to {self.path}")
        os.fsync(self.fd)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
