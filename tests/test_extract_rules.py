"""What each seed field's selector gives on a page, and when its value does not parse
(crawler/extract/rules.py)."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.extract.rules import seed_fields
from crawler.seeds import ArticleRules

PAGE = Selector(
    text="""<html><head><meta property="og:image" content="/og.jpg"></head><body>
    <h1 class="blank"> \u00a0 </h1><h1 class="title"> A  headline </h1>
    <p class="by">By </p><p class="by2">作者：</p><p class="author">By Jane Roe</p>
    <span class="d1">Updated recently</span><span class="d2">Updated 3 hours ago</span>
    <time datetime="2024-03-05T08:30:00Z">Tuesday</time>
    <img class="lazy" src="data:image/gif;base64,R0lGOD" data-src="/real.jpg">
    <img class="pixel" src="data:image/gif;base64,R0lGOD">
    <a class="js" href="javascript:void(0)">x</a>
    <div class="ad"></div><div class="script"><script>var x = 1;</script></div>
    <div class="story"><p>Text of the story.</p><div class="share">Share</div></div>
    <div class="gallery"><img src="/photo.jpg"></div>
    </body></html>"""
)


@pytest.mark.parametrize(
    ("name", "query", "outcome", "value"),
    [
        ("title", "h1.title::text", "matched", "A  headline"),
        ("title", "h1.blank::text", "unparsed", None),
        ("title", "h2::text", "missing", None),
        ("title", ("h1.blank::text", "h1.title"), "matched", "A  headline"),
        ("author", "p.by::text", "unparsed", None),
        ("author", "p.by2::text", "unparsed", None),
        ("author", ("p.by::text", "p.author::text"), "matched", "By Jane Roe"),
        ("date", "span.d1::text", "unparsed", None),
        ("date", "span.d2::text", "matched", "Updated 3 hours ago"),
        ("date", ("span.d1::text", "time::attr(datetime)"), "matched", "2024-03-05T08:30:00Z"),
        ("updated", "span.d1::text", "unparsed", None),
        ("image", "img.pixel::attr(src)", "unparsed", None),
        ("image", "a.js::attr(href)", "unparsed", None),
        # An element gives its image: an <img>'s lazy-loading source, a <meta>'s content.
        ("image", "img.lazy", "matched", "/real.jpg"),
        ("image", "meta[property='og:image']", "matched", "/og.jpg"),
        ("image", "img::attr(src)", "matched", "/photo.jpg"),
        ("body", "h1.title::text", "unparsed", None),
        ("body", "div.nothing", "missing", None),
        ("body", "div.gallery", "matched", '<img src="/photo.jpg">'),
        # The first element that holds text or an image, over the list and the page.
        ("body", ("div.ad", "div.script", "div.story"), "matched", "<p>Text of the story.</p>"),
        ("body", "div.ad, div.story", "matched", "<p>Text of the story.</p>"),
        # None does: the page's own empty body, not the next layer's furniture.
        ("body", ("div.nothing", "div.script", "div.ad"), "matched", "<script>var x = 1;</script>"),
        ("body", "div.ad", "matched", ""),
    ],
)
def test_seed_field_outcomes(name, query, outcome, value):
    rules = ArticleRules(**{name: query}, exclude=(".share",))
    got = seed_fields(PAGE, rules)
    selector = list(query) if isinstance(query, tuple) else query
    assert got.outcomes == {name: {"selector": selector, "outcome": outcome}}
    assert got.values.get(name) == value
