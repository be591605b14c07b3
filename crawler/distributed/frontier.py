"""One seed's frontier in Redis as its workers share it: the run they work on, each worker's
lease, and the requests each holds until it has handled them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from redis import Redis
    from scrapy.settings import BaseSettings

# Seconds the start-up check waits for the Redis server to accept a connection.
CONNECT_TIMEOUT = 5

# Lua shared by the scripts below: the server's clock, and the sweep that hands the requests
# of every worker whose lease ran out back to the queue (their priority kept as the score).
_SWEEP = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function sweep(queue, workers, prefix, now)
  local live, held, reclaimed = 0, 0, 0
  local all = redis.call('HGETALL', workers)
  for i = 1, #all, 2 do
    local worker, expiry = all[i], tonumber(all[i + 1])
    local key = prefix .. worker
    if expiry < now then
      local items = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
      for j = 1, #items, 2 do
        redis.call('ZADD', queue, items[j + 1], items[j])
      end
      reclaimed = reclaimed + #items / 2
      redis.call('DEL', key)
      redis.call('HDEL', workers, worker)
    else
      live = live + 1
      held = held + redis.call('ZCARD', key)
    end
  end
  return live, held, reclaimed
end
"""

# KEYS: queue, dupefilter, run, workers; ARGV: in-flight key prefix, worker, lease ms, run id
# to start if there is no run. A run is new when there is none, or when its workers are gone
# leaving nothing to do (they were killed before the last one could end it): then the dupefilter
# of the old run is cleared and this worker is the first (it seeds the channel pages).
_JOIN = (
    _SWEEP
    + """
local now = now_ms()
local mine = redis.call('HGET', KEYS[4], ARGV[2])
if mine and tonumber(mine) >= now then
  return {'taken'}
end
local live, held, reclaimed = sweep(KEYS[1], KEYS[4], ARGV[1], now)
local queued = redis.call('ZCARD', KEYS[1])
local run = redis.call('GET', KEYS[3])
local first = 0
if (not run) or (live == 0 and held == 0 and queued == 0) then
  run = ARGV[4]
  redis.call('SET', KEYS[3], run)
  if queued == 0 then
    first = 1
    redis.call('DEL', KEYS[2])
  end
end
redis.call('HSET', KEYS[4], ARGV[2], now + tonumber(ARGV[3]))
return {run, first, reclaimed}
"""
)

# KEYS: queue, workers; ARGV: in-flight key prefix, worker, lease ms.
_BEAT = (
    _SWEEP
    + """
local now = now_ms()
local mine = redis.call('HGET', KEYS[2], ARGV[2])
local lapsed = 0
if (not mine) or tonumber(mine) < now then
  lapsed = 1
end
local live, held, reclaimed = sweep(KEYS[1], KEYS[2], ARGV[1], now)
redis.call('HSET', KEYS[2], ARGV[2], now + tonumber(ARGV[3]))
return {redis.call('ZCARD', KEYS[1]), held, live, reclaimed, lapsed}
"""
)

# KEYS: queue, the worker's in-flight set. The request with the lowest score (scrapy-redis's
# PriorityQueue scores -priority) moves to the in-flight set in one step.
_TAKE = """
local popped = redis.call('ZPOPMIN', KEYS[1])
if #popped == 0 then
  return false
end
redis.call('ZADD', KEYS[2], popped[2], popped[1])
return popped[1]
"""

# KEYS: queue, dupefilter, run, workers; ARGV: in-flight key prefix, worker. What the worker
# still holds goes back to the queue; the last worker to leave an empty frontier ends the run.
_LEAVE = (
    _SWEEP
    + """
local now = now_ms()
local key = ARGV[1] .. ARGV[2]
local items = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
for j = 1, #items, 2 do
  redis.call('ZADD', KEYS[1], items[j + 1], items[j])
end
redis.call('DEL', key)
redis.call('HDEL', KEYS[4], ARGV[2])
local live, held = sweep(KEYS[1], KEYS[4], ARGV[1], now)
local ended = 0
if live == 0 and held == 0 and redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[3], KEYS[2])
  ended = 1
end
return {#items / 2, ended}
"""
)


class WorkerIdTaken(ValueError):
    """Another live worker of the same seed has this worker id."""


@dataclass(frozen=True)
class Joined:
    """What a worker found when it joined: the run's id, whether it started the run (and so
    puts the channel pages in), and how many requests of dead workers were handed back."""

    run_id: str
    first: bool
    reclaimed: int


@dataclass(frozen=True)
class FrontierState:
    """The frontier at one heartbeat: requests queued, requests the live workers hold, live
    workers, requests of dead workers just handed back, and whether this worker's own lease
    had run out (the others may have taken back what it held)."""

    queued: int
    in_flight: int
    workers: int
    reclaimed: int
    lapsed: bool

    @property
    def empty(self) -> bool:
        """Nothing queued and nothing held by any worker: no request can come any more."""
        return self.queued == 0 and self.in_flight == 0


