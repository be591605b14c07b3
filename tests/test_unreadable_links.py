"""Links urllib cannot read (a bracketed host that is not an IP address, such as the
``http://[ccpa-preferences]/`` of real consent banners: ValueError since Python 3.11.4) lose
nothing: a listing keeps its other links, an article keeps its text, and no traceback is
logged, on the selector path and the generic path alike, for HTML listings and sitemaps."""

from __future__ import annotations

import pytest

from conftest import crawl

BAD = "http://[ccpa-preferences]/settings"
TEXT = "<p>{} A paragraph long enough to be the text of the article, and more words.</p>"
ARTICLE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="{bad}"><meta property="og:image" content="{bad}">
</head><body><article><h1>{title}</h1><div class="content">{text}
<p>Change your <a href="{bad}">privacy choices</a> here.<img src="{bad}" alt="x"></p>
</div><a rel="next" href="{bad}">Next page</a></article></body></html>"""
LISTING = """<!doctype html><html><body><ul>
<li><a class="doc" href="{bad}">Privacy</a></li>{links}</ul>
<a rel="next" href="{bad}">Next</a></body></html>"""
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{bad}</loc></url>{urls}</urlset>"""
SEED = """\
site = "Links"
allowed_domains = ["127.0.0.1"]
[[channels]]
name = "All"
url = "{url}"
max_pages = 2
{kind}
[listing]
link = "a.doc::attr(href)"
"""


@pytest.mark.parametrize(
    ("channel", "article"),
    [("html", False), ("html", True), ("sitemap", False)],
    ids=["listing-generic", "listing-seed-body", "sitemap"],
)
def test_unreadable_links_lose_nothing(tmp_path, serve, channel, article):
    root = tmp_path / "site"
    root.mkdir()
    server = serve(root)
    titles = [f"Harbour story number {n}" for n in range(3)]
    for n, title in enumerate(titles):
        (root / f"a{n}.html").write_text(
            ARTICLE.format(title=title, bad=BAD, text=TEXT.format(title) * 3), "utf-8"
        )
    if channel == "html":
        links = "".join(
            f'<li><a class="doc" href="/a{n}.html">{t}</a></li>' for n, t in enumerate(titles)
        )
        (root / "index.html").write_text(LISTING.format(bad=BAD, links=links), "utf-8")
        url, kind = f"{server.base_url}/index.html", ""
    else:
        urls = "".join(f"<url><loc>{server.base_url}/a{n}.html</loc></url>" for n in range(3))
        (root / "sitemap.xml").write_text(SITEMAP.format(bad=BAD, urls=urls), "utf-8")
        url, kind = f"{server.base_url}/sitemap.xml", 'type = "sitemap"'
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = SEED.format(url=url, kind=kind)
    if article:
        seed += '[article]\nbody = ".content"\n'
    (seeds / "links.toml").write_text(seed, "utf-8")
    result = crawl("links", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "Link left out: 'http://[ccpa-preferences]/settings'" in result.stderr
    lines = {line["title"]: line for line in result.feed_lines("links")}
    assert sorted(lines) == sorted(titles)
    for title, line in lines.items():
        assert "privacy choices" in line["text"], title
        assert "ccpa-preferences" not in line["body_html"], title
        assert line["url"] == f"{server.base_url}/a{titles.index(title)}.html"
