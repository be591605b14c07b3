"""A seen-store in Redis, for crawls spread over machines: one hash per canonical URL."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from scrapy.exceptions import NotConfigured

from crawler.stores import Claim, Failed, Seen, SeenStore, Written

PREFIX = "crawler:"
# Days the record of what a run let through is kept after its last article.
RUN_KEEP_DAYS = 7

# KEYS: the URL's claim, the run's let-through set; ARGV: url, owner, lease ms. 0: let
# through in the run; 1: claimed; 2: another claim is live.
CLAIM = """
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  return 0
end
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then
  return 1
end
return 2
"""
CLAIM_FOUND = {0: Claim.LET_THROUGH, 1: Claim.CLAIMED, 2: Claim.HELD}
# KEYS: claims; ARGV: owner, lease ms. Each of the owner's claims lasts the lease from now.
RENEW = """
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
  end
end
return 0
"""
# KEYS: the exporter's locations, the URL's written records; ARGV: location, url, exporter,
# the record (JSON) to keep until the write is recorded.
RESERVE = """
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if owner and owner ~= ARGV[2] then
  return owner
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSETNX', KEYS[2], ARGV[3], ARGV[4])
return false
"""
# KEYS: the URL's claim, the run's let-through set; ARGV: url, owner, ms the set is kept.
RELEASE = """
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
if redis.call('GET', KEYS[1]) == ARGV[2] then
  redis.call('DEL', KEYS[1])
