"""How deep each channel of a crawl has been read: stop_on_seen may end a channel early only
once a finished crawl has read it down to max_pages (backfill until then)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.seeds import Channel


class ChannelDepths:
    """Per channel URL: the depth the seen-store holds (``saved``, listing pages a finished
    crawl read down to the channel's end), and the channels this crawl read down to the end.

    A channel's end is its ``max_pages``, or its last page when it has fewer. An interrupted
    first crawl, a listing page that failed, or ``max_pages`` raised later leave the saved depth
    below ``max_pages``: until a finished crawl reaches it, a page of seen articles does not end
    the channel, so the deeper pages are read (backfill). Depths are kept in the seen-store
    (``SeenStore.channel_depths``), shared by every crawl that shares the store.
    """

    def __init__(self, saved: dict[str, int] | None = None):
        self.saved: dict[str, int] = dict(saved or {})
        # {channel URL: max_pages} of the channels this crawl read down to the end.
        self.done: dict[str, int] = {}

    def covered(self, channel: Channel) -> bool:
        """Whether a finished crawl has read the channel's pages down to ``max_pages``."""
        return self.saved.get(channel.url, 0) >= channel.max_pages

    def read(self, channel: Channel, page: int, last: bool) -> None:
        """Listing page ``page`` (1 the first) of the channel was read; ``last``: the listing
        has no page after it."""
        if last or page >= channel.max_pages:
            self.done[channel.url] = channel.max_pages
