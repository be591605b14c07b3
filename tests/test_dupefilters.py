"""The disk-backed request dupefilter: Scrapy's fingerprints, kept in SQLite, not in memory."""

from __future__ import annotations

import ast
import os
import sqlite3
import subprocess
import sys

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from conftest import crawl, one_channel_seed
from crawler.dupefilters import DiskDupeFilter
from crawler.pipelines.dedupe import RunURLs


def test_a_request_is_seen_once():
    dupes = DiskDupeFilter(fingerprinter=RequestFingerprinter())
    assert not dupes.request_seen(Request("http://127.0.0.1/a.html"))
    assert dupes.request_seen(Request("http://127.0.0.1/a.html"))
    # Scrapy's canonical fingerprint: the order of query parameters does not matter.
    assert not dupes.request_seen(Request("http://127.0.0.1/b.html?x=1&y=2"))
    assert dupes.request_seen(Request("http://127.0.0.1/b.html?y=2&x=1"))
    assert not dupes.request_seen(Request("http://127.0.0.1/a.html", method="POST"))
    dupes.close("finished")


def test_the_urls_of_a_run_are_taken_once_and_given_back():
    urls = RunURLs()
    urls.fingerprints.commit_every = 2
    for n in range(5):
        assert urls.add(f"http://127.0.0.1/{n}.html")
    assert not urls.add("http://127.0.0.1/3.html")
    assert "http://127.0.0.1/4.html" in urls
    assert "http://127.0.0.1/5.html" not in urls
    urls.discard("http://127.0.0.1/3.html")
    assert "http://127.0.0.1/3.html" not in urls
    assert urls.add("http://127.0.0.1/3.html")
    # Kept on disk, not in memory: the table holds one 16-byte digest a URL.
    rows = urls.fingerprints.db.execute("SELECT fp FROM seen").fetchall()
    assert sorted(len(fp) for (fp,) in rows) == [16] * 5
    urls.close()
    urls.close()


SPILL_AND_DIE = """
import os, sys
from crawler.fingerprints import FingerprintSet
table = FingerprintSet(cache_kib=256)
for n in range(60_000):
    table.add(n.to_bytes(16, "big"))
held = []
for fd in os.listdir("/proc/self/fd"):
    try:
        held.append(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:  # the listing's own descriptor, closed by now
        pass
print([name for name in held if name.startswith(sys.argv[1])])
sys.stdout.flush()
os._exit(9)
"""


def test_a_temporary_table_is_on_disk_and_a_killed_crawl_leaves_no_file(tmp_path):
    """SQLite's private temporary database: spilled to a file SQLite unlinked at once."""
    env = {**os.environ, "SQLITE_TMPDIR": str(tmp_path), "TMPDIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", SPILL_AND_DIE, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 9, run.stderr
    held = ast.literal_eval(run.stdout.strip())
    # 60,000 rows of 16 bytes outgrow a 256 KiB cache: the table was written to a file...
    assert held and all(name.endswith("(deleted)") for name in held), held
    # ...that a process killed before closing it leaves behind none of.
    assert list(tmp_path.iterdir()) == []


def test_fingerprints_persist_in_jobdir(tmp_path):
    first = DiskDupeFilter(str(tmp_path), fingerprinter=RequestFingerprinter())
    first.table.commit_every = 2
    for n in range(5):
        assert not first.request_seen(Request(f"http://127.0.0.1/{n}.html"))
    first.close("shutdown")
    table = tmp_path / "requests.seen.sqlite"
    assert sqlite3.connect(table).execute("SELECT count(*) FROM seen").fetchone() == (5,)
    again = DiskDupeFilter(str(tmp_path), fingerprinter=RequestFingerprinter())
    assert again.request_seen(Request("http://127.0.0.1/3.html"))
    assert not again.request_seen(Request("http://127.0.0.1/5.html"))
    again.close("finished")
    assert table.exists()


def test_a_crawl_requests_a_link_listed_twice_once(tmp_path, serve):
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    (root / "list.html").write_text(
        "<a class='t' href='/a/1.html'>One</a><a class='t' href='/a/1.html'>One again</a>"
    )
    (root / "a" / "1.html").write_text(
        "<html><body><h1>One</h1><time datetime='2022-04-09T10:00:00+08:00'></time>"
        "<div class='c'><p>Body of one.</p></div></body></html>"
    )
    server = serve(root)
    seeds = one_channel_seed(
        tmp_path, "dupes", f"{server.base_url}/list.html", '"a.t::attr(href)"', 'body = ".c"'
    )
    result = crawl("dupes", seeds, tmp_path / "output")
    assert result.returncode == 0, result.stderr[-3000:]
    assert server.paths().count("/a/1.html") == 1
    assert len(result.feed_lines("dupes")) == 1
