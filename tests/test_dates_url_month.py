"""A page whose address names a year and a month without a day (WordPress's
/%year%/%monthnum%/%postname%/): htmldate looks for the day in that month first, and takes
the page's oldest date only when the month holds none."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.http import HtmlResponse

from conftest import crawl, one_channel_seed, read_jsonl
from crawler.extract import ExtractOptions, extract_article
from crawler.extract.dates import url_month

STORY = "<p>" + "The council voted on the new harbour promenade after a long debate. " * 8 + "</p>"
CRAWLED = datetime(2026, 11, 30, 12, tzinfo=UTC)


def page_html(shown: str) -> str:
    """A blog post that shows its day after its text as a WordPress theme writes it, in a form
    htmldate does not read ("December 3rd, 2011"), and an archives widget listing months: the
    oldest, June 2010, is htmldate's day for the page when it may take any."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Harbour</title>"
        f"</head><body><h1>Harbour</h1><div class='story'>{STORY}</div>"
        f"<p class='postmetadata'>This entry was posted on {shown} in News.</p>"
        "<aside><h3>Archives</h3><ul><li><a href='/2011/12/'>December 2011</a></li>"
        "<li><a href='/2011/01/'>January 2011</a></li><li><a href='/2010/06/'>June 2010</a></li>"
        "</ul></aside></body></html>"
    )


def day(url: str, shown: str) -> str | None:
    options = ExtractOptions(language="en", timezone=None, crawled_at=CRAWLED)
    response = HtmlResponse(url, body=page_html(shown).encode())
    article = extract_article(response, options)
    return article.date.date().isoformat() if article.date else None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://blog.example/2011/12/harbour/", ("2011-12-01", "2011-12-31")),
        ("https://blog.example/news/2024/2/harbour.html", ("2024-02-01", "2024-02-29")),
        ("https://blog.example/2011/12/03/harbour/", None),  # a whole date: the address's own
        ("https://blog.example/2011/harbour/", None),
        ("https://blog.example/2011/13/harbour/", None),
        ("https://blog.example/harbour-2011-12/", None),
    ],
)
def test_the_month_an_address_names(url, expected):
    assert url_month(url) == expected


def test_a_day_in_the_addresss_month_beats_an_older_date_of_the_page():
    assert day("https://blog.example/2011/12/harbour/", "Saturday, December 3rd, 2011").startswith(
        "2011-12-"
    )
    # A day htmldate reads in the text, within the month.
    assert day("https://blog.example/2011/12/harbour/", "3 December 2011") == "2011-12-03"


def test_without_a_month_in_the_address_the_pages_oldest_date_stays():
    assert day("https://blog.example/harbour/", "Saturday, December 3rd, 2011") == "2010-06-01"


def test_a_month_the_page_shows_no_day_of_changes_nothing():
    assert day("https://blog.example/2012/03/harbour/", "Saturday, December 3rd, 2011") == (
        "2010-06-01"
    )


def test_the_month_of_the_address_in_a_crawl(tmp_path, serve):
    root = tmp_path / "site"
    (root / "2011" / "12" / "harbour").mkdir(parents=True)
    (root / "2011" / "12" / "harbour" / "index.html").write_text(
        page_html("Saturday, December 3rd, 2011"), "utf-8"
    )
    (root / "index.html").write_text(
        "<html><body><a class='story' href='/2011/12/harbour/'>Harbour</a></body></html>", "utf-8"
    )
    server = serve(root)
    seeds = one_channel_seed(
        tmp_path, "blog", f"{server.base_url}/index.html", '"a.story::attr(href)"',
        timezone='"UTC"',
    )  # fmt: skip
    result = crawl("blog", seeds, tmp_path / "output")
    assert result.returncode == 0, result.stderr[-3000:]
    [line] = read_jsonl(next((tmp_path / "output").glob("feeds/blog/*.jsonl")))
    assert line["date"].startswith("2011-12-")
