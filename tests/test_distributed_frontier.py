"""The shared frontier in a real Redis: requests held under a lease until acknowledged, given
back when a worker dies or leaves, runs started, joined and ended."""

from __future__ import annotations

import time

import pytest
import redis

from crawler.distributed.frontier import Frontier, WorkerIdTaken


@pytest.fixture
def server(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def frontier(server, worker: str, lease: float = 30) -> Frontier:
    return Frontier(server, "news", worker, lease)


def queued(server) -> list[bytes]:
    return server.zrange("news:requests", 0, -1)


def test_first_worker_starts_the_run_and_the_next_joins_it(server):
    server.sadd("news:dupefilter", "fingerprint of a past run")
    first = frontier(server, "w1").join("20260101T000000Z")
    assert (first.run_id, first.first) == ("20260101T000000Z", True)
    assert not server.exists("news:dupefilter")  # a new run filters afresh
    server.sadd("news:dupefilter", "fingerprint of this run")
    second = frontier(server, "w2").join("20260101T000005Z")
    assert (second.run_id, second.first) == ("20260101T000000Z", False)
    assert server.exists("news:dupefilter")
    with pytest.raises(WorkerIdTaken):
        frontier(server, "w1").join("20260101T000009Z")


def test_taken_requests_are_held_until_acknowledged(server):
    worker = frontier(server, "w1")
    worker.join("20260101T000000Z")
    server.zadd("news:requests", {b"listing": -1, b"article": 0})
    assert worker.take() == b"listing"  # the higher priority (score -priority) first
    assert worker.take() == b"article"
    assert worker.take() is None
    state = worker.beat()
    assert (state.queued, state.in_flight, state.workers, state.empty) == (0, 2, 1, False)
    worker.ack([b"listing"])
    assert worker.beat().in_flight == 1
    worker.ack([b"article"])
    assert worker.beat().empty


def test_a_dead_workers_requests_go_back_to_the_queue_with_their_priority(server):
    dying, survivor = frontier(server, "dying", lease=0.3), frontier(server, "survivor")
    dying.join("20260101T000000Z")
    survivor.join("20260101T000000Z")
    server.zadd("news:requests", {b"listing": -1, b"article": 0})
    assert dying.take() == b"listing"
    state = survivor.beat()
    assert (state.queued, state.in_flight, state.workers) == (1, 1, 2)
    time.sleep(0.4)  # the dying worker renews its lease no more
    state = survivor.beat()
    assert (state.reclaimed, state.queued, state.in_flight, state.workers) == (1, 2, 0, 1)
    assert survivor.take() == b"listing"
    assert dying.beat().lapsed  # had it only been frozen, it is told


def test_leaving_gives_back_what_is_held_and_the_last_ends_the_run(server):
    one, two = frontier(server, "one"), frontier(server, "two")
    one.join("20260101T000000Z")
    two.join("20260101T000000Z")
    server.sadd("news:dupefilter", "fingerprint")
    server.zadd("news:requests", {b"article": 0})
    assert one.take() == b"article"
    assert one.leave() == (1, False)  # given back; two is still there
    assert queued(server) == [b"article"]
    assert two.take() == b"article"
    two.ack([b"article"])
    assert two.leave() == (0, True)
    assert not server.exists("news:run", "news:dupefilter", "news:workers", "news:requests")


def test_a_run_whose_workers_all_died_is_resumed_or_replaced(server):
    dying = frontier(server, "dying", lease=0.2)
    dying.join("20260101T000000Z")
    server.zadd("news:requests", {b"article": 0})
    assert dying.take() == b"article"
    time.sleep(0.3)
    # Requests were left: the next worker resumes the run, with them back in the queue.
    resumed = frontier(server, "next").join("20260101T000100Z")
    assert (resumed.run_id, resumed.first, resumed.reclaimed) == ("20260101T000000Z", False, 1)
    assert queued(server) == [b"article"]

    server.delete("news:requests")
    server.hset("news:workers", "next", 0)  # its lease ran out too, with nothing left
    fresh = frontier(server, "later").join("20260101T000200Z")
    assert (fresh.run_id, fresh.first) == ("20260101T000200Z", True)
