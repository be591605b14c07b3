"""A publication time declared in UTC and the same instant the page's scripts write in the
site's zone (a data layer's JSON or variables): the site's offset is kept, and so its day."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from scrapy.http import HtmlResponse

from crawler.extract import ExtractOptions, extract_article

STORY = "<p>" + "The harbour promenade will be extended by four hundred metres. " * 8 + "</p>"
CRAWLED = datetime(2026, 11, 30, 12, tzinfo=UTC)
URL = "https://example.com/2020/02/24/harbour/"
DECLARED = json.dumps(
    {"@type": "NewsArticle", "headline": "Harbour", "datePublished": "2020-02-25T02:25:54Z"}
)


def article(script: str):
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Harbour</title>"
        f'<script type="application/ld+json">{DECLARED}</script><script>{script}</script>'
        f"</head><body><h1>Harbour</h1><div class='story'>{STORY}</div></body></html>"
    )
    options = ExtractOptions(timezone=None, crawled_at=CRAWLED)
    return extract_article(HtmlResponse(URL, body=html.encode()), options)


def test_the_same_instant_with_the_sites_offset_in_a_data_layer():
    page = article('var page = {"date": "2020-02-24T21:25:54-05:00", "section": "metro"};')
    assert page.date == datetime(2020, 2, 24, 21, 25, 54, tzinfo=timezone(timedelta(hours=-5)))
    assert page.date.utcoffset() == timedelta(hours=-5)
    assert page.extracted_by["date"] == "script"


def test_a_naive_time_with_the_same_seconds_a_zone_offset_away():
    page = article('var publication_date = "2020-02-24 21:25:54";')
    assert page.date.utcoffset() == timedelta(hours=-5)
    assert page.date.date().isoformat() == "2020-02-24"
    assert page.extracted_by["date"] == "script"


def test_another_instant_in_a_script_leaves_the_declaration_in_utc():
    for script in (
        'var page = {"date": "2020-02-24T21:26:10-05:00"};',  # not the same instant
        'var built = "2020-02-24 21:26:10";',  # not the same seconds
        'var page = {"date": "2020-02-25T02:25:54+00:00"};',  # UTC again
    ):
        page = article(script)
        assert page.date == datetime(2020, 2, 25, 2, 25, 54, tzinfo=UTC), script
        assert page.extracted_by["date"] == "json-ld"
