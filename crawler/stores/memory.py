"""A seen-store in a dict: for tests and one-off crawls; it forgets everything at exit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from crawler.stores import Failed, Seen, SeenStore, Written


class MemoryStore(SeenStore):
    def __init__(self) -> None:
        self.seen: dict[str, Seen] = {}
        self.failed: dict[str, Failed] = {}
        self.depths: dict[tuple[str, str], int] = {}
        # url -> {exporter: Written}, and (exporter, location) -> url.
        self.exports: dict[str, dict[str, Written]] = {}
        self.locations: dict[tuple[str, str], str] = {}

    @classmethod
    def from_uri(cls, uri: str) -> MemoryStore:
        return cls()

    def get(self, url: str) -> Seen | None:
        return self.seen.get(url)

    def record(
        self,
        url: str,
        *,
        date: datetime | None,
        updated: datetime | None,
        body_hash: str,
        exported_at: datetime,
    ) -> None:
        self.failed.pop(url, None)
        known = self.seen.get(url)
        if known is None:
            known = Seen(url, date, updated, body_hash, date, exported_at, exported_at)
        self.seen[url] = replace(
            known, date=date, updated=updated, body_hash=body_hash, last_exported=exported_at
        )

    def record_failure(self, url: str, reason: str, at: datetime) -> None:
        self.failed[url] = Failed(url, reason, at)

    def failure(self, url: str) -> Failed | None:
        return self.failed.get(url)

    def channel_depths(self, source: str, channels: Iterable[str]) -> dict[str, int]:
        found = {channel: self.depths.get((source, channel)) for channel in channels}
        return {channel: depth for channel, depth in found.items() if depth is not None}

    def record_channel_depth(self, source: str, channel: str, depth: int) -> None:
        self.depths[(source, channel)] = depth

    def written(self, url: str) -> dict[str, Written]:
        return dict(self.exports.get(url, {}))

    def record_written(
        self, exporter: str, url: str, *, version: str, location: str, at: datetime
    ) -> None:
        exports = self.exports.setdefault(url, {})
        old = exports.get(exporter)
        if old is not None and old.location:
            self.locations.pop((exporter, old.location), None)
        exports[exporter] = Written(exporter, url, version, location, at)
        if location:
            self.locations[exporter, location] = url

    def location_owner(self, exporter: str, location: str) -> str | None:
        return self.locations.get((exporter, location)) if location else None

    def close(self) -> None:
        pass
