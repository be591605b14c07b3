"""Titles reconciled across a page's sources: the site-name part of <title> (or a declared site
name) removed from og:title, twitter:title and the JSON-LD headline; a heading that is the
site's name is not the headline."""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse

from crawler.extract import ExtractOptions, extract_article

BODY = "<p>" + "The council met on Tuesday and voted on the plan for the harbour. " * 6 + "</p>"


def title_of(head: str, body: str = "") -> str | None:
    html = f"<html><head>{head}</head><body>{body}<article>{BODY}</article></body></html>"
    response = HtmlResponse("http://127.0.0.1/a.html", body=html.encode())
    return extract_article(response, ExtractOptions()).title


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        # The part <title> shows after the headline, in og:title too.
        (
            "<title>Budget passes 9-4 | Metro Daily</title>"
            "<meta property='og:title' content='Budget passes 9-4 | Metro Daily'>",
            "<h1>Budget passes 9-4</h1>",
            "Budget passes 9-4",
        ),
        # twitter:title, with an em dash, and no heading at all.
        (
            "<title>Ferry timetable changes from May — The Harbour Post</title>"
            "<meta name='twitter:title' content='Ferry timetable"
            " changes from May — The Harbour Post'>",
            "",
            "Ferry timetable changes from May",
        ),
        # The JSON-LD headline, the site name declared by og:site_name only.
        (
            "<title>Council extends the promenade</title>"
            "<meta property='og:site_name' content='Harbour Tribune'>"
            + ld(
                {
                    "@type": "NewsArticle",
                    "headline": "Council extends the promenade - Harbour Tribune",
                }
            ),
            "",
            "Council extends the promenade",
        ),
        # A declared name that the title's part starts with (case 01's form).
        (
            "<title>Life in 2050 - Harbour Tribune Co. 100% Local</title>"
            "<meta property='og:title' content='Life in 2050 - Harbour Tribune Co. 100% Local'>"
            "<meta property='og:site_name' content='Harbour Tribune Co.'>",
            "",
            "Life in 2050",
        ),
        # The site's name before the headline, as the JSON-LD publisher names it.
        (
            "<title>Metro Daily | Harbour ferry timetable changes from May</title>"
            "<meta property='og:title' content='Metro Daily |"
            " Harbour ferry timetable changes from May'>"
            + ld(
                {
                    "@type": "NewsArticle",
                    "publisher": {"@type": "Organization", "name": "Metro Daily"},
                }
            ),
            "<h1>Metro Daily</h1>",
            "Harbour ferry timetable changes from May",
        ),
        # Chinese: a bare hyphen before the site's name.
        (
            "<title>我市老旧小区改造惠及三万多户-滨江新闻网</title>"
            "<meta property='og:title' content='我市老旧小区改造惠及三万多户-滨江新闻网'>",
            "<h1>我市老旧小区改造惠及三万多户</h1>",
            "我市老旧小区改造惠及三万多户",
        ),
    ],
)
def test_site_name_removed_from_metadata_titles(head, body, title):
    assert title_of(head, body) == title


ZH_HEADLINE = "我市老旧小区改造惠及三万多户"


@pytest.mark.parametrize("separator", ["＿", "_", "-", "－", "|", "｜", "丨", " 丨 ", "—", " - "])
@pytest.mark.parametrize("heading", ["", f"<h1>{ZH_HEADLINE}</h1>", "<h1>滨江新闻网</h1>"])
def test_chinese_separators_before_the_site_name(separator, heading):
    """The separators Chinese sites put before their name, in <title> and og:title alike, with
    the headline as a heading, as no heading, or with the site's name as the only heading."""
    page_title = f"{ZH_HEADLINE}{separator}滨江新闻网"
    assert title_of(f"<title>{page_title}</title>", heading) == ZH_HEADLINE
    og = f"<meta property='og:title' content='{page_title}'>"
    assert title_of(f"<title>{page_title}</title>{og}", heading) == ZH_HEADLINE


@pytest.mark.parametrize(
    "title",
    [
        # A doubled em dash is Chinese punctuation: the headline's own dash.
        "暴雨过后——滨江两岸的一天",
        # Words a hyphen joins stay joined.
        "新冠病毒Omicron-BA.5毒株的传播",
    ],
)
def test_chinese_headline_dashes_kept(title):
    og = f"<meta property='og:title' content='{title}'>"
    assert title_of(f"<title>{title}</title>{og}") == title


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        # A part of the headline itself that <title> also ends with stays.
        (
            "<title>Review - shoots for the moon - VG Daily</title>"
            "<meta property='og:title' content='Star Wars review - shoots for the moon'>",
            "<h1>Star Wars review – shoots for the moon</h1>",
            "Star Wars review - shoots for the moon",
        ),
        # Hyphens inside a word or a score are no separators.
        (
            "<title>A well-being plan passes 9-4</title>"
            "<meta property='og:title' content='A well-being plan passes 9-4'>",
            "",
            "A well-being plan passes 9-4",
        ),
        # A column name <title> puts last is not taken from the start of og:title.
        (
            "<title>Macron meets Putin in Moscow on Monday - Press review</title>"
            "<meta property='og:title' content='Press review -"
            " Macron meets Putin in Moscow on Monday'>",
            "",
            "Press review - Macron meets Putin in Moscow on Monday",
        ),
    ],
)
def test_headline_parts_kept(head, body, title):
    assert title_of(head, body) == title


def test_heading_that_is_the_site_name_is_not_the_headline():
    head = "<title>Harbour ferry timetable changes from May | Metro Daily</title>"
    body = "<h1>Metro Daily</h1><h2>Harbour ferry timetable changes from May</h2>"
    assert title_of(head, body) == "Harbour ferry timetable changes from May"


def test_declared_site_name_before_the_headline_of_a_title_alone():
    """A page with only <title>, the site's name first as og:site_name declares it."""
    head = "<title>滨江新闻网 - 我市老旧小区改造惠及三万多户</title>"
    declared = "<meta property='og:site_name' content='滨江新闻网'>"
    assert title_of(head + declared) == ZH_HEADLINE
    # Undeclared, a short first part may be the headline's own: the title stays whole.
    assert title_of("<title>时评 - 我市老旧小区改造惠及三万多户</title>") == (
        "时评 - 我市老旧小区改造惠及三万多户"
    )


@pytest.mark.parametrize(
    ("page_title", "title"),
    [
        # A column between two bare hyphens goes with the site's name after it.
        (f"{ZH_HEADLINE}-国内新闻-滨江新闻网", ZH_HEADLINE),
        (f"{ZH_HEADLINE}－国内－滨江新闻网", ZH_HEADLINE),
        # A run of hyphens is one separator.
        (f"{ZH_HEADLINE}--滨江新闻网", ZH_HEADLINE),
        # A hyphen in the headline stays when the part before it is too short to be all of it.
        ("中国-东盟博览会在南宁开幕-滨江新闻网", "中国-东盟博览会在南宁开幕"),
    ],
)
def test_chinese_titles_with_several_hyphens(page_title, title):
    """A <title> alone (no heading, no metadata) written with bare hyphens."""
    assert title_of(f"<title>{page_title}</title>") == title
