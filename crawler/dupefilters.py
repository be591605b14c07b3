"""The request dupefilter, its fingerprints kept on disk: memory stays flat on long crawls."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.job import job_dir

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
        if path:
            self.db_path = Path(path, "requests.seen.sqlite")
            self.temporary = False
        else:
            # An empty file is an empty database.
            fd, name = tempfile.mkstemp(prefix="requests-seen-", suffix=".sqlite")
            os.close(fd)
            self.db_path = Path(name)
            self.temporary = True
        self.db = sqlite3.connect(self.db_path, isolation_level=None)
        # No rollback journal nor fsync: a lost table costs requests asked again, nothing more.
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(f"PRAGMA cache_size=-{self.CACHE_KIB}")
        self.db.execute("CREATE TABLE IF NOT EXISTS seen (fp BLOB PRIMARY KEY) WITHOUT ROWID")
        self.db.execute("BEGIN")
        self.uncommitted = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(
            job_dir(crawler.settings),
            crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )

    def request_seen(self, request: Request) -> bool:
        fingerprint = self._fingerprint(request)
        cursor = self.db.execute("INSERT OR IGNORE INTO seen (fp) VALUES (?)", (fingerprint,))
        if cursor.rowcount == 0:
            return True
        self.uncommitted += 1
        if self.uncommitted >= self.COMMIT_EVERY:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
            self.uncommitted = 0
        return False

    def close(self, reason: str) -> None:
        self.db.execute("COMMIT")
        self.db.close()
        if self.temporary:
            self.db_path.unlink(missing_ok=True)
