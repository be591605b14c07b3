"""CSS selectors evaluated with their attribute tests on the attribute axis select what parsel's
own evaluation selects, in the same order; what the rewriting does not know is left as it is."""

from __future__ import annotations

from pathlib import Path

from parsel import Selector, css2xpath
from scrapy.http import HtmlResponse, XmlResponse

from crawler.css import css, css_xpath, on_attributes
from crawler.extract.metadata import META_QUERIES
from crawler.seeds import select, select_nodes

PAGE = """<html lang="en"><head><meta property="og:image" content="/a.png">
<meta property='og:title' content="It's a title"><meta name="author" content="A">
<meta name="author" content="B"></head><body>
<div class="story-body-x">not the body</div>
<div class="  story-body\tlead\n" id="main"><p class="x">one <b>bold</b> tail</p>
<p class="xy">two</p><div class="story-body"><p>inner</p></div></div>
<div class="share share-box"><a rel="next" href="/2">Next</a></div>
<span itemprop="author"><span itemprop="name">Ann</span></span>
<time itemprop="datePublished" datetime="2024-01-02">Jan 2</time>
<h1 class="headline">Head<span class="headline">line</span></h1>
<ul class="list"><li><a class="title" href="/a">A</a></li>
<li><a class="title x" href="/b">B</a></li></ul>
<p data-x="1" title='say "hi"'>attrs</p><P CLASS="Upper">upper</P>
<div class="byline"><span class="time">10:00</span><span class="author">Bo</span>
<div class="byline"><span class="time">nested</span></div></div><meta itemprop="x" content="y">
<div class="byline"><b class="time">again</b><meta itemprop="dateModified" content="m"></div>
</body></html>"""
# The same page with one .byline only, none inside another.
FLAT_PAGE = PAGE.replace('<div class="byline"><span class="time">nested</span></div>', "")

QUERIES = [
    ".story-body",
    "div.story-body",
    ".story-body p::text",
    ".story-body > p",
    "#main",
    "div#main p.x::text",
    "h1.headline::text",
    ".headline",
    ".byline .time::text",
    ".byline .author::text",
    ".byline > .time",
    ".byline b::text",
    ".byline .time, .byline .author",
    "span.byline .time::text",
    "[property='og:image']::attr(content)",
    "meta[name='author']::attr(content)",
    "meta[name='author']::attr(nothing)",
    "ul.list li a.title::attr(href)",
    "ul.list > li",
    ".share",
    ".share-box a::attr(href)",
    "[itemprop='author'] [itemprop='name']::text",
    "[data-x]",
    "[title='say \"hi\"']",
    "p.Upper",
    ".upper",
    "p:not(.x)",
    "div.share.share-box",
    "li + li",
    "a, p.x",
    "*::text",
    "html::attr(lang)",
    *(query for queries in META_QUERIES.values() for query in queries),
]


def test_selections_are_parsels_own():
    pages = [PAGE] + [
        path.read_text("utf-8", "replace")
        for path in sorted((Path(__file__).parent / "sites").rglob("*.html"))
    ]
    for text in pages:
        selector = Selector(text=text, type="html")
        for query in QUERIES:
            own, fast = selector.css(query), css(selector, query)
            assert fast.getall() == own.getall(), query
            # The very nodes, not only equal texts.
            assert [s.root for s in fast if not isinstance(s.root, str)] == [
                s.root for s in own if not isinstance(s.root, str)
            ], query


def test_queries_sharing_a_pages_elements_select_what_each_selects_alone():
    # The shapes shared_select reads from other queries' elements, and the others, in turn.
    for text in (PAGE, FLAT_PAGE, *_site_pages()):
        selector = Selector(text=text, type="html")
        shared: dict = {}
        for query in [*QUERIES, *reversed(QUERIES)]:
            alone = [result.root for result in select(selector, query)]
            assert select_nodes(selector, query, shared) == alone, query


def _site_pages() -> list[str]:
    return [
        path.read_text("utf-8", "replace")
        for path in sorted((Path(__file__).parent / "sites").rglob("*.html"))
    ]


def test_the_rewriting_reaches_the_common_selectors_and_leaves_the_others():
    rewritten = [q for q in QUERIES if css_xpath(q) != css2xpath(q)]
    for query in (".story-body", "h1.headline::text", "ul.list li a.title::attr(href)", "#main"):
        assert query in rewritten
        assert "/@" in css_xpath(query) and "normalize-space(@class)" not in css_xpath(query)
    for query in ("p:not(.x)", "div.share.share-box", "li + li", "a, p.x"):
        assert css_xpath(query) == css2xpath(query)
    # An XPath that is not a translated selector's is given back whole.
    for xpath in (
        "//div[@class='x']",
        "descendant-or-self::*[@id = 'a']|//p",
        "descendant-or-self::",
    ):
        assert on_attributes(xpath) == xpath


def test_responses_and_xml_documents_are_read_as_parsel_reads_them():
    html = HtmlResponse("https://news.example/", body=PAGE.encode(), encoding="utf-8")
    assert css(html, ".story-body p::text").getall() == html.css(".story-body p::text").getall()
    xml = XmlResponse(
        "https://news.example/feed", body=b"<rss><item class='a'><title>T</title></item></rss>"
    )
    assert css(xml, "item title::text").getall() == ["T"]
    assert css(xml.selector.css("item"), "title::text").getall() == ["T"]
