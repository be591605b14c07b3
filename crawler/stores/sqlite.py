"""The default seen-store: one SQLite table in WAL mode, shared safely by concurrent crawls."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from crawler.stores import Claim, Failed, Record, Seen, SeenStore, Written

SCHEMA = """
CREATE TABLE IF NOT EXISTS channels (
    source TEXT NOT NULL,
    channel TEXT NOT NULL,
    depth INTEGER NOT NULL,
    PRIMARY KEY (source, channel)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS failed (
    url TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen (
    url TEXT PRIMARY KEY,
    date REAL,
    updated REAL,
    body_hash TEXT NOT NULL,
    first_date REAL,
    first_exported REAL NOT NULL,
    last_exported REAL NOT NULL
) WITHOUT ROWID
"""
UPSERT = """
INSERT INTO seen (url, date, updated, body_hash, first_date, first_exported, last_exported)
VALUES (:url, :date, :updated, :body_hash, :date, :exported, :exported)
ON CONFLICT (url) DO UPDATE SET
    date = excluded.date, updated = excluded.updated, body_hash = excluded.body_hash,
    last_exported = excluded.last_exported
"""


# What each exporter wrote of each article (SeenStore.written), in a table of its own.
WRITTEN_SCHEMA = """
CREATE TABLE IF NOT EXISTS written (
    exporter TEXT NOT NULL,
    url TEXT NOT NULL,
    version TEXT NOT NULL,
    location TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (url, exporter)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS written_location ON written (exporter, location) WHERE location != ''
"""

RECORD_WRITTEN = (
    "INSERT OR REPLACE INTO written (exporter, url, version, location, at) VALUES (?, ?, ?, ?, ?)"
)
# A location reserved (exporter, url, location, at): an article reserves a name once (a post
# keeps its file for good): a row of it without a location (none was kept then) takes this one.
RESERVE = (
    "INSERT INTO written (exporter, url, version, location, at) "
    "VALUES (?, ?, '', ?, ?) ON CONFLICT (url, exporter) DO UPDATE "
    "SET location = excluded.location WHERE written.location = ''"
)

# Claims of a distributed run's workers (SeenStore.claim), made when first asked for.
CLAIMS_SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (
    url TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS let_through (
    run TEXT NOT NULL,
    url TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (run, url)
) WITHOUT ROWID
"""
# Seconds what a run let through is kept.
RUN_KEEP = 7 * 86400

SEEN_COLUMNS = "url, date, updated, body_hash, first_date, first_exported, last_exported"
# URLs per SELECT ... IN (...): well under SQLite's limit of bound parameters.
BATCH = 500


def _seen(row: tuple) -> Seen:
    url, date, updated, body_hash, first_date, first_exported, last_exported = row
    return Seen(
        url,
        _datetime(date),
        _datetime(updated),
        body_hash,
        _datetime(first_date),
        _datetime(first_exported),
        _datetime(last_exported),
    )


def _batches(urls: Iterable[str]) -> Iterator[list[str]]:
    urls = list(dict.fromkeys(urls))
    for start in range(0, len(urls), BATCH):
        yield urls[start : start + BATCH]


def _stamp(value: datetime | None) -> float | None:
    return value.timestamp() if value else None


def _datetime(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


class SqliteStore(SeenStore):
    """Each record() is its own transaction, record_many() one for all; SQLite's page cache
    bounds the memory it uses."""

    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Autocommit; a second crawl waits up to 30 s for the write lock instead of failing.
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._set_wal()
        # In WAL mode, NORMAL survives a killed process; only a power cut may lose the last rows.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.db.executescript(WRITTEN_SCHEMA)

    def _set_wal(self, attempts: int = 100) -> None:
        """WAL mode, which persists in the file. Switching to it takes an exclusive lock that
        SQLite does not wait for: two crawls creating the store at once retry here."""
        for attempt in range(attempts):
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == attempts - 1:
                    raise
                time.sleep(0.05)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One write transaction for the block (``BEGIN IMMEDIATE``: the write lock is waited
        for and taken at once, so a read in the block never meets a newer snapshot when it
        writes), committed when the block ends, even when it raises: what it wrote is kept as
        autocommitted calls would have kept it. Inside an open transaction, it joins it."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            self._commit()

    def _commit(self) -> None:
        try:
            if self.db.in_transaction:
                self.db.execute("COMMIT")
        finally:
            if self.db.in_transaction:  # the COMMIT failed
                self.db.execute("ROLLBACK")

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A write transaction of its own, or inside ``batch`` a savepoint of the batch's:
        either way what the block wrote is undone if it raises."""
        if self.db.in_transaction:
            self.db.execute("SAVEPOINT writing")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK TO writing")
                raise
            finally:
                self.db.execute("RELEASE writing")
            return
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            yield

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A write transaction of its own, or inside ``batch`` the batch's, without the
        savepoint of ``_writing`` (two statements fewer): for the calls made on every batch
        of exports, whose writes are each true on their own (records of durable writes,
        reservations), so that those made before one that raises may be kept."""
        if self.db.in_transaction:
            yield
            return
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            yield

    @classmethod
    def from_uri(cls, uri: str) -> SqliteStore:
        return cls(uri.removeprefix("sqlite:///"))

    def get(self, url: str) -> Seen | None:
        row = self.db.execute(f"SELECT {SEEN_COLUMNS} FROM seen WHERE url = ?", (url,)).fetchone()
        return _seen(row) if row else None

    def get_many(self, urls: Iterable[str]) -> dict[str, Seen]:
        found = {}
        for batch in _batches(urls):
            marks = ", ".join("?" * len(batch))
            rows = self.db.execute(f"SELECT {SEEN_COLUMNS} FROM seen WHERE url IN ({marks})", batch)
            found.update((row[0], _seen(row)) for row in rows)
        return found

    def record(
        self,
        url: str,
        *,
        date: datetime | None,
        updated: datetime | None,
        body_hash: str,
        exported_at: datetime,
    ) -> None:
        row = {
            "url": url,
            "date": _stamp(date),
            "updated": _stamp(updated),
            "body_hash": body_hash,
            "exported": _stamp(exported_at),
        }
        with self._writing():
            self.db.execute(UPSERT, row)
            self.db.execute("DELETE FROM failed WHERE url = ?", (url,))

    def record_many(self, records: Iterable[Record]) -> None:
        """Every record in one transaction."""
        rows = [
            {
                "url": r.url,
                "date": _stamp(r.date),
                "updated": _stamp(r.updated),
                "body_hash": r.body_hash,
                "exported": _stamp(r.exported_at),
            }
            for r in records
        ]
        if not rows:
            return
        with self._transaction():
            self.db.executemany(UPSERT, rows)
            self.db.executemany("DELETE FROM failed WHERE url = ?", [(r["url"],) for r in rows])

    def record_failure(self, url: str, reason: str, at: datetime) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO failed (url, reason, at) VALUES (?, ?, ?)",
            (url, reason, _stamp(at)),
        )

    def failure(self, url: str) -> Failed | None:
        row = self.db.execute("SELECT reason, at FROM failed WHERE url = ?", (url,)).fetchone()
        return Failed(url, row[0], _datetime(row[1])) if row else None

    def failures(self, urls: Iterable[str]) -> dict[str, Failed]:
        found = {}
        for batch in _batches(urls):
            marks = ", ".join("?" * len(batch))
            rows = self.db.execute(
                f"SELECT url, reason, at FROM failed WHERE url IN ({marks})", batch
            )
            found.update((url, Failed(url, reason, _datetime(at))) for url, reason, at in rows)
        return found

    def channel_depths(self, source: str, channels: Iterable[str]) -> dict[str, int]:
        found = {}
        for batch in _batches(channels):
            marks = ", ".join("?" * len(batch))
            rows = self.db.execute(
                f"SELECT channel, depth FROM channels WHERE source = ? AND channel IN ({marks})",
                [source, *batch],
            )
            found.update(rows)
        return found

    def record_channel_depth(self, source: str, channel: str, depth: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO channels (source, channel, depth) VALUES (?, ?, ?)",
            (source, channel, depth),
        )

    def written(self, url: str) -> dict[str, Written]:
        rows = self.db.execute(
            "SELECT exporter, version, location, at FROM written WHERE url = ?", (url,)
        )
        return {
            exporter: Written(exporter, url, version, location, _datetime(at))
            for exporter, version, location, at in rows
        }

    def written_many(self, urls: Iterable[str]) -> dict[str, dict[str, Written]]:
        found: dict[str, dict[str, Written]] = {}
        for batch in _batches(urls):
            marks = ", ".join("?" * len(batch))
            rows = self.db.execute(
                f"SELECT url, exporter, version, location, at FROM written WHERE url IN ({marks})",
                batch,
            )
            for url, exporter, version, location, at in rows:
                found.setdefault(url, {})[exporter] = Written(
                    exporter, url, version, location, _datetime(at)
                )
        return found

    def record_written(
        self, exporter: str, url: str, *, version: str, location: str, at: datetime
    ) -> None:
        self.db.execute(RECORD_WRITTEN, (exporter, url, version, location, _stamp(at)))

    def record_written_many(
        self, exporter: str, writes: Iterable[tuple[str, str, str]], at: datetime
    ) -> None:
        """Every write in one transaction."""
        stamp = _stamp(at)
        rows = [(exporter, url, version, location, stamp) for url, version, location in writes]
        if rows:
            with self._transaction():
                self.db.executemany(RECORD_WRITTEN, rows)

    def location_owner(self, exporter: str, location: str) -> str | None:
        row = self.db.execute(
            "SELECT url FROM written WHERE exporter = ? AND location = ? AND location != ''",
            (exporter, location),
        ).fetchone()
        return row[0] if row else None

    def reserve_location(self, exporter: str, location: str, url: str, at: datetime) -> str | None:
        with self._writing():
            # "location != ''", as location_owner's: the partial index written_location is
            # searched instead of the whole table (every article of every run).
            row = self.db.execute(
                "SELECT url FROM written WHERE exporter = ? AND location = ? AND location != ''"
                " AND url != ?",
                (exporter, location, url),
            ).fetchone()
            if row:
                return row[0]
            self.db.execute(RESERVE, (exporter, url, location, _stamp(at)))
            return None

    def reserve_locations(
        self, exporter: str, wanted: Iterable[tuple[str, str]], at: datetime
    ) -> list[str | None]:
        """One transaction, one query and one statement for them all: who holds each
        location and where each URL's post is, read first; then each reservation decided in
        order as ``reserve_location`` would decide it, the later ones seeing the earlier."""
        wanted = list(wanted)
        if not wanted:
            return []
        stamp = _stamp(at)
        with self._transaction():
            holders: dict[str, set[str]] = {}
            # Each URL's location ("" when it has a row without one).
            kept: dict[str, str] = {}
            for start in range(0, len(wanted), BATCH // 2):
                part = wanted[start : start + BATCH // 2]
                marks = ", ".join("?" * len(part))
                rows = self.db.execute(
                    "SELECT 1, url, location FROM written WHERE exporter = ? AND location != ''"
                    f" AND location IN ({marks}) UNION ALL SELECT 0, url, location FROM written"
                    f" WHERE exporter = ? AND url IN ({marks})",
                    [exporter, *(loc for loc, _ in part), exporter, *(url for _, url in part)],
                )
                for holds, url, location in rows:
                    if holds:
                        holders.setdefault(location, set()).add(url)
                    else:
                        kept[url] = location
            owners: list[str | None] = []
            rows = []
            for location, url in wanted:
                others = holders.get(location, set()) - {url}
                if others:
                    # reserve_location's query: the first by the index, that is by URL.
                    owners.append(min(others))
                    continue
                owners.append(None)
                rows.append((exporter, url, location, stamp))
                if not kept.get(url) and location:  # RESERVE gives it this location
                    kept[url] = location
                    holders.setdefault(location, set()).add(url)
            self.db.executemany(RESERVE, rows)
        return owners

    def _claims_ready(self) -> None:
        if not getattr(self, "_claims_made", False):
            self.db.executescript(CLAIMS_SCHEMA)
            with self._writing():
                self.db.execute("DELETE FROM let_through WHERE at < ?", (time.time() - RUN_KEEP,))
            self._claims_made = True

    def claim(self, url: str, run: str, owner: str, lease: float) -> Claim:
        self._claims_ready()
        now = time.time()
        with self._writing():
            done = self.db.execute(
                "SELECT 1 FROM let_through WHERE run = ? AND url = ?", (run, url)
            ).fetchone()
            if done:
                return Claim.LET_THROUGH
            held = self.db.execute(
                "SELECT 1 FROM claims WHERE url = ? AND expires > ?", (url, now)
            ).fetchone()
            if held:
                return Claim.HELD
            self.db.execute(
                "INSERT OR REPLACE INTO claims (url, owner, expires) VALUES (?, ?, ?)",
                (url, owner, now + lease),
            )
            return Claim.CLAIMED

    def renew(self, urls: Iterable[str], owner: str, lease: float) -> None:
        self._claims_ready()
        now = time.time()
        with self._writing():
            self.db.executemany(
                "UPDATE claims SET expires = ? WHERE url = ? AND owner = ? AND expires > ?",
                [(now + lease, url, owner, now) for url in urls],
            )

    def release(self, url: str, run: str, owner: str) -> None:
        self._claims_ready()
        with self._writing():
            self.db.execute(
                "INSERT OR IGNORE INTO let_through (run, url, at) VALUES (?, ?, ?)",
                (run, url, time.time()),
            )
            self.db.execute("DELETE FROM claims WHERE url = ? AND owner = ?", (url, owner))

    def close(self) -> None:
        self.db.close()
