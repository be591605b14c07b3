"""One exporter's record of what it wrote, per article: read and written on the store's thread."""

from __future__ import annotations

from collections.abc import Iterable
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
    that is from an exporter's ``open``, ``prepare``, ``export`` or ``close``.
    """

    def __init__(self, seen: SeenStoreExtension, exporter: str):
        self.seen = seen
        self.exporter = exporter
        # What the store held of the articles of the batch being exported, read in one query
        # by ExportPipeline ({key: {exporter: Written}}, every article of the batch present),
        # and None between batches. A URL whose location is reserved meanwhile is dropped from
        # it: the store answers for it again.
        self.known: dict[str, dict[str, Written]] | None = None

    def get(self, url: str) -> Written | None:
        """What this exporter wrote of ``url``, or None."""
        key = self.seen.key(url)
        if self.known is not None:
            written = self.known.get(key)
            if written is not None:
                return written.get(self.exporter)
        return self.seen.opened().written(key).get(self.exporter)

    def location(self, url: str) -> str | None:
        """Where this exporter wrote ``url`` (a file name): it keeps it for good; or None."""
        written = self.get(url)
        return written.location or None if written else None

    def taken(self, location: str, url: str) -> str | None:
        """The URL of another article this exporter wrote to ``location``, or None."""
        owner = self.seen.opened().location_owner(self.exporter, location)
        return owner if owner is not None and owner != self.seen.key(url) else None

    def reserve(self, location: str, url: str) -> str | None:
        """Take ``location`` for ``url`` before writing it (atomically, in a shared store):
        the URL of another article that holds it, or None once it is ``url``'s."""
        return self.reserve_many([(location, url)])[0]

    def reserve_many(self, wanted: Iterable[tuple[str, str]]) -> list[str | None]:
        """``reserve`` of each ``(location, url)`` of ``wanted``, in order, in one store call
        (``SeenStore.reserve_locations``): for each, the URL of another article that holds
        the location, or None once it is that URL's."""
        pairs = [(location, self.seen.key(url)) for location, url in wanted]
        owners = self.seen.opened().reserve_locations(self.exporter, pairs, datetime.now(UTC))
        if self.known is not None:
            for (_, key), owner in zip(pairs, owners, strict=True):
                if owner is None:
                    self.known.pop(key, None)
        return owners

    def record(self, url: str, version: str, location: str = "") -> None:
        """This exporter wrote ``version`` of ``url`` to ``location`` (or ""), now."""
        self.record_many([(url, version, location)])

    def record_many(self, writes: Iterable[tuple[str, str, str]]) -> None:
        """``record`` of each ``(url, version, location)`` of ``writes``, in one store call."""
        self.seen.opened().record_written_many(
            self.exporter,
            [(self.seen.key(url), version, location) for url, version, location in writes],
            datetime.now(UTC),
        )
