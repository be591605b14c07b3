"""The JSON Lines feed: output/feeds/<source>/<run>.jsonl, one article per line."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

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

    Option ``path``: a template filled with the run's and the article's values
    (``%(output_dir)s``, ``%(source)s``, ``%(run_id)s``, ``%(time)s``), as Scrapy fills
    FEEDS URIs. Each line reaches its file in one append, so a crawl killed at any moment
    leaves whole lines only; ``flush`` fsyncs the files written since the last one.
    """

    OPTIONS: ClassVar[dict[str, Any]] = {"path": "%(output_dir)s/feeds/%(source)s/%(run_id)s.jsonl"}

    def open(self) -> None:
        self.files: dict[Path, int] = {}
        # Files written since the last flush.
        self.unsynced: set[int] = set()
        self.buffer = io.BytesIO()
        self.writer = IsoDateJsonLinesItemExporter(self.buffer, encoding="utf-8")

    def feed_path(self, article: ItemAdapter) -> Path:
        """The file of the article's source in this run."""
        return self.run.fill(self.options["path"], source=article["source"])

    def export(self, article: ItemAdapter) -> None:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.export_item(article.item)
        path = self.feed_path(article)
        fd = self.files.get(path)
        if fd is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = self.files[path] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        line = self.buffer.getvalue()
        if os.write(fd, line) != len(line):
            raise OSError(f"short write to {path}")
        self.unsynced.add(fd)

    def flush(self) -> None:
        while self.unsynced:
            os.fsync(self.unsynced.pop())

    def close(self) -> None:
        try:
            self.flush()
        finally:
            for fd in self.files.values():
                os.close(fd)