end
return 0
"""


def _stamp(value: datetime | None) -> str:
    return repr(value.timestamp()) if value else ""


def _datetime(value: bytes | None) -> datetime | None:
    return datetime.fromtimestamp(float(value), UTC) if value else None


def _seen(url: str, row: dict[bytes, bytes]) -> Seen | None:
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


def _failed(url: str, row: dict[bytes, bytes]) -> Failed | None:
    return Failed(url, row[b"reason"].decode(), _datetime(row[b"at"])) if row else None


def _written(url: str, exporter: bytes, value: bytes) -> Written:
    fields = json.loads(value)
    name = exporter.decode()
    return Written(name, url, fields["version"], fields["location"], _datetime(fields["at"]))


class RedisStore(SeenStore):
    """``redis://host:port/db``; keys ``crawler:seen:<url>`` and ``crawler:failed:<url>``;
    what each exporter wrote in ``crawler:written:<url>`` (exporter -> JSON) and its file
    names in ``crawler:locations:<exporter>`` (location -> url); ``crawler:channels:<source>``,
    a hash of each channel URL's depth.

    Memory is the Redis server's: the crawler process holds nothing per URL.
    """

    PROBE_AT_START = True

    def __init__(self, uri: str):
        import redis

        self.redis = redis.Redis.from_url(uri)
        self.redis.ping()

    @classmethod
    def from_uri(cls, uri: str) -> RedisStore:
        try:
            import redis  # noqa: F401
        except ImportError:
            raise NotConfigured(
                f"DEDUPE_STORE {uri!r} needs the redis package: pip install 'crawler[redis]'"
            ) from None
        return cls(uri)

    def get(self, url: str) -> Seen | None:
        return _seen(url, self.redis.hgetall(f"{PREFIX}seen:{url}"))

    def _hashes(self, kind: str, urls: Iterable[str]) -> list[tuple[str, dict]]:
        """The ``crawler:<kind>:<url>`` hash of every URL, in one round trip."""
        urls = list(urls)
        with self.redis.pipeline(transaction=False) as pipe:
            for url in urls:
                pipe.hgetall(f"{PREFIX}{kind}:{url}")
            return list(zip(urls, pipe.execute(), strict=True))

    def get_many(self, urls: Iterable[str]) -> dict[str, Seen]:
        found = {url: _seen(url, row) for url, row in self._hashes("seen", urls)}
        return {url: seen for url, seen in found.items() if seen is not None}

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
        return _failed(url, self.redis.hgetall(f"{PREFIX}failed:{url}"))

    def failures(self, urls: Iterable[str]) -> dict[str, Failed]:
        found = {url: _failed(url, row) for url, row in self._hashes("failed", urls)}
        return {url: failed for url, failed in found.items() if failed is not None}

    def channel_depths(self, source: str, channels: Iterable[str]) -> dict[str, int]:
        channels = list(channels)
        if not channels:
            return {}
        depths = self.redis.hmget(f"{PREFIX}channels:{source}", channels)
        return {
            channel: int(depth)
            for channel, depth in zip(channels, depths, strict=True)
            if depth is not None
        }

    def record_channel_depth(self, source: str, channel: str, depth: int) -> None:
        self.redis.hset(f"{PREFIX}channels:{source}", channel, depth)

    def written(self, url: str) -> dict[str, Written]:
        found = self.redis.hgetall(f"{PREFIX}written:{url}")
        return {name.decode(): _written(url, name, value) for name, value in found.items()}

    def written_many(self, urls: Iterable[str]) -> dict[str, dict[str, Written]]:
        found = {
            url: {name.decode(): _written(url, name, value) for name, value in row.items()}
            for url, row in self._hashes("written", urls)
        }
        return {url: written for url, written in found.items() if written}

    def record_written(
        self, exporter: str, url: str, *, version: str, location: str, at: datetime
    ) -> None:
        key, locations = f"{PREFIX}written:{url}", f"{PREFIX}locations:{exporter}"
        old = self.redis.hget(key, exporter)
        value = {"version": version, "location": location, "at": _stamp(at)}
        with self.redis.pipeline(transaction=True) as pipe:
            if old is not None and json.loads(old)["location"] not in ("", location):
                pipe.hdel(locations, json.loads(old)["location"])
            pipe.hset(key, exporter, json.dumps(value))
            if location:
                pipe.hset(locations, location, url)
            pipe.execute()

    def location_owner(self, exporter: str, location: str) -> str | None:
        if not location:
            return None
        owner = self.redis.hget(f"{PREFIX}locations:{exporter}", location)
        return owner.decode() if owner is not None else None

    def reserve_location(self, exporter: str, location: str, url: str, at: datetime) -> str | None:
        return self.reserve_locations(exporter, [(location, url)], at)[0]

    def reserve_locations(
        self, exporter: str, wanted: Iterable[tuple[str, str]], at: datetime
    ) -> list[str | None]:
        """One round trip: a pipeline of the RESERVE script, each call atomic on the server."""
        wanted = list(wanted)
        if not wanted:
            return []
        if not hasattr(self, "_reserve"):
            self._reserve = self.redis.register_script(RESERVE)
        with self.redis.pipeline(transaction=False) as pipe:
            for location, url in wanted:
                keys = [f"{PREFIX}locations:{exporter}", f"{PREFIX}written:{url}"]
                record = json.dumps({"version": "", "location": location, "at": _stamp(at)})
                self._reserve(keys=keys, args=[location, url, exporter, record], client=pipe)
            owners = pipe.execute()
        return [owner.decode() if owner else None for owner in owners]

    # Claims of a distributed run's workers: ``crawler:claim:<url>`` (the owner, expiring with
    # its lease) and ``crawler:run:<run>`` (the URLs let through in the run, kept
    # RUN_KEEP_DAYS), each call one Lua script, atomic on the server.

    def claim(self, url: str, run: str, owner: str, lease: float) -> Claim:
        if not hasattr(self, "_claim"):
            self._claim = self.redis.register_script(CLAIM)
        keys = [f"{PREFIX}claim:{url}", f"{PREFIX}run:{run}"]
        found = self._claim(keys=keys, args=[url, owner, max(1, int(lease * 1000))])
        return CLAIM_FOUND[int(found)]

    def renew(self, urls: Iterable[str], owner: str, lease: float) -> None:
        keys = [f"{PREFIX}claim:{url}" for url in urls]
        if not keys:
            return
        if not hasattr(self, "_renew"):
            self._renew = self.redis.register_script(RENEW)
        self._renew(keys=keys, args=[owner, max(1, int(lease * 1000))])

    def release(self, url: str, run: str, owner: str) -> None:
        if not hasattr(self, "_release"):
            self._release = self.redis.register_script(RELEASE)
        keys = [f"{PREFIX}claim:{url}", f"{PREFIX}run:{run}"]
        self._release(keys=keys, args=[url, owner, RUN_KEEP_DAYS * 86_400_000])

    def close(self) -> None:
        self.redis.close()
