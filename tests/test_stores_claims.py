"""Claims of a distributed run's workers in the seen-store (SQLite, memory, a real Redis): one
owner at a time, once per run, and a claim whose owner died runs out with its lease."""

from __future__ import annotations

import threading
import time

import pytest

from crawler.stores import open_store


@pytest.fixture(params=["sqlite", "memory", "redis"])
def store_uri(request, tmp_path):
    return {
        "sqlite": f"sqlite:///{tmp_path}/seen.sqlite",
        "memory": "memory://",
    }.get(request.param) or request.getfixturevalue("redis_url")


def unique_url() -> str:
    return f"https://news.example/a/{time.time_ns()}.html"


def test_one_owner_at_a_time_and_once_per_run(store_uri):
    store = open_store(store_uri)
    url = unique_url()
    assert store.claim(url, "news/run1", "w1", 30)
    assert not store.claim(url, "news/run1", "w2", 30)  # w1 holds it
    assert not store.claim(url, "news/run1", "w1", 30)  # a second copy in w1 too
    store.release(url, "news/run1", "w2")  # not w2's claim: nothing ends
    assert not store.claim(url, "news/run1", "w2", 30)
    store.release(url, "news/run1", "w1")
    # Let through in run1: no worker takes it again in that run; the next run may.
    assert not store.claim(url, "news/run1", "w2", 30)
    assert store.claim(url, "news/run2", "w2", 30)
    store.close()


def test_a_dead_owners_claim_runs_out_with_its_lease(store_uri):
    store = open_store(store_uri)
    url = unique_url()
    assert store.claim(url, "news/run1", "killed", 0.3)
    assert not store.claim(url, "news/run1", "w2", 30)
    time.sleep(0.4)
    assert store.claim(url, "news/run1", "w2", 30)
    store.close()


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_claims_are_atomic_between_connections(kind, request, tmp_path):
    """Eight connections (processes would hold one each) claim the same URLs at once: each
    URL is won by exactly one of them."""
    store_uri = (
        f"sqlite:///{tmp_path}/seen.sqlite"
        if kind == "sqlite"
        else request.getfixturevalue("redis_url")
    )
    urls = [unique_url() + f"?n={n}" for n in range(50)]
    won: dict[str, list[str]] = {url: [] for url in urls}
    barrier = threading.Barrier(8)

    def worker(name: str) -> None:
        store = open_store(store_uri)
        barrier.wait()
        for url in urls:
            if store.claim(url, "news/run1", name, 30):
                won[url].append(name)
        store.close()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(len(owners) == 1 for owners in won.values()), won
