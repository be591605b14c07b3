"""Claims of a distributed run's workers in the seen-store (SQLite, memory, a real Redis): one
owner at a time, once per run, a claim whose owner died runs out with its lease; and a post's
file name reserved for one article."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from crawler.stores import Claim, open_store


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
    assert store.claim(url, "news/run1", "w1", 30) is Claim.CLAIMED
    assert store.claim(url, "news/run1", "w2", 30) is Claim.HELD  # w1 holds it
    assert store.claim(url, "news/run1", "w1", 30) is Claim.HELD  # a second copy in w1 too
    store.release(url, "news/run0", "w2")  # not w2's claim: it stays w1's
    assert store.claim(url, "news/run2", "w2", 30) is Claim.HELD
    store.release(url, "news/run1", "w1")
    # Let through in run1: no worker takes it again in that run; the next run may.
    assert store.claim(url, "news/run1", "w2", 30) is Claim.LET_THROUGH
    assert store.claim(url, "news/run2", "w2", 30) is Claim.CLAIMED
    store.close()


def test_a_dead_owners_claim_runs_out_with_its_lease(store_uri):
    store = open_store(store_uri)
    url = unique_url()
    assert store.claim(url, "news/run1", "killed", 0.3) is Claim.CLAIMED
    assert store.claim(url, "news/run1", "w2", 30) is Claim.HELD
    time.sleep(0.4)
    assert store.claim(url, "news/run1", "w2", 30) is Claim.CLAIMED
    store.close()


def test_a_renewed_claim_outlives_its_first_lease(store_uri):
    """The owner's renewal extends its own live claims only: not another owner's, and not
    one that has run out (another worker may hold it by then)."""
    store = open_store(store_uri)
    mine, theirs, lapsed = unique_url(), unique_url() + "?b", unique_url() + "?c"
    assert store.claim(mine, "news/run1", "w1", 1.0) is Claim.CLAIMED
    assert store.claim(theirs, "news/run1", "w2", 1.0) is Claim.CLAIMED
    assert store.claim(lapsed, "news/run1", "w1", 0.1) is Claim.CLAIMED
    time.sleep(0.5)
    store.renew([mine, theirs, lapsed], "w1", 3.0)
    time.sleep(1.0)  # 1.5 s after the claims: only the renewed one is live
    assert store.claim(mine, "news/run1", "w3", 30) is Claim.HELD
    assert store.claim(theirs, "news/run1", "w3", 30) is Claim.CLAIMED
    assert store.claim(lapsed, "news/run1", "w3", 30) is Claim.CLAIMED
    store.renew([], "w1", 30)  # nothing to renew: no call fails
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
            if store.claim(url, "news/run1", name, 30) is Claim.CLAIMED:
                won[url].append(name)
        store.close()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(len(owners) == 1 for owners in won.values()), won


def test_a_post_name_is_reserved_for_one_article(store_uri):
    store = open_store(store_uri)
    now = datetime.now(UTC)
    name, one, two = f"{time.time_ns()}.md", unique_url(), unique_url() + "?b"
    assert store.reserve_location("HexoExporter", name, one, now) is None
    assert store.reserve_location("HexoExporter", name, one, now) is None  # still its own
    assert store.reserve_location("HexoExporter", name, two, now) == one
    assert store.location_owner("HexoExporter", name) == one
    written = store.written(one)["HexoExporter"]
    assert (written.location, written.version) == (name, "")  # no version written yet
    store.record_written("HexoExporter", one, version="v1", location=name, at=now)
    assert store.written(one)["HexoExporter"].version == "v1"
    assert store.reserve_location("HexoExporter", name, two, now) == one
    assert store.reserve_location("JsonLinesExporter", name, two, now) is None  # per exporter
    store.close()


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_post_names_are_reserved_atomically_between_connections(kind, request, tmp_path):
    store_uri = (
        f"sqlite:///{tmp_path}/seen.sqlite"
        if kind == "sqlite"
        else request.getfixturevalue("redis_url")
    )
    names = [f"{time.time_ns()}-{n}.md" for n in range(30)]
    won: dict[str, list[str]] = {name: [] for name in names}
    barrier = threading.Barrier(6)

    def worker(n: int) -> None:
        store = open_store(store_uri)
        barrier.wait()
        for name in names:  # an article of this worker for each name (one name each)
            url = f"https://news.example/{n}/{name}"
            if store.reserve_location("HexoExporter", name, url, datetime.now(UTC)) is None:
                won[name].append(url)
        store.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(len(urls) == 1 for urls in won.values()), won


def test_sqlite_reads_of_an_export_search_indexes_not_whole_tables(tmp_path):
    """Every SELECT that exporting an article makes of the SQLite store finds its rows through
    an index: the store keeps every article of every run, so a scan would grow with it."""
    store = open_store(f"sqlite:///{tmp_path}/seen.sqlite")
    now = datetime.now(UTC)
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    url = unique_url()
    with store.batch():
        store.written(url)
        store.location_owner("HexoExporter", "post.md")
        assert store.reserve_location("HexoExporter", "post.md", url, now) is None
    store.get_many([url])
    store.failures([url])
    store.db.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) >= 5
    for select in selects:
        plan = " ".join(row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {select}"))
        assert "SCAN" not in plan, (select, plan)
    store.close()
