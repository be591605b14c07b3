"""The JSON Lines feed: output/feeds/<source>/<run>.jsonl, one article per line."""

from __future__ import annotations

import dataclasses
import io
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.exporters import JsonLinesItemExporter
from scrapy.utils.python import to_bytes

from crawler.exporters import Exporter
from crawler.items import Article

if TYPE_CHECKING:
    from collections.abc import Iterable

    from itemadapter import ItemAdapter


# Article's fields in declaration order, when none has a serializer of its own (in its
# dataclass metadata): the fields ``get_serialized_fields`` reads directly.
PLAIN_FIELDS = (
    tuple(f.name for f in dataclasses.fields(Article))
    if all("serializer" not in f.metadata for f in dataclasses.fields(Article))
    else None
)
MISSING = object()


class IsoDateJsonLinesItemExporter(JsonLinesItemExporter):
    """Scrapy's JSON Lines exporter, with dates in ISO 8601 keeping their offset."""

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        return super().serialize_field(field, name, value)

    def get_serialized_fields(
        self, item: Any, default_value: Any = None, include_empty: bool | None = None
    ) -> Iterable[tuple[str, Any]]:
        """Scrapy's, read directly from an Article exported with the default options (every
        field it has, in declaration order, through ``serialize_field``): the same pairs
        without an ItemAdapter's lookups per field."""
        plain = (
            PLAIN_FIELDS is not None
            and type(item) is Article
            and type(self).serialize_field is IsoDateJsonLinesItemExporter.serialize_field
            and self.fields_to_export is None
            and not (self.export_empty_fields if include_empty is None else include_empty)
        )
        if not plain:
            yield from super().get_serialized_fields(item, default_value, include_empty)
            return
        for name in PLAIN_FIELDS:
            value = getattr(item, name, MISSING)
            if value is MISSING:
                continue
            yield name, value.isoformat() if isinstance(value, datetime) else value

    def line(self, item: Any) -> bytes:
        """The item's line, as ``export_item`` writes it."""
        fields = dict(self.get_serialized_fields(item))
        return to_bytes(self.encoder.encode(fields) + "\n", self.encoding)

    def export_item(self, item: Any) -> None:
        self.file.write(self.line(item))


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
        # The feed file of each source: the run's values do not change during the run.
        self.paths: dict[str, Path] = {}
        # Files written since the last flush.
        self.unsynced: set[int] = set()
        # Its lines are written by ``export`` itself, each in one os.write.
        self.writer = IsoDateJsonLinesItemExporter(io.BytesIO(), encoding="utf-8")

    def feed_path(self, article: ItemAdapter) -> Path:
        """The file of the article's source in this run."""
        source = article["source"]
        path = self.paths.get(source)
        if path is None:
            path = self.paths[source] = self.run.fill(self.options["path"], source=source)
        return path

    def export(self, article: ItemAdapter) -> None:
        line = self.writer.line(article.item)
        path = self.feed_path(article)
        fd = self.files.get(path)
        if fd is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = self.files[path] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
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
