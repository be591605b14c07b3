"""Channels of other kinds: RSS and Atom feeds, sitemap indexes with Google News sitemaps, and
an HTML page whose advertised feed is read instead (type = "auto")."""

from __future__ import annotations

import pytest

from conftest import crawl

ARTICLE = (
    "<html><head><title>{title}</title></head><body><h1>{title}</h1>"
    "<div class='c'><p>Body of {title}, long enough to be the article's text.</p>"
    # Over 200 characters, as a news article's text is (the run's coverage is judged on it).
    "<p>A second paragraph tells what happened next, who said what about it, and when the "
    "story will be followed up, as the reporters of a real newspaper would write it.</p></div>"
    "</body></html>"
)
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>T</title>
<item><title>RSS one</title><link>{base}/a/1.html</link>
<pubDate>Sat, 09 Apr 2022 09:56:37 GMT</pubDate></item>
<item><title>RSS two</title><link>{base}/a/2.html?utm_source=rss</link></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>Atom three</title><link rel="alternate" href="{base}/a/3.html"/>
<published>2022-04-08T10:00:00+08:00</published></entry></feed>"""
INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/news-sitemap.xml</loc></sitemap></sitemapindex>"""
NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/a/4.html</loc><news:news><news:publication>
<news:name>T</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2022-04-07T08:00:00+08:00</news:publication_date>
<news:title>Sitemap four</news:title></news:news></url>
<url><loc>{base}/a/5.html</loc><lastmod>2022-04-06</lastmod></url>
</urlset>"""
HOME = (
    "<html><head><link rel='alternate' type='application/rss+xml' href='/feed2.xml'>"
    "</head><body><a href='/a/none.html'>A link the feed makes us ignore</a></body></html>"
)
RSS2 = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Auto six</title><link>{base}/a/6.html</link></item></channel></rss>"""


