"""htmldate reads a page without its readers' comments: a comment's ``<time datetime>`` is not
the article's date, which the page writes in its text."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import lxml.html
from htmldate import find_date
from scrapy.http import HtmlResponse

from crawler.extract import ExtractOptions, extract_article
from crawler.extract.dates import htmldate_day, without_comments

STORY = (
    "<p>"
    + "Tomaten schneidet man am besten mit einem scharfen Messer quer zum Strunk. " * 8
    + "</p>"
)


def page(comments_class: str = "comment-box", heading_inside: bool = False) -> str:
    heading = "<h1>Tomaten richtig schneiden</h1>"
    article = (
        f"<article>{'' if heading_inside else heading}<div><span><a href='/u/m'>Marianne</a>"
        f"</span><br> am 20.09.2020</div>{STORY}</article>"
    )
    comments = (
        f"<section class='{comments_class}'>{heading if heading_inside else ''}"
        "<h2>Kommentare</h2>"
        "<div><time datetime='2020-09-22T12:45:17+02:00'>22.09.20 | 12:45</time><p>Gut!</p></div>"
        "<div><time datetime='2020-09-23T13:10:36+02:00'>23.09.20 | 13:10</time><p>Danke.</p></div>"
        "</section>"
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Tomaten</title></head>"
        f"<body>{article}{comments}</body></html>"
    )


def test_htmldate_alone_takes_a_comments_time():
    # The fault this guards against: htmldate on the whole page dates it by a comment.
    assert find_date(page(), original_date=True, extensive_search=True) == "2020-09-22"


def test_htmldate_without_the_comments_reads_the_articles_date():
    assert htmldate_day(lxml.html.fromstring(page())) == "2020-09-20"
    assert htmldate_day(lxml.html.fromstring(page("user-comments"))) == "2020-09-20"


def test_an_element_holding_the_headline_is_not_taken_for_comments():
    root = lxml.html.fromstring(page("commentable", heading_inside=True))
    assert without_comments(root) is root
    # The page is unchanged by the copy taken for htmldate.
    root = lxml.html.fromstring(page())
    assert without_comments(root) is not root
    assert root.xpath("//time")


def test_an_article_dated_by_its_text_not_by_a_comment():
    options = ExtractOptions(language="de", timezone="Europe/Berlin", crawled_at=datetime.now(UTC))
    response = HtmlResponse("http://example.com/tipp/tomaten.html", body=page().encode())
    article = extract_article(response, options)
    assert article.date is not None
    assert article.date.date().isoformat() == "2020-09-20"
    # The byline's German date ("am 20.09.2020") is read by the headline, before htmldate (which
    # reads the same day without the comments: above); the comments' <time> gives it no time.
    assert article.extracted_by["date"] == "heuristic"
    assert article.date == datetime(2020, 9, 20, tzinfo=ZoneInfo("Europe/Berlin"))
