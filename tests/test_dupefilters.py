"""The disk-backed request dupefilter: Scrapy's fingerprints, kept in SQLite, not in memory."""

from __future__ import annotations

import sqlite3

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from conftest import crawl, one_channel_seed
from crawler.dupefilters import DiskDupeFilter
from crawler.pipelines.dedupe import RunURLs


def test_a_request_is_seen_once_and_the_temporary_table_removed():
    dupes = DiskDupeFilter(fingerprinter=RequestFingerprinter())
    assert dupes.db_path.exists()
    assert not dupes.request_seen(Request("http://127.0.0.1/a.html"))
    assert dupes.request_seen(Request("http://127.0.0.1/a.html"))
    # Scrapy's canonical fingerprint: the order of query parameters does not matter.
    assert not dupes.request_seen(Request("http://127.0.0.1/b.html?x=1&y=2"))
    assert dupes.request_seen(Request("http://127.0.0.1/b.html?y=2&x=1"))
    assert not dupes.request_seen(Request("http://127.0.0.1/a.html", method="POST"))
    dupes.close("finished")
    assert not dupes.db_path.exists()


def test_the_urls_of_a_run_are_taken_once_given_back_and_removed_at_close():
    urls = RunURLs()
    path = urls.fingerprints.db_path
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
    assert not path.exists()


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
