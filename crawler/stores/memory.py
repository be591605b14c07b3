"""A seen-store in a dict: for tests and one-off crawls; it forgets everything at exit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from crawler.stores import Failed, Seen, SeenStore


class MemoryStore(SeenStore):
    def __init__(self) -> None:
        self.seen: dict[str, Seen] = {}
        self.failed: dict[str, Failed] = {}
        self.depths: dict[tuple[str, str], int] = {}

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

    def close(self) -> None:
        pass
