"""A set of fingerprints kept in an SQLite file instead of memory: flat memory on long crawls."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path


class FingerprintSet:
    """Fingerprints (bytes) in the table ``seen (fp BLOB PRIMARY KEY)`` of an SQLite file;
    SQLite's page cache (``cache_kib``, KiB) bounds the memory it uses, however many it holds.

    ``path``: the file, kept when closed (a resumable crawl's); None: a temporary file,
    removed when closed. Inserts are committed every ``commit_every`` and at close: a killed
    crawl loses at most the last few. It is used from one thread (the reactor's).
    """

    def __init__(
        self, path: Path | str | None = None, cache_kib: int = 4096, commit_every: int = 1000
    ) -> None:
        if path:
            self.db_path = Path(path)
            self.temporary = False
        else:
            # An empty file is an empty database.
            fd, name = tempfile.mkstemp(prefix="fingerprints-", suffix=".sqlite")
            os.close(fd)
            self.db_path = Path(name)
            self.temporary = True
        self.commit_every = commit_every
        self.db = sqlite3.connect(self.db_path, isolation_level=None)
        # No rollback journal nor fsync: a lost table costs work done again, nothing more.
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
        self.db.execute("CREATE TABLE IF NOT EXISTS seen (fp BLOB PRIMARY KEY) WITHOUT ROWID")
        self.db.execute("BEGIN")
        self.uncommitted = 0

    def add(self, fingerprint: bytes) -> bool:
        """Add ``fingerprint``: True when it was not in the set yet."""
        cursor = self.db.execute("INSERT OR IGNORE INTO seen (fp) VALUES (?)", (fingerprint,))
        if cursor.rowcount == 0:
            return False
        self.uncommitted += 1
        if self.uncommitted >= self.commit_every:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
            self.uncommitted = 0
        return True

    def __contains__(self, fingerprint: bytes) -> bool:
        query = "SELECT 1 FROM seen WHERE fp = ?"
        return self.db.execute(query, (fingerprint,)).fetchone() is not None

    def discard(self, fingerprint: bytes) -> None:
        """Remove ``fingerprint`` if it is there."""
        self.db.execute("DELETE FROM seen WHERE fp = ?", (fingerprint,))

    def close(self) -> None:
        """Commit and close; a temporary file is removed. Closing twice does nothing."""
        if self.db is None:
            return
        self.db.execute("COMMIT")
        self.db.close()
        self.db = None
        if self.temporary:
            self.db_path.unlink(missing_ok=True)
