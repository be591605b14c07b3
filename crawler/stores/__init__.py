"""The seen-store: what was exported, per canonical URL, chosen by DEDUPE_STORE's URI scheme."""

from __future__ import annotations

import inspect
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Self


@dataclass(frozen=True)
class Seen:
    """What the store holds of one article."""

    url: str
    date: datetime | None
    updated: datetime | None
    body_hash: str
    # The date it was first exported with: names its post for good.
    first_date: datetime | None
    first_exported: datetime
    last_exported: datetime

    @property
    def newest(self) -> datetime | None:
        """The later of its date and its update date."""
        dates = [d for d in (self.date, self.updated) if d]
        return max(dates) if dates else None


class Record(NamedTuple):
    """One exported article, as ``SeenStore.record`` takes it."""

    url: str
    date: datetime | None
    updated: datetime | None
    body_hash: str
    exported_at: datetime


@dataclass(frozen=True)
class Written:
    """What one exporter wrote of one article: which version, where, and when."""

    exporter: str
    url: str
    # The article's version (ExportPipeline's ``export_version``): a later one is written again.
    version: str
    # Where the exporter put it (a post's file name), or "" when it names no place of its own.
    location: str
    at: datetime


class Claim(Enum):
    """What ``SeenStore.claim`` found of a URL in a run."""

    # The caller holds the claim now: it handles the article.
    CLAIMED = "claimed"
    # Another owner's claim is live: the article may still be lost with that owner (killed
    # before exporting it), so the caller asks again once the claim may have ended.
    HELD = "held"
    # A worker let the article through in this run: a duplicate.
    LET_THROUGH = "let_through"


@dataclass(frozen=True)
class Failed:
    """An article page that gave nothing to export (a 4xx, no body, ...), and when."""

    url: str
    reason: str
    at: datetime


