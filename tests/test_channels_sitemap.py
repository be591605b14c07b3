"""Sitemap channels through the real engine: gzipped with and without Content-Encoding, indexes of
gzipped children, robots.txt Sitemap: lines, Google News dates whatever their order; case 19."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from conftest import crawl
from crawler.demo.server import SiteServer

ARTICLE = (
    "<html><head><title>{title}</title></head><body><h1>{title}</h1>"
    "<div class='c'><p>Body of {title}, long enough to be the article's text.</p>"
    # Over 200 characters, as a news article's text is (the run's coverage is judged on it).
    "<p>A second paragraph tells what happened next, who said what about it, and when the "
    "story will be followed up, as the reporters of a real newspaper would write it.</p></div>"
    "</body></html>"
)
URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>"""
INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>"""


def url(base: str, n: int, lastmod: str = "2022-04-10") -> str:
    """A plain <url> of article n."""
    return f"<url><loc>{base}/s/{n}.html</loc><lastmod>{lastmod}</lastmod></url>"


def news_url(base: str, n: int, title: str, published: str, lastmod: str) -> str:
    """A Google News <url> whose <lastmod> comes before <news:news>."""
    return (
        f"<url><loc>{base}/s/{n}.html</loc><lastmod>{lastmod}</lastmod>"
        "<news:news><news:publication><news:name>T</news:name>"
        "<news:language>en</news:language></news:publication>"
        f"<news:title>{title}</news:title>"
        f"<news:publication_date>{published}</news:publication_date></news:news></url>"
    )


# Each channel: name, type, path, max_pages; the articles it must give.
CHANNELS = [
    ("Plain", "sitemap", "plain/sitemap-news.xml.gz", 1),  # application/gzip, no encoding
    ("Encoded", "sitemap", "encoded/sitemap.xml.gz", 1),  # Content-Encoding: gzip
    ("OnTheFly", "sitemap", "fly/sitemap.xml", 1),  # XML compressed in transit
    ("Index", "sitemap", "index/sitemap-index.xml", 3),  # 3 gzipped children, room for 2
    ("Robots", "sitemap", "robots.txt", 3),  # names 2 sitemaps
    ("Auto", "auto", "auto/sitemap.xml.gz", 1),  # found to be a sitemap
]
EXPECTED_CHANNEL = {
    1: "Plain",
    2: "Plain",
    3: "Encoded",
    4: "OnTheFly",
    5: "Index",
    6: "Index",
    8: "Robots",
    9: "Robots",
    10: "Auto",
}


def build(root: Path, base: str, server: SiteServer) -> None:
    for n in range(1, 11):
        path = root / "s" / f"{n}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLE.format(title=f"Article {n}"))

    def write(path: str, text: str, *, gzipped: bool = False) -> None:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        data = text.encode()
        (root / path).write_bytes(gzip.compress(data) if gzipped else data)

    news = news_url(
        base, 1, "Harbour &amp; promenade", "2022-04-07T08:00:00+08:00", "2022-04-10T12:00:00+08:00"
    )
    write("plain/sitemap-news.xml.gz", URLSET.format(urls=news + url(base, 2)), gzipped=True)
    write("encoded/sitemap.xml.gz", URLSET.format(urls=url(base, 3)), gzipped=True)
    server.extra_headers["/encoded/sitemap.xml.gz"] = {"Content-Encoding": "gzip"}
    write("fly/sitemap.xml", URLSET.format(urls=url(base, 4)), gzipped=True)
    server.extra_headers["/fly/sitemap.xml"] = {"Content-Encoding": "gzip"}
    children = ""
    for name, n in (("a", 5), ("b", 6), ("c", 7)):
        write(f"index/{name}.xml.gz", URLSET.format(urls=url(base, n)), gzipped=True)
        children += f"<sitemap><loc>{base}/index/{name}.xml.gz</loc></sitemap>"
    write("index/sitemap-index.xml", INDEX.format(children=children))
    write(
        "robots.txt",
        f"User-agent: *\nAllow: /\n\nSitemap: {base}/robots/one.xml\nSitemap: /robots/two.xml.gz\n",
    )
    write("robots/one.xml", URLSET.format(urls=url(base, 8)))
    write("robots/two.xml.gz", URLSET.format(urls=url(base, 9)), gzipped=True)
    write("auto/sitemap.xml.gz", URLSET.format(urls=url(base, 10)), gzipped=True)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    server = SiteServer(root).start()
    try:
        base = server.base_url
        build(root, base, server)
        seeds = tmp_path_factory.mktemp("seeds")
        seed = 'site = "Maps"\nallowed_domains = ["127.0.0.1"]\ntimezone = "Asia/Shanghai"\n'
        for name, kind, path, pages in CHANNELS:
            seed += (
                f'[[channels]]\nname = "{name}"\ntype = "{kind}"\nurl = "{base}/{path}"\n'
                f"max_pages = {pages}\n"
            )
        (seeds / "maps.toml").write_text(seed + '[article]\nbody = ".c"\n', "utf-8")
        result = crawl("maps", seeds, tmp_path_factory.mktemp("output"))
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line["title"]: line for line in result.feed_lines("maps")}
    return result, server, lines


def test_every_kind_of_sitemap_read(run):
    result, _, lines = run
    assert {title: line["channel"] for title, line in lines.items()} == {
        f"Article {n}": name for n, name in EXPECTED_CHANNEL.items()
    }
    assert "No article links" not in result.stderr
    assert "Not a sitemap" not in result.stderr


def test_index_children_and_robots_sitemaps_count_as_pages(run):
    result, server, _ = run
    paths = server.paths()
    for path in ("/index/a.xml.gz", "/index/b.xml.gz", "/robots/one.xml", "/robots/two.xml.gz"):
        assert path in paths
    # max_pages = 3: the index and two of its children.
    assert "/index/c.xml.gz" not in paths and "/s/7.html" not in paths
    report = result.report("maps")
    assert report["listing_pages"] == 1 + 1 + 1 + 3 + 3 + 1


def test_google_news_date_and_title_over_lastmod(run):
    _, _, lines = run
    line = lines["Article 1"]
    # <lastmod> comes first in the <url>: the publication date wins all the same.
    assert line["date"] == "2022-04-07T08:00:00+08:00"
    assert line["date_source"] == "listing"
    assert line["listing_title"] == "Harbour & promenade"
    assert lines["Article 2"]["date"] == "2022-04-10T00:00:00+08:00"  # lastmod, alone


def test_sitemap_unpacking_beyond_download_maxsize_ignored(tmp_path, serve):
    root = tmp_path / "site"
    (root / "s").mkdir(parents=True)
    (root / "s" / "1.html").write_text(ARTICLE.format(title="Article 1"))
    server = serve(root)
    base = server.base_url
    filler = f"<url><loc>{base}/s/none.html</loc></url>" * 2000  # about 80 KB unpacked
    (root / "big.xml.gz").write_bytes(gzip.compress(URLSET.format(urls=filler).encode()))
    (root / "small.xml.gz").write_bytes(gzip.compress(URLSET.format(urls=url(base, 1)).encode()))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = 'site = "Big"\nallowed_domains = ["127.0.0.1"]\n'
    for name in ("big", "small"):
        seed += f'[[channels]]\nname = "{name}"\ntype = "sitemap"\nurl = "{base}/{name}.xml.gz"\n'
    (seeds / "big.toml").write_text(seed + '[article]\nbody = ".c"\n', "utf-8")
    result = crawl("big", seeds, tmp_path / "out", "-s", "DOWNLOAD_MAXSIZE=20000")
    assert result.returncode == 0, result.stderr[-3000:]
    assert [line["title"] for line in result.feed_lines("big")] == ["Article 1"]
    assert "big.xml.gz> unpacks to more than 20000 bytes: ignored" in result.stderr
    assert "/s/none.html" not in server.paths()
