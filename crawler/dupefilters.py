"""The request dupefilter, its fingerprints kept on disk: memory stays flat on long crawls."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.job import job_dir

from crawler.fingerprints import FingerprintSet

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request
    from scrapy.utils.request import RequestFingerprinterProtocol


class DiskDupeFilter(RFPDupeFilter):
    """Scrapy's RFPDupeFilter (the same fingerprints, logging and stats), with the
    fingerprints in an SQLite table instead of a set that holds every request of the crawl:
    SQLite's page cache (CACHE_KIB) bounds the memory it uses.

    With JOBDIR the table is ``<JOBDIR>/requests.seen.sqlite`` and a paused crawl resumes with
    it; otherwise a temporary file, removed when the crawl closes. Inserts are committed every
    COMMIT_EVERY requests and at close: what a killed crawl loses is at most a few requests
    asked again.
    """

    CACHE_KIB = 4096
    COMMIT_EVERY = 1000

    def __init__(
        self,
        path: str | None = None,
        debug: bool = False,
        *,
        fingerprinter: RequestFingerprinterProtocol | None = None,
    ) -> None:
        super().__init__(None, debug, fingerprinter=fingerprinter)
        table = Path(path, "requests.seen.sqlite") if path else None
        self.table = FingerprintSet(table, self.CACHE_KIB, self.COMMIT_EVERY)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(
            job_dir(crawler.settings),
            crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )

    def request_seen(self, request: Request) -> bool:
        return not self.table.add(self._fingerprint(request))

    def close(self, reason: str) -> None:
        self.table.close()
