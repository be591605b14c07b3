"""How deep each channel of a source has been read by a crawl that finished: above that depth a
channel may stop at its first page of seen articles without leaving deeper pages unread."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.files import write_atomically

if TYPE_CHECKING:
    from crawler.seeds import Channel


class ChannelDepths:
    """Per channel name, the number of listing pages a finished crawl has read down to its
    last one (``max_pages``, or the page with no next one), kept in a JSON file.

    An interrupted first crawl, or a ``max_pages`` raised later, leaves that depth below
    ``max_pages``: until a crawl reaches it, the channel is read to the end (backfill).
    """

    def __init__(self, path: Path):
        self.path = path
        try:
            self.saved: dict[str, int] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            self.saved = {}
        self.done: dict[str, int] = {}

    def covered(self, channel: Channel) -> bool:
        """Whether the channel's pages down to ``max_pages`` were all read once."""
        return self.saved.get(channel.name, 0) >= channel.max_pages

    def read(self, channel: Channel, page: int, last: bool) -> None:
        """Listing page ``page`` of the channel was read; ``last``: it has no next page."""
        if last or page >= channel.max_pages:
            self.done[channel.name] = channel.max_pages

    def save(self) -> None:
        """Keep what this crawl covered (call it only when the crawl finished)."""
        if self.done:
            depths = {**self.saved, **self.done}
            write_atomically(self.path, json.dumps(depths, ensure_ascii=False).encode("utf-8"))