class SeenStore(ABC):
    """get() what is known of a URL; record() an article once every exporter has written it.

    Pages that gave nothing are kept apart (record_failure/failure), so that a broken article
    is not requested on every run; exporting the URL later clears its failure. How deep each
    channel has been read by a finished crawl is kept too (channel_depths), for stop_on_seen.

    URLs are the canonical keys (``crawler.urls.canonical_url``); datetimes are aware, and
    come back in UTC. Every method may block (disk, network): SeenStoreExtension calls them
    all from one worker thread, never from the reactor's. A back end is chosen by the scheme
    of DEDUPE_STORE from DEDUPE_STORES; it must define every abstract method below.
    """

    # True: opened and closed once before the crawl, so that an unreachable server is refused
    # in one line before any request.
    PROBE_AT_START: ClassVar[bool] = False

    @classmethod
    @abstractmethod
    def from_uri(cls, uri: str) -> Self:
        """The store at DEDUPE_STORE ``uri`` (its scheme is the one it was registered under).

        Raises NotConfigured when a package it needs is missing (the message: how to install
        it), and whatever its client raises when the store cannot be reached or created.
        """

    @abstractmethod
    def get(self, url: str) -> Seen | None:
        """What was recorded of ``url``, or None if it was never exported."""

    def get_many(self, urls: Iterable[str]) -> dict[str, Seen]:
        """``{url: Seen}`` for those of ``urls`` that were exported; the others are absent.

        One listing page asks for all its links at once: override this for one round trip.
        """
        found = {url: self.get(url) for url in urls}
        return {url: seen for url, seen in found.items() if seen is not None}

    @abstractmethod
    def record(
        self,
        url: str,
        *,
        date: datetime | None,
        updated: datetime | None,
        body_hash: str,
        exported_at: datetime,
    ) -> None:
        """``url`` was exported now with these dates and body hash (a 40-char hex SHA-1).

        The first record keeps ``first_date`` and ``first_exported`` for good; later ones
        replace the rest. It clears any failure of ``url``, and is durable when it returns.
        """

    def record_many(self, records: Iterable[Record]) -> None:
        """``record`` of each of ``records``, in order; durable when it returns. Override
        this for one transaction or round trip."""
        for r in records:
            self.record(
                r.url,
                date=r.date,
                updated=r.updated,
                body_hash=r.body_hash,
                exported_at=r.exported_at,
            )

    @abstractmethod
    def record_failure(self, url: str, reason: str, at: datetime) -> None:
        """``url`` gave nothing to export at ``at``, for ``reason`` (a stats key: http_404,
        no_body, ...); it replaces an earlier failure of the same URL."""

    @abstractmethod
    def failure(self, url: str) -> Failed | None:
        """The last failure of ``url`` since it was last exported, or None."""

    def failures(self, urls: Iterable[str]) -> dict[str, Failed]:
        """``{url: Failed}`` for those of ``urls`` that have a failure; override for one
        round trip."""
        found = {url: self.failure(url) for url in urls}
        return {url: failed for url, failed in found.items() if failed is not None}

    @abstractmethod
    def channel_depths(self, source: str, channels: Iterable[str]) -> dict[str, int]:
        """``{channel: depth}`` for those of ``channels`` (the channel URLs of seed ``source``)
        that a finished crawl has read down to ``depth`` listing pages; the others are absent.

        Depths live with the seen records, so that crawls sharing the store (other machines,
        other OUTPUT_DIRs) share them too.
        """

    @abstractmethod
    def record_channel_depth(self, source: str, channel: str, depth: int) -> None:
        """A finished crawl of seed ``source`` read channel URL ``channel`` down to ``depth``
        listing pages (its ``max_pages``, which it counts as reached when the listing ended
        before it); replaces what was recorded of that channel."""

    @contextmanager
    def batch(self) -> Iterator[None]:
        """The calls made inside the block grouped into one unit of work where the back end
        can (SqliteStore: one transaction): a write made inside it is durable when the block
        ends rather than when it returns, and is kept even when the block raises, as it would
        have been outside. Blocks may nest (the outer one counts). This default, for a back
        end that cannot group, runs each call as it comes."""
        yield

    @abstractmethod
    def close(self) -> None:
        """Release the store's resources; nothing is called after it."""

    # What each exporter wrote, apart from the seen records: an article that some exporters
    # wrote and one failed is written again, next run, by that one only.

    @abstractmethod
    def written(self, url: str) -> dict[str, Written]:
        """``{exporter: Written}``: what each exporter (its EXPORTERS name) wrote of ``url``."""

    def written_many(self, urls: Iterable[str]) -> dict[str, dict[str, Written]]:
        """``{url: {exporter: Written}}`` for those of ``urls`` that some exporter wrote; the
        others are absent. A batch of articles asks for all of them at once: override this
        for one round trip."""
        found = {url: self.written(url) for url in urls}
        return {url: written for url, written in found.items() if written}

    @abstractmethod
    def record_written(
        self, exporter: str, url: str, *, version: str, location: str, at: datetime
    ) -> None:
        """``exporter`` wrote this ``version`` of ``url`` at ``at``, to ``location`` (or "");
        it replaces what that exporter wrote of ``url`` before, and is durable when it
        returns."""

    def record_written_many(
        self, exporter: str, writes: Iterable[tuple[str, str, str]], at: datetime
    ) -> None:
        """``record_written`` of each ``(url, version, location)`` of ``writes``, in order, all
        at ``at``; durable when it returns. Override this for one transaction or round trip."""
        for url, version, location in writes:
            self.record_written(exporter, url, version=version, location=location, at=at)

    @abstractmethod
    def location_owner(self, exporter: str, location: str) -> str | None:
        """The URL whose article ``exporter`` wrote to ``location``, or None."""

    def reserve_location(self, exporter: str, location: str, url: str, at: datetime) -> str | None:
        """Take ``location`` (a post's file name) for ``url`` before ``exporter`` writes it:
        the URL of another article that holds it, or None once it is ``url``'s, recorded as
        written (version "", until ``record_written`` gives the version).

        Atomic in a store that processes share (SQLite, Redis): two workers of a distributed
        run never write two articles to one file. This default, for a store of one process,
        asks then records."""
        owner = self.location_owner(exporter, location)
        if owner is not None and owner != url:
            return owner
        if not self.written(url).get(exporter):
            self.record_written(exporter, url, version="", location=location, at=at)
        return None

    def reserve_locations(
        self, exporter: str, wanted: Iterable[tuple[str, str]], at: datetime
    ) -> list[str | None]:
        """``reserve_location`` of each ``(location, url)`` of ``wanted``, in order (a location
        two of them want is the first's): for each, the URL of another article that holds
        it, or None once it is that URL's. Each reservation is atomic as
        ``reserve_location``'s; override this for one round trip."""
        return [self.reserve_location(exporter, location, url, at) for location, url in wanted]

    # Claims of the workers of a distributed run (crawler.distributed.dedupe): one worker at a
    # time handles an article, and one only lets it through in a run. The defaults below keep
    # them in this object, which is right for a store that one process uses (memory://); a
    # store that processes share overrides both, each one atomic.

    def claim(self, url: str, run: str, owner: str, lease: float) -> Claim:
        """Atomically: ``Claim.CLAIMED``, and ``url`` is claimed by ``owner`` for ``lease``
        seconds, when it was not let through in ``run`` and no claim on it is live;
        ``Claim.LET_THROUGH`` when it was let through in ``run``; ``Claim.HELD`` when a claim
        on it is live (``owner``'s own included).

        A claim ends with ``release``, or when its lease runs out unless ``renew`` extends it
        (its owner was killed)."""
        now = time.time()
        claims = self.__dict__.setdefault("_claims", {})
        runs = self.__dict__.setdefault("_let_through", set())
        held = claims.get(url)
        if (run, url) in runs:
            return Claim.LET_THROUGH
        if held is not None and held[1] > now:
            return Claim.HELD
        claims[url] = (owner, now + lease)
        return Claim.CLAIMED

    def renew(self, urls: Iterable[str], owner: str, lease: float) -> None:
        """``owner``'s live claims on ``urls`` last ``lease`` seconds from now; a claim it no
        longer holds (run out, taken by another) is left as it is."""
        now = time.time()
        claims = self.__dict__.setdefault("_claims", {})
        for url in urls:
            held = claims.get(url)
            if held is not None and held[0] == owner and held[1] > now:
                claims[url] = (owner, now + lease)

    def release(self, url: str, run: str, owner: str) -> None:
        """``owner`` is done with ``url``: it was let through in ``run`` (a later ``claim`` in
        that run finds ``Claim.LET_THROUGH``), and ``owner``'s claim on it ends."""
        self.__dict__.setdefault("_let_through", set()).add((run, url))
        claims = self.__dict__.setdefault("_claims", {})
        if claims.get(url, (None,))[0] == owner:
            del claims[url]