@pytest.fixture
def run(tmp_path, serve):
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    server = serve(root)
    base = server.base_url
    for n in range(1, 7):
        (root / "a" / f"{n}.html").write_text(ARTICLE.format(title=f"Article {n}"))
    for name, text in [
        ("feed.xml", RSS),
        ("atom.xml", ATOM),
        ("sitemap-index.xml", INDEX),
        ("news-sitemap.xml", NEWS_SITEMAP),
        ("home.html", HOME),
        ("feed2.xml", RSS2),
    ]:
        (root / name).write_text(text.format(base=base))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    channels = [
        ("Rss", "feed", "feed.xml", 1),
        ("Atom", "feed", "atom.xml", 1),
        ("Map", "sitemap", "sitemap-index.xml", 2),
        ("Auto", "auto", "home.html", 1),
    ]
    seed = 'site = "Kinds"\nallowed_domains = ["127.0.0.1"]\ntimezone = "Asia/Shanghai"\n'
    for name, kind, path, pages in channels:
        seed += (
            f'[[channels]]\nname = "{name}"\ntype = "{kind}"\nurl = "{base}/{path}"\n'
            f"max_pages = {pages}\n"
        )
    (seeds / "kinds.toml").write_text(seed + '[article]\nbody = ".c"\n', "utf-8")
    result = crawl("kinds", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    return result, server


def test_each_kind_of_channel(run):
    result, server = run
    lines = {line["title"]: line for line in result.feed_lines("kinds")}
    assert sorted(lines) == [f"Article {n}" for n in range(1, 7)]
    assert [lines[f"Article {n}"]["channel"] for n in range(1, 7)] == [
        "Rss",
        "Rss",
        "Atom",
        "Map",
        "Map",
        "Auto",
    ]
    assert lines["Article 1"]["listing_title"] == "RSS one"
    assert lines["Article 4"]["listing_title"] == "Sitemap four"
    # The entries' dates serve where the pages have none.
    assert lines["Article 1"]["date"] == "2022-04-09T17:56:37+08:00"
    assert lines["Article 3"]["date"] == "2022-04-08T10:00:00+08:00"
    assert lines["Article 4"]["date"] == "2022-04-07T08:00:00+08:00"
    assert lines["Article 5"]["date"] == "2022-04-06T00:00:00+08:00"
    assert {lines[f"Article {n}"]["date_source"] for n in (1, 3, 4, 5)} == {"listing"}
    assert lines["Article 2"]["url"].endswith("/a/2.html")  # tracking parameter gone
    paths = server.paths()
    assert "/feed2.xml" in paths and "/a/none.html" not in paths
    assert "/news-sitemap.xml" in paths


def test_one_handler_per_channel_type():
    from crawler.seeds import CHANNEL_TYPES
    from crawler.spiders.channels import CHANNEL_HANDLERS

    assert tuple(CHANNEL_HANDLERS) == CHANNEL_TYPES


def test_unknown_channel_type_refused(tmp_path):
    from conftest import scrapy

    (tmp_path / "x.toml").write_text(
        'site = "X"\nallowed_domains = ["127.0.0.1"]\n[[channels]]\nname = "N"\n'
        'url = "http://127.0.0.1:1/"\ntype = "json"\n'
    )
    proc = scrapy("crawl", "x", "-s", f"SEEDS_DIR={tmp_path}")
    assert proc.returncode == 1
    assert "channels[0].type: 'json' is not one of html, feed, sitemap, auto" in proc.stderr


def test_links_guessed_without_a_link_selector(tmp_path, serve):
    root = tmp_path / "site"
    (root / "news" / "2022" / "04" / "09").mkdir(parents=True)
    articles = {
        "/news/2022/04/09/short.html": "Short",  # a date in the address, a short text
        "/story/1234567.html": "Id",  # a long number in the address
        "/about/long-text.html": "A headline that is long enough",  # only its text
    }
    for path in articles:
        (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / path.lstrip("/")).write_text(ARTICLE.format(title=path))
    listing = (
        "<html><body><nav><a href='/section/world-news-and-more.html'>World news and more</a>"
        "</nav><header><a href='/2022/04/09/nav.html'>Navigation item here</a></header>"
        "<main>"
        + "".join(f"<h2><a href='{p}'>{t}</a></h2>" for p, t in articles.items())
        + "<a href='/tag/x'>x</a><a href='mailto:a@b.c'>Write to us, whoever you are</a></main>"
        "<footer><a href='/contact-us-please.html'>Contact us, please do</a></footer>"
        "</body></html>"
    )
    (root / "index.html").write_text(listing)
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "guess.toml").write_text(
        f'site = "G"\nallowed_domains = ["127.0.0.1"]\n[[channels]]\nname = "N"\n'
        f'url = "{server.base_url}/"\n[article]\nbody = ".c"\n'
    )
    result = crawl("guess", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    requested = {p for p in server.paths() if p not in ("/", "/robots.txt")}
    assert requested == set(articles)
    assert "No link selector: took 3 links from" in result.stderr


def test_listing_pages_follow_rel_next_without_a_next_selector(tmp_path, serve):
    """max_pages > 1 with no `next` selector: the page's own rel=next is followed; a first page
    without one says that max_pages cannot be honoured."""
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    for n in (1, 2, 3):
        (root / "a" / f"{n}.html").write_text(ARTICLE.format(title=f"Article {n}"))
    (root / "p1.html").write_text(
        "<html><head><link rel='next' href='/p2.html'></head><body>"
        "<a class='s' href='/a/1.html'>one</a></body></html>"
    )
    (root / "p2.html").write_text(
        "<html><body><a class='s' href='/a/2.html'>two</a>"
        "<a rel='next' href='/p3.html'>more</a></body></html>"
    )
    (root / "p3.html").write_text(
        "<html><body><a class='s' href='/a/3.html'>three</a></body></html>"
    )
    (root / "lone.html").write_text(
        "<html><body><a class='s' href='/a/1.html'>one</a></body></html>"
    )
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = 'site = "Rel"\nallowed_domains = ["127.0.0.1"]\n'
    for name, path in (("Paged", "p1.html"), ("Lone", "lone.html")):
        seed += f'[[channels]]\nname = "{name}"\nurl = "{server.base_url}/{path}"\nmax_pages = 5\n'
    seed += '[listing]\nlink = "a.s::attr(href)"\n[article]\nbody = ".c"\n'
    (seeds / "rel.toml").write_text(seed, "utf-8")
    result = crawl("rel", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(line["title"] for line in result.feed_lines("rel")) == [
        "Article 1",
        "Article 2",
        "Article 3",
    ]
    assert "WARNING: Lone: max_pages = 5, but" in result.stderr
    assert "no rel=next link; give [listing] next" in result.stderr
