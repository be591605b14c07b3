"""An address that gives a year and month without a day (``/2011/12/post/``): htmldate is asked
for a day of that month (its ``min_date``/``max_date``) before the whole page, so that a
sidebar's older dates are not taken for the article's."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest
from scrapy.http import HtmlResponse

from crawler.extract import ExtractOptions, extract_article
from crawler.extract.dates import page_day, url_month

STORY = (
    "<p>"
    + "Die Ausstellung zeigt Plakate aus drei Jahrzehnten und bleibt bis Ostern. " * 8
    + "</p>"
)
# An archive sidebar with older dates, the article's own day in its byline, a copyright range.
PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Plakate</title></head><body>"
    "<div id='sidebar'><ul>"
    "<li><a href='/news/2010/06/a/'>Sommerfest</a> <span class='date'>01.06.2010</span></li>"
    "<li><a href='/news/2010/09/b/'>Herbst</a> <span class='date'>15.09.2010</span></li>"
    f"</ul></div><article><h1>Plakate</h1><p class='meta'>Geschrieben am 03.12.2011</p>{STORY}"
    "</article><footer>© 2009-2011</footer></body></html>"
)


@pytest.mark.parametrize(
    ("url", "month"),
    [
        ("http://example.com/news/2011/12/plakate/", "2011-12"),
        ("http://example.com/2011/3/plakate.html", "2011-03"),
        ("https://web.archive.org/web/20160218174457/http://example.com/2010/05/post/", "2010-05"),
        # A whole date, a month that is not one, a year alone, no date.
        ("http://example.com/2011/12/03/plakate/", None),
        ("http://example.com/2011/13/plakate/", None),
        ("http://example.com/2011/plakate/", None),
        ("http://example.com/plakate/", None),
    ],
)
def test_the_month_an_address_gives(url, month):
    assert url_month(url) == month


def test_htmldate_looks_in_the_addresss_month_first():
    root = lxml.html.fromstring(PAGE)
    assert page_day(root, "http://example.com/news/2011/12/plakate/") == "2011-12-03"
    # Without the month, htmldate takes the oldest date of the page: the sidebar's.
    assert page_day(root, "http://example.com/news/plakate/") == "2010-06-01"
    # A month the page has no date of: the whole page, as before.
    assert page_day(root, "http://example.com/news/2012/04/plakate/") == "2010-06-01"


def test_an_article_dated_in_its_addresss_month():
    options = ExtractOptions(language="de", timezone="Europe/Berlin", crawled_at=datetime.now(UTC))
    response = HtmlResponse("http://example.com/news/2011/12/plakate/", body=PAGE.encode())
    article = extract_article(response, options)
    assert article.date is not None
    assert article.date.date().isoformat() == "2011-12-03"
    assert article.extracted_by["date"] == "htmldate"
