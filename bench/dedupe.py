"""Benchmark of the sqlite seen-store: inserts and lookups per second, and peak memory, as the
store grows to 10k, 100k and 1M URLs.

    python bench/dedupe.py [--sizes 10000,100000,1000000] [--lookups 100000]

Each size runs in a fresh process on a fresh file, so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def url(i: int) -> str:
    return f"https://news.example.com/2022/04/09/article-{i:08d}.html"


def measure(size: int, lookups: int) -> dict:
    from crawler.stores.sqlite import SqliteStore

    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "seen.sqlite")
        base = datetime(2022, 4, 9, tzinfo=UTC)
        rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        for i in range(size):
            store.record(
                url(i),
                date=base + timedelta(seconds=i),
                updated=None,
                body_hash=f"{i:040x}",
                exported_at=base,
            )
        insert_seconds = time.perf_counter() - started

        rng = random.Random(1)
        hits = [url(rng.randrange(size)) for _ in range(lookups)]
        misses = [url(size + i) for i in range(lookups)]
        started = time.perf_counter()
        found = sum(store.get(u) is not None for u in hits)
        hit_seconds = time.perf_counter() - started
        started = time.perf_counter()
        found_missing = sum(store.get(u) is not None for u in misses)
        miss_seconds = time.perf_counter() - started
        assert found == lookups and found_missing == 0
        file_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20
        store.close()
    return {
        "size": size,
        "inserts_per_s": size / insert_seconds,
        "hit_lookups_per_s": lookups / hit_seconds,
        "miss_lookups_per_s": lookups / miss_seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_at_start_mb": rss_start / 1024,
        "file_mb": file_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--lookups", type=int, default=100_000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.lookups)))
        return

    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--lookups", str(args.lookups)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rows.append(json.loads(out))
    print(
        f"{'URLs':>9} {'inserts/s':>10} {'hits/s':>9} {'misses/s':>9} "
        f"{'peak RSS MB':>12} {'file MB':>8}"
    )
    for r in rows:
        print(
            f"{r['size']:>9,} {r['inserts_per_s']:>10,.0f} {r['hit_lookups_per_s']:>9,.0f} "
            f"{r['miss_lookups_per_s']:>9,.0f} {r['peak_rss_mb']:>12.1f} {r['file_mb']:>8.1f}"
        )
    first, last = rows[0], rows[-1]
    print(
        f"ratio {last['size'] // first['size']}x URLs: peak RSS x"
        f"{last['peak_rss_mb'] / first['peak_rss_mb']:.2f}, inserts/s x"
        f"{last['inserts_per_s'] / first['inserts_per_s']:.2f}, hits/s x"
        f"{last['hit_lookups_per_s'] / first['hit_lookups_per_s']:.2f}"
    )


if __name__ == "__main__":
    main()
