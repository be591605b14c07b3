"""A listing without a link selector: its links to tag, topic, author, category and section
pages (named so by their address or their rel) are not taken as articles; an article whose
address holds a date under such a path is."""

from __future__ import annotations

from conftest import crawl

ARTICLE = (
    "<html><head><title>{title}</title></head><body><h1>{title}</h1>"
    "<div class='c'><p>Body of {title}, long enough to be the article's text.</p></div>"
    "</body></html>"
)
ARTICLES = {
    "/politics/council-passes-the-budget.html": "Council passes the budget after a long night",
    "/topics/climate/2022/04/09/flood-plan.html": "Flood plan for the river valley",
    "/story/1234567.html": "Id",
}
LISTINGS = {
    "/tag/budget/": "Everything tagged budget",
    "/tags/harbour": "More stories on the harbour",
    "/topic/climate-change": "Climate change: all our coverage",
    "/author/jane-roe/": "Jane Roe, political correspondent",
    "/autoren/max-muster": "Max Muster, Redakteur für Politik",
    "/category/local-news/": "Local news from the whole region",
    "/section/sport": "Sport: results, fixtures and reports",
    "/page/2/": "Older stories on the next page",
    "/people/city-hall-reporters.html": "Meet the reporters at city hall",
    "/budget-coverage.html": "All of our budget coverage in one place",  # rel="tag"
}


def test_guessed_links_skip_tag_topic_author_and_section_pages(tmp_path, serve):
    root = tmp_path / "site"
    for path, title in {**ARTICLES, **LISTINGS}.items():
        page = root / path.lstrip("/")
        if path.endswith("/"):
            page = page / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(ARTICLE.format(title=title), "utf-8")
    links = [f"<h2><a href='{p}'>{t}</a></h2>" for p, t in ARTICLES.items()]
    links += [
        f"<a href='{p}' rel='tag'>{t}</a>" if p == "/budget-coverage.html" else
        f"<a href='{p}'>{t}</a>"
        for p, t in LISTINGS.items()
    ]  # fmt: skip
    (root / "index.html").write_text(f"<main>{''.join(links)}</main>", "utf-8")
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "guess.toml").write_text(
        f'site = "G"\nallowed_domains = ["127.0.0.1"]\n[[channels]]\nname = "N"\n'
        f'url = "{server.base_url}/index.html"\n'
    )
    result = crawl("guess", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    requested = {p for p in server.paths() if p not in ("/index.html", "/robots.txt")}
    assert requested == set(ARTICLES)
    titles = {line["title"] for line in result.feed_lines("guess")}
    assert "Flood plan for the river valley" in titles
