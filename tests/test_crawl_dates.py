"""The layers of a page's date, through a real crawl: declared dates first (a naive one yields to
a same-day declaration with its offset; one that cannot be read to the next layer), then the
date by the headline, then htmldate's day (which also gives a year-less date its year)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from conftest import crawl

STORY = "<p>" + "The harbour promenade will be extended by four hundred metres. " * 8 + "</p>"
PAGES = {
    # JSON-LD without an offset, a meta tag with one, for the same day; a byline date too.
    "naive.html": (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Naive",'
        ' "datePublished": "2024-03-05 08:30:00"}</script>'
        '<meta property="article:published_time" content="2024-03-05T08:30:00+01:00">',
        "<p class='byline'>By Jane Roe, March 1, 2024</p>",
    ),
    # A JSON-LD date nobody can read: the byline's date, written after a weekday.
    "unreadable.html": (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Unreadable",'
        ' "datePublished": "soon"}</script>',
        "<p class='byline'>Tuesday 5 March 2024 09.15 GMT</p>",
    ),
    # A byline date with a US zone, and another date at the foot of the page for htmldate.
    "byline.html": ("", "<p class='byline'>Updated Mar 5, 2024, 9:15 a.m. ET</p>"),
    # No date by the headline: htmldate reads the one at the foot.
    "foot.html": ("", ""),
    # A year-less byline date: htmldate's reading of the page gives its year.
    "yearless.html": (
        '<meta name="dcterms.created" content="2019-09-30">',
        "<p class='byline'>9月30日 10:00 来源：本报</p>",
    ),
    # A Chinese-numeral date by the headline.
    "numerals.html": ("", "<p class='byline'>二〇二四年三月五日 记者 林晓舟</p>"),
}
SHANGHAI = timezone(timedelta(hours=8))
EXPECTED = {
    "naive.html": (datetime(2024, 3, 5, 8, 30, tzinfo=timezone(timedelta(hours=1))), "meta"),
    "unreadable.html": (datetime(2024, 3, 5, 9, 15, tzinfo=UTC), "heuristic"),
    "byline.html": (datetime(2024, 3, 5, 14, 15, tzinfo=UTC), "heuristic"),
    "foot.html": (datetime(2022, 1, 21, tzinfo=SHANGHAI), "htmldate"),
    "yearless.html": (datetime(2019, 9, 30, 10, tzinfo=SHANGHAI), "heuristic"),
    "numerals.html": (datetime(2024, 3, 5, tzinfo=SHANGHAI), "heuristic"),
}


def write_site(root, port_placeholder="PORT"):
    links = []
    for name, (head, byline) in PAGES.items():
        title = name.split(".")[0].title()
        (root / name).write_text(
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}"
            f"</head><body><h1>{title}</h1>{byline}<div class='story'>{STORY}</div>"
            "<footer><p>Stand: 21.01.2022</p></footer></body></html>",
            "utf-8",
        )
        links.append(f"<li><a class='story' href='{name}'>{title}</a></li>")
    (root / "index.html").write_text(f"<ul>{''.join(links)}</ul>", "utf-8")


def test_date_layers_in_a_crawl(tmp_path, serve):
    site = tmp_path / "site"
    site.mkdir()
    write_site(site)
    server = serve(site)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "dated.toml").write_text(
        'site = "Dated"\ngroup = "Tests"\nallowed_domains = ["127.0.0.1"]\n'
        'timezone = "Asia/Shanghai"\nlanguage = "zh"\n'
        f'[[channels]]\nname = "Front"\nurl = "{server.base_url}/index.html"\n'
        '[listing]\nlink = "a.story::attr(href)"\n',
        "utf-8",
    )
    result = crawl("dated", seeds, tmp_path / "out", "-s", "IMAGES_ENABLED=False")
    assert result.returncode == 0, result.stderr[-3000:]
    got = {
        line["url"].rsplit("/", 1)[1]: (
            datetime.fromisoformat(line["date"]),
            line["extracted_by"]["date"],
        )
        for line in result.feed_lines("dated")
    }
    assert got == EXPECTED
