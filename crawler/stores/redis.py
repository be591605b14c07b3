"""A seen-store in Redis, for crawls spread over machines: one hash per canonical URL."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.stores import Failed, Seen, SeenStore

PREFIX = "crawler:"


def _stamp(value: datetime | None) -> str:
    return repr(value.timestamp()) if value else ""


def _datetime(value: bytes | None) -> datetime | None:
    return datetime.fromtimestamp(float(value), UTC) if value else None


class RedisStore(SeenStore):
    """``redis://host:port/db``; keys ``crawler:seen:<url>`` and ``crawler:failed:<url>``.

    Memory is the Redis server's: the crawler process holds nothing per URL.
    """

    def __init__(self, uri: str):
        import redis

        self.redis = redis.Redis.from_url(uri)
        self.redis.ping()

    @classmethod
    def from_uri(cls, uri: str) -> RedisStore:
        return cls(uri)

    def get(self, url: str) -> Seen | None:
        row = self.redis.hgetall(f"{PREFIX}seen:{url}")
        if not row:
            return None
        return Seen(
            url,
            _datetime(row.get(b"date")),
            _datetime(row.get(b"updated")),
            row[b"body_hash"].decode(),
            _datetime(row.get(b"first_date")),
            _datetime(row[b"first_exported"]),
            _datetime(row[b"last_exported"]),
        )

    def record(
        self,
        url: str,
        *,
        date: datetime | None,
        updated: datetime | None,
        body_hash: str,
        exported_at: datetime,
    ) -> None:
        key = f"{PREFIX}seen:{url}"
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(key, "first_date", _stamp(date))
            pipe.hsetnx(key, "first_exported", _stamp(exported_at))
            pipe.hset(
                key,
                mapping={
                    "date": _stamp(date),
                    "updated": _stamp(updated),
                    "body_hash": body_hash,
                    "last_exported": _stamp(exported_at),
                },
            )
            pipe.delete(f"{PREFIX}failed:{url}")
            pipe.execute()

    def record_failure(self, url: str, reason: str, at: datetime) -> None:
        self.redis.hset(f"{PREFIX}failed:{url}", mapping={"reason": reason, "at": _stamp(at)})

    def failure(self, url: str) -> Failed | None:
        row = self.redis.hgetall(f"{PREFIX}failed:{url}")
        if not row:
            return None
        return Failed(url, row[b"reason"].decode(), _datetime(row[b"at"]))

    def close(self) -> None:
        self.redis.close()