def shown_url(url: str) -> str:
    """A Redis URL with its password hidden, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def redis_client(settings: BaseSettings, **params: Any) -> Redis:
    """The Redis client scrapy-redis makes of the settings (REDIS_URL, REDIS_PARAMS)."""
    from scrapy_redis.connection import get_redis_from_settings

    if not params:
        return get_redis_from_settings(settings)
    overridden = settings.copy()
    overridden.set("REDIS_PARAMS", {**settings.getdict("REDIS_PARAMS"), **params})
    return get_redis_from_settings(overridden)


def redis_error(settings: BaseSettings) -> str | None:
    """Why the Redis server at REDIS_URL cannot be used, in one line, or None."""
    url = settings.get("REDIS_URL")
    try:
        server = redis_client(
            settings, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT
        )
        try:
            server.ping()
        finally:
            server.close()
    except Exception as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return f"REDIS_URL {shown_url(url)}: cannot reach it: {reason}"
    return None


class Frontier:
    """The shared state of one seed's distributed crawl, in keys beside scrapy-redis's queue
    (``<spider>:requests``) and dupefilter (``<spider>:dupefilter``):

    - ``<spider>:run``: the id of the run the workers are on (its first worker's start);
    - ``<spider>:workers``: worker id -> end of its lease (ms, the Redis server's clock),
      renewed by ``beat`` twice a second;
    - ``<spider>:inflight:<worker>``: the requests a worker took and has not yet handled
      (member and score as in the queue).

    ``take`` moves a request from the queue to the worker's in-flight set in one step, and
    ``ack`` removes it once handled; so a worker killed at any moment loses nothing: when its
    lease has run out, the next worker's ``beat`` (or ``join``) puts what it held back in the
    queue. Every method is one round trip (a Lua script, atomic on the server); the server's
    clock decides leases, so the workers' clocks need not agree.
    """

    def __init__(
        self,
        server: Redis,
        spider: str,
        worker: str,
        lease: float,
        queue_key: str = "%(spider)s:requests",
        dupefilter_key: str = "%(spider)s:dupefilter",
    ):
        self.server = server
        self.worker = worker
        self.lease_ms = int(lease * 1000)
        self.queue = queue_key % {"spider": spider}
        self.dupefilter = dupefilter_key % {"spider": spider}
        self.run_key = f"{spider}:run"
        self.workers = f"{spider}:workers"
        self.in_flight_prefix = f"{spider}:inflight:"
        self.in_flight = self.in_flight_prefix + worker
        self._join = server.register_script(_JOIN)
        self._beat = server.register_script(_BEAT)
        self._take = server.register_script(_TAKE)
        self._leave = server.register_script(_LEAVE)

    def join(self, candidate_run_id: str) -> Joined:
        """Register this worker and join the run (starting it as ``candidate_run_id`` when
        there is none); WorkerIdTaken when a live worker has this id."""
        keys = [self.queue, self.dupefilter, self.run_key, self.workers]
        args = [self.in_flight_prefix, self.worker, self.lease_ms, candidate_run_id]
        found = self._join(keys=keys, args=args)
        if found[0] == b"taken":
            raise WorkerIdTaken(f"worker id {self.worker!r} is taken by a live worker")
        return Joined(found[0].decode(), bool(found[1]), int(found[2]))

    def beat(self) -> FrontierState:
        """Renew this worker's lease, hand back the requests of workers whose lease ran out,
        and tell the frontier's state."""
        keys = [self.queue, self.workers]
        found = self._beat(keys=keys, args=[self.in_flight_prefix, self.worker, self.lease_ms])
        queued, held, live, reclaimed, lapsed = (int(v) for v in found)
        return FrontierState(queued, held, live, reclaimed, bool(lapsed))

    def take(self) -> bytes | None:
        """The next request (as scrapy-redis encoded it), now held by this worker; None when
        the queue is empty."""
        return self._take(keys=[self.queue, self.in_flight])

    def ack(self, members: Iterable[bytes]) -> None:
        """These requests are handled: this worker no longer holds them."""
        members = list(members)
        if members:
            self.server.zrem(self.in_flight, *members)

    def leave(self) -> tuple[int, bool]:
        """Unregister this worker, giving back what it still holds: (requests given back,
        whether the run ended: no worker left and nothing to do; its dupefilter is cleared)."""
        keys = [self.queue, self.dupefilter, self.run_key, self.workers]
        found = self._leave(keys=keys, args=[self.in_flight_prefix, self.worker])
        return int(found[0]), bool(found[1])