def default_uri(settings: BaseSettings) -> str:
    """DEDUPE_STORE, else REDIS_URL (a distributed crawl's workers share its Redis), else
    ``sqlite:///<OUTPUT_DIR>/state/seen.sqlite``."""
    return (
        settings.get("DEDUPE_STORE")
        or settings.get("REDIS_URL")
        or f"sqlite:///{settings.get('OUTPUT_DIR')}/state/seen.sqlite"
    )


def store_schemes(settings: BaseSettings | None = None) -> dict[str, str]:
    """``{scheme: dotted path}``: DEDUPE_STORES_BASE updated by DEDUPE_STORES (None disables)."""
    if settings is None:
        settings = BaseSettings()
        settings.setmodule("crawler.settings")
    table = settings.getwithbase("DEDUPE_STORES")
    return {scheme: path for scheme, path in table.items() if path}


def store_class(uri: str, settings: BaseSettings | None = None) -> type[SeenStore]:
    """The back end of ``uri``'s scheme; NotConfigured, in one line, for an unusable one."""
    schemes = store_schemes(settings)
    scheme, sep, _ = uri.partition("://")
    if not sep or scheme not in schemes:
        raise NotConfigured(f"DEDUPE_STORE {uri!r}: the scheme must be one of {', '.join(schemes)}")
    cls = load_object(schemes[scheme])
    if not (isinstance(cls, type) and issubclass(cls, SeenStore)):
        raise NotConfigured(f"DEDUPE_STORES[{scheme!r}]: {cls!r} is not a SeenStore")
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(cls.__abstractmethods__))
        raise NotConfigured(f"DEDUPE_STORES[{scheme!r}]: {cls.__name__} lacks {missing}")
    return cls


def store_error(uri: str, settings: BaseSettings | None = None) -> str | None:
    """Why DEDUPE_STORE cannot be used, in one line, or None."""
    try:
        cls = store_class(uri, settings)
        if cls.PROBE_AT_START:  # a server that does not answer stops the crawl before it starts
            cls.from_uri(uri).close()
    except NotConfigured as exc:
        return str(exc)
    except Exception as exc:
        return f"DEDUPE_STORE {uri!r}: cannot reach it: {exc}"
    return None


def open_store(uri: str, settings: BaseSettings | None = None) -> SeenStore:
    """``sqlite:///relative/path``, ``sqlite:////absolute/path``, ``redis://host:port/db``,
    ``memory://``, or a scheme of DEDUPE_STORES."""
    return store_class(uri, settings).from_uri(uri)
