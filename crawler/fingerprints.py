"""A set of fingerprints kept in an SQLite file instead of memory: flat memory on long crawls."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class FingerprintSet:
    """Fingerprints (bytes) in the table ``seen (fp BLOB PRIMARY KEY)`` of an SQLite file;
    SQLite's page cache (``cache_kib``, KiB) bounds the memory it uses, however many it holds.

    ``path``: the file, kept when closed (a resumable crawl's); None: SQLite's private
    temporary database (an empty file name), whose file SQLite unlinks as soon as it opens
    it, so that even a killed crawl leaves nothing behind. Inserts are committed every
    ``commit_every`` and at close: a killed crawl loses at most the last few. It is used
    from one thread (the reactor's).
    """

    def __init__(
        self, path: Path | str | None = None, cache_kib: int = 4096, commit_every: int = 1000
    ) -> None:
        self.db_path = Path(path) if path else None
        self.commit_every = commit_every
        self.db = sqlite3.connect(self.db_path or "", isolation_level=None)
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
        """Commit and close (SQLite drops a temporary database). Closing twice does nothing."""
        if self.db is None:
            return
        self.db.execute("COMMIT")
        self.db.close()
        self.db = None
