"""One exporter's record of what it wrote, per article: read and written on the store's thread."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.stores import Written
    from crawler.stores.extension import SeenStoreExtension


class ExportLedger:
    """The seen-store's ``written`` records of one exporter (its EXPORTERS name).

    ExportPipeline skips an exporter for an article whose version it already wrote, and records
    each write here; an exporter that names its own files (HexoExporter) asks which name an
    article was given and whether a name is another article's. URLs are keyed as the store
    keys them. Every method calls the store directly: call them only on the store's thread,
    that is from an exporter's ``open``, ``export`` or ``close``.
    """

    def __init__(self, seen: SeenStoreExtension, exporter: str):
        self.seen = seen
        self.exporter = exporter

    def get(self, url: str) -> Written | None:
        """What this exporter wrote of ``url``, or None."""
        return self.seen.opened().written(self.seen.key(url)).get(self.exporter)

    def location(self, url: str) -> str | None:
        """Where this exporter wrote ``url`` (a file name): it keeps it for good; or None."""
        written = self.get(url)
        return written.location or None if written else None

    def taken(self, location: str, url: str) -> str | None:
        """The URL of another article this exporter wrote to ``location``, or None."""
        owner = self.seen.opened().location_owner(self.exporter, location)
        return owner if owner is not None and owner != self.seen.key(url) else None

    def record(self, url: str, version: str, location: str = "") -> None:
        """This exporter wrote ``version`` of ``url`` to ``location`` (or ""), now."""
        self.seen.opened().record_written(
            self.exporter,
            self.seen.key(url),
            version=version,
            location=location,
            at=datetime.now(UTC),
        )
