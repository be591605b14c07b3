"""Backfill: a channel stops at a listing page of seen articles only once a finished crawl has
read it down to max_pages; until then the next crawl reads its deeper pages."""

from __future__ import annotations

import pytest

from conftest import crawl, next_second
from sites import paged

# Breadth first, one request at a time: a crawl reads each listing page's articles before the
# next page's, so a crawl closed early has exported the first pages' articles, not the last.
BREADTH_FIRST = (
    "-s",
    "CONCURRENT_REQUESTS=1",
    "-s",
    "DEPTH_PRIORITY=1",
    "-s",
    "SCHEDULER_MEMORY_QUEUE=scrapy.squeues.FifoMemoryQueue",
)


@pytest.fixture
def site(tmp_path, serve):
    """run(max_pages, *args) crawls the paged site into tmp_path/output: (result, listing
    pages requested, article numbers requested)."""
    root = tmp_path / "site"
    paged.build(root)
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()

    def run(max_pages: int, *args: str, output: str = "output"):
        (seeds / "paged.toml").write_text(paged.seed(server.base_url, max_pages), "utf-8")
        server.hits.clear()
        next_second()
        result = crawl("paged", seeds, tmp_path / output, *args)
        assert result.returncode == 0, result.stderr[-3000:]
        paths = server.paths()
        return result, paged.listing_paths(paths), paged.article_numbers(paths)

    run.server = server
    return root, run


def test_crawl_closed_early_is_made_up_by_the_next(site):
    """The first crawl read every listing page but was closed (CLOSESPIDER_PAGECOUNT) before
    the last page's articles: it records no depth, so the next crawl does not stop at page 1,
    all seen, but reads down to page 5 and exports the article left."""
    _, run = site
    # robots.txt, then each page and its two articles: the 15th response is article 9.
    first, listed, fetched = run(5, *BREADTH_FIRST, "-s", "CLOSESPIDER_PAGECOUNT=15")
    assert first.report("paged")["finish_reason"] == "closespider_pagecount"
    assert listed == [f"/p{n}.html" for n in range(1, 6)]  # down to the last page
    assert fetched == list(range(1, 10))  # but not its last article

    second, listed, fetched = run(5)
    assert listed == [f"/p{n}.html" for n in range(1, 6)]
    assert fetched == [10]
    assert [line["title"] for line in second.newest_feed_lines("paged")] == ["Story 10"]

    # Read down to max_pages by a finished crawl: now a page of seen articles ends it.
    _, listed, fetched = run(5)
    assert listed == ["/p1.html"] and fetched == []


def test_failed_listing_page_is_made_up_by_the_next(site):
    """Page 3 failed (404) in the first crawl, which finished: the channel was not read to its
    end, so the next crawl goes past pages 1 and 2 (all seen) to pages 3 to 5."""
    root, run = site
    page3 = (root / "p3.html").read_bytes()
    (root / "p3.html").unlink()
    first, listed, fetched = run(5)
    assert first.report("paged")["failed_channel_pages"] == {"http_404": 1}
    assert listed == ["/p1.html", "/p2.html", "/p3.html"] and fetched == [1, 2, 3, 4]

    (root / "p3.html").write_bytes(page3)
    second, listed, fetched = run(5)
    assert listed == [f"/p{n}.html" for n in range(1, 6)]
    assert fetched == list(range(5, 11))
    assert second.report("paged")["exported"] == 6


def test_raising_max_pages_reads_the_deeper_pages_once(site):
    """max_pages raised from 2 to 5: the next crawl reads pages 3 to 5 although pages 1 and 2
    are all seen; once it has, a crawl reads page 1 only."""
    _, run = site
    _, listed, fetched = run(2)
    assert listed == ["/p1.html", "/p2.html"] and fetched == [1, 2, 3, 4]
    # Read down to max_pages: the next crawl stops at page 1.
    _, listed, fetched = run(2)
    assert listed == ["/p1.html"] and fetched == []

    second, listed, fetched = run(5)
    assert listed == [f"/p{n}.html" for n in range(1, 6)]
    assert fetched == list(range(5, 11))
    assert second.report("paged")["exported"] == 6
    assert "Backfill: All is read down to max_pages = 5" in second.stderr
    assert "a finished crawl read it down to page 2" in second.stderr

    third, listed, fetched = run(5)
    assert listed == ["/p1.html"] and fetched == []
    assert third.report("paged")["exported"] == 0
    assert "Backfill" not in third.stderr


def test_refresh_and_since_record_what_they_read(site):
    """-a refresh=1 reads every page and article and, finished, records the depth; a crawl with
    -a since skips older articles, so it records none."""
    _, run = site
    _, listed, fetched = run(5, "-a", "since=2000-01-01")
    assert len(listed) == 5 and len(fetched) == 10
    # The since crawl recorded no depth: the next one reads every page again.
    _, listed, fetched = run(5)
    assert len(listed) == 5 and fetched == []

    refreshed, listed, fetched = run(3, "-a", "refresh=1")
    assert len(listed) == 3 and fetched == list(range(1, 7))
    assert refreshed.report("paged")["exported"] == 0
    _, listed, fetched = run(3)
    assert listed == ["/p1.html"] and fetched == []


def test_a_listings_articles_are_asked_before_its_next_page(site):
    """Scrapy's default order (last found, first asked) would ask each next listing page before
    the articles found with it, down the whole channel, the scheduler holding every article
    link meanwhile: the next page waits (NEXT_LISTING_PRIORITY) until they are asked."""
    root, run = site
    paged.build(root, pages=8)
    _, listed, fetched = run(8, "-s", "CONCURRENT_REQUESTS=1")
    assert listed == [f"/p{n}.html" for n in range(1, 9)]
    assert fetched == list(range(1, 17))
    # The requests in the order the server had them, one at a time.
    order = [path for path in run.server.paths() if path != "/robots.txt"]
    for page in range(2, 9):
        asked = order.index(f"/p{page}.html")
        before = {f"/a/{n}.html" for n in paged.articles(page - 1)}
        assert before <= set(order[:asked]), (page, order)
