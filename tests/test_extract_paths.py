"""Extraction's fast paths give what the ways they replace give: seed selectors evaluated on
lxml elements (select_nodes) as parsel's results, exclusions dropped in place as from a copy
(and the page left as it was), a body's text by recursion as by iterwalk's events, the pager
pre-check never missing a "next page" link (crawler/extract/rules.py, crawler/seeds.py,
crawler/cleaning.py, crawler/extract/pages.py)."""

from __future__ import annotations

import copy
import pickle
import random
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from parsel import Selector
from scrapy.http import HtmlResponse
from scrapy.selector import Selector as ScrapySelector

from conftest import require
from crawler.cleaning import (
    LINE_END,
    ParsedHtml,
    _plain_text_events,
    _plain_text_walk,
    body_fragment,
    clean_body,
    inner_html,
    parsed_html,
    plain_text,
)
from crawler.extract import ExtractOptions, _utf8_root, base_url, declared_canonical, page_selector
from crawler.extract.pages import NEXT_TEXT, may_name_next
from crawler.extract.rules import _body, _restore, _without
from crawler.seeds import select, select_nodes

PAGE = """<html><head><base><base href="/b/"><link rel="canonical">
<link rel="canonical" href="/first"></head><body>
<nav><a href="/x">Weiter &raquo;</a></nav>
<article class="story" id="main"><h1 class="t">A <b>headline</b></h1>
<p>One<span class="share">share <i>it</i></span> tail one.</p>
<div class="share">Share</div>after the share
<p>Two <a href="/y">link</a> <span class="share"><span class="share">nested</span>x</span>end</p>
<figure><img src="/a.jpg"><figcaption>Cap</figcaption></figure>
<ruby>子<rt>こ</rt>tail</ruby><!-- a comment -->after the comment
</article><noscript><div class="story">hidden</div></noscript>
</body></html>"""

SELECTORS = [
    "h1.t::text",
    "h1.t",
    ".story p",
    "article > p::text",
    "[id='main'] span.share",
    "a::attr(href)",
    "p:first-child",
    "h1 + p",
    "div.share, p",
    "//p[2]//text()",
    "(count(//p))",
    "(//a/@href = '/y')",
    "//span[re:test(@class, '^sh')]",
    ("div.nothing", "h1.t::text"),
    ("div.nothing", "div.none"),
]


@pytest.mark.parametrize("query", SELECTORS)
def test_select_nodes_gives_the_roots_of_selects_results(query):
    page = Selector(text=PAGE)
    assert select_nodes(page, query) == [result.root for result in select(page, query)]


def _copied(element, exclude):
    """The way exclusions were made: each query on a copy, its results dropped by parsel."""
    element = Selector(root=copy.deepcopy(element), type="html")
    for query in exclude:
        select(element, query).drop()
    return element.root


@pytest.mark.parametrize(
    "exclude",
    [
        (".share",),
        ("span", "i", "figure"),
        ("p a", "article > div"),
        ("p:first-child",),  # not within the element alone: from a copy
        ("//span",),
        ("rt", "img"),
    ],
)
@pytest.mark.parametrize("query", ["article.story", "div.story"])
def test_exclusions_in_place_give_the_copys_html_and_leave_the_page(query, exclude):
    page = Selector(text=PAGE)
    before = lxml.etree.tostring(page.root)
    element = select_nodes(page, query)[0]
    expected = inner_html(_copied(element, exclude))
    body, dropped = _without(element, exclude)
    try:
        assert inner_html(body) == expected
    finally:
        _restore(dropped)
    assert lxml.etree.tostring(page.root) == before
    assert _body([element], exclude).html == expected


def test_an_exclusion_of_the_element_itself_fails_as_parsels_copy_does():
    page = Selector(text=PAGE)
    before = lxml.etree.tostring(page.root)
    element = select_nodes(page, "article")[0]
    with pytest.raises(Exception, match="has no parent") as raised:
        _copied(element, ("p", "article"))
    with pytest.raises(type(raised.value), match="has no parent"):
        _without(element, ("p", "article"))
    with pytest.raises(Exception, match="pseudo-element") as raised:
        _copied(element, ("p", "h1::text"))
    with pytest.raises(type(raised.value), match="pseudo-element"):
        _without(element, ("p", "h1::text"))
    assert lxml.etree.tostring(page.root) == before


BODIES = [
    "<p>a<!-- c -->b<?pi x?>d</p><p>x<rt>r</rt>t</p>",
    "<ruby>子<rt>こ<b>q</b></rt>tail<rp>(</rp></ruby>",
    "lead<div>a<p>b</p>c</div>d&amp;e<br>f",
    "<p>&nbsp;x  y\n</p><table><tr><td>1</td><td>2</td></tr></table>",
    "<rt>a<rt>b</rt>c</rt>d<p>e<rp>f</rp></p>",
    "<div>" * 250 + "deep" + "</div>" * 250,
    f"<p>a{LINE_END}b</p><p>c</p>",
    "<p> a \xa0b\u3000</p>\n<p>\tc\u2028d\x85</p> tail <br>e  f",
    "<ul><li>one<li>two</ul><!-- c --> after<p>x<!-- c -->y</p>",
]
# Tags and texts of the random trees plain_text is checked on: blocks, annotations, inline
# tags, comments and processing instructions, every kind of whitespace, LINE_END itself.
TREE_TAGS = ("p", "div", "span", "b", "rt", "rp", "ruby", "br", "td", "li", "a", "h2", "x-y")
TREE_TEXTS = ("a", " ", "  ", "\n", "\t", "\xa0", "\u3000", LINE_END, "字", " d ", "\x85", "")


def random_body(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(0, 4)):
        draw = rng.random()
        text = "".join(rng.choice(TREE_TEXTS) for _ in range(rng.randint(0, 3)))
        if draw < 0.08:
            parts.append(f"<!--{text}-->")
        elif draw < 0.12:
            parts.append(f"<?pi {text}?>")
        elif draw < 0.6 and depth < 6:
            tag = rng.choice(TREE_TAGS)
            parts.append(f"<{tag}>{random_body(rng, depth + 1)}</{tag}>")
        else:
            parts.append(text)
    return "".join(parts)


@pytest.mark.parametrize("html", BODIES)
def test_plain_text_by_recursion_is_the_events_text(html):
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert plain_text(root) == _plain_text_walk(root) == _plain_text_events(root)


def test_plain_text_leaves_out_processing_instructions_and_their_tails():
    # libxml2's HTML parser reads "<?pi?>" as a comment: the instruction is made here.
    root = body_fragment("<p>a</p><p>b</p>")
    for paragraph, made in zip(
        root, (lxml.etree.PI("pi", "x"), lxml.etree.Comment("c")), strict=True
    ):
        paragraph.append(made)
        made.tail = "gone"
    assert plain_text(root) == _plain_text_walk(root) == "a\nb"


def test_plain_text_by_libxslt_is_the_walks_text_on_random_trees():
    rng = random.Random(12)
    for _ in range(400):
        root = body_fragment(random_body(rng))
        for element in [root, *(element for element in root.iter() if element is not root)]:
            if isinstance(element.tag, str):
                assert plain_text(element) == _plain_text_walk(element)


@pytest.mark.parametrize("html", [*BODIES, "  <p>x</p>", "text only", "<body class='c'>x</body>"])
def test_body_fragment_is_lxml_htmls_fragment(html):
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    root = body_fragment(html)
    assert (root.tag, dict(root.attrib), root.text) == ("div", {}, fragment.text)
    assert lxml.etree.tostring(root) == lxml.etree.tostring(fragment)


@pytest.mark.parametrize(
    "link",
    [
        "Next",
        "NEXT PAGE »",
        "下一页",
        "Nächste Seite",
        "NÄCHSTE",
        "ne<b>xt</b>",
        "ſiguiente",
        "Prev",
    ],
)
def test_the_pager_pre_check_misses_no_next_link(link):
    root = lxml.html.document_fromstring(f"<p><a href='/2'>{link}</a><a>Next</a></p>")
    anchor = next(root.iter("a"))
    matches = bool(NEXT_TEXT.match(" ".join(anchor.text_content().split())))
    assert may_name_next(root) or not matches
    assert may_name_next(root) == (link != "Prev")


def test_base_and_canonical_are_the_first_ones_with_an_address():
    page = Selector(text=PAGE)
    assert base_url(page, "http://site.test/a/1.html") == "http://site.test/b/"
    # The first canonical link of its parent has no href: XPath's [1] gives none.
    options = ExtractOptions(url="http://site.test/a/1.html")
    assert declared_canonical(page, options) is None
    other = Selector(text=PAGE.replace('<link rel="canonical">', ""))
    assert declared_canonical(other, options) == "http://site.test/first"


UTF8_PAGES = [
    b"<html><head><base href='/b/'></head><body><p>\xc3\xa9t\xc3\xa9</p></body></html>",
    b"  \n<!doctype html><p>x</p>\n\n",
    b"\xc2\xa0<p>nbsp first</p>\xe3\x80\x80",
    b"<p>nbsp last</p>\xc2\xa0",
    b"\xef\xbb\xbf<p>bom</p>",
    b"<p>bad \xff byte</p>",
    b"<p>a surrogate \xed\xa0\x80, an overlong \xc0\xaf, a cut \xe4\xb8 one</p>",
    b"<p>cut at the end</p>\xe4\xb8",
    b"<p>a replacement \xef\xbf\xbd written</p>",
    b"<meta charset='gbk'><p>\xd6\xd0\xce\xc4</p>",
    b"",
    b"   ",
    b"plain text, no tag",
]


@pytest.mark.parametrize("body", UTF8_PAGES)
@pytest.mark.parametrize(
    "content_type", ["text/html", "text/html; charset=utf8", "text/html; charset=latin-1"]
)
def test_a_pages_tree_from_its_bytes_is_scrapys_own(body, content_type):
    def response():
        headers = {"Content-Type": content_type}
        return HtmlResponse("http://example.com/a/b.html", body=body, headers=headers)

    page, own = response(), ScrapySelector(response())
    selector = page_selector(page)
    assert selector is page.selector
    assert lxml.etree.tostring(selector.root) == lxml.etree.tostring(own.root)
    assert selector.root.getroottree().docinfo.URL == own.root.getroottree().docinfo.URL
    assert (selector.type, selector.response) == (own.type, page)


def test_the_test_sites_pages_are_read_from_their_bytes():
    pages = sorted((Path(__file__).parent / "sites").rglob("*.html"))
    assert pages
    for path in pages:
        body = path.read_bytes()
        page = HtmlResponse("http://example.com/", body=body, headers={"Content-Type": "text/html"})
        own = ScrapySelector(HtmlResponse("http://example.com/", body=body))
        assert lxml.etree.tostring(page_selector(page).root) == lxml.etree.tostring(own.root)
    utf8 = {"Content-Type": "text/html; charset=utf-8"}
    assert (
        _utf8_root(HtmlResponse("http://example.com/", body=b"<p>x</p>", headers=utf8)) is not None
    )


CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
# Bodies whose element a copy gives as a parse of its HTML gives it, or which are parsed.
COPIED_BODIES = [
    "<p>one</p>\n<p>two <a href='/a b'>spaced link</a></p>",
    "<p><a href=' /lead'>leading space</a><img src='/\u00e9t\u00e9.png'></p>",
    "<p><a href='/plain?a=1&amp;b=[2]'>plain</a><img src='//cdn.example/x.png' alt='x'></p>",
    "<ul><li class='empty'></li>\n  <li>after an empty one</li></ul>",
    "<pre>\nkept newline</pre><p>x</p>",
    "<xmp>&lt;b&gt;</xmp><textarea>\nt</textarea><p>y</p>",
    "   leading text <b>bold</b> tail",
    "\u00a0nbsp lead<p>p</p>",
    "\n   \n<p>whitespace lead</p><!-- c --> after",
    "<select><option selected='selected'>o</option></select><td nowrap='1'>cell</td>",
    "<noscript><img src='/real.png'></noscript><img src='data:,'><p>lazy</p>",
    "<div><div><p>nested <span>divs</span></p></div></div>tail",
]


def _page_body(inner: str):
    page = Selector(text=f"<html><body><div id='b' class='c'>{inner}</div>after</body></html>")
    return page.root.find(".//div")


@pytest.mark.parametrize("inner", COPIED_BODIES)
def test_a_copied_body_is_the_parse_of_its_html(inner):
    element = _page_body(inner)
    html = parsed_html(element)
    written = inner_html(element)
    # A copy's HTML, written from the copy when asked, is the element's.
    assert str(html) == written and html == written and bool(html) == bool(written)
    if isinstance(html, ParsedHtml):
        # The same tree, but for the values of boolean attributes (the cleaner drops them).
        trees = [html.tree, body_fragment(written)]
        for tree in trees:
            for element in tree.iter():
                for name in ("selected", "nowrap"):
                    element.attrib.pop(name, None)
        assert lxml.etree.tostring(trees[0]) == lxml.etree.tostring(trees[1])
        parsed = clean_body(written, "http://example.com/a/")
        assert clean_body(html, "http://example.com/a/") == parsed
        # Taken once: a second cleaning parses the HTML (written before the tree was taken).
        assert html.tree is None and clean_body(html, "http://example.com/a/") == parsed


def test_a_copied_bodys_html_is_written_only_when_asked():
    html = parsed_html(_page_body("<p>one <b>two</b></p>"))
    assert isinstance(html, ParsedHtml) and html
    body = clean_body(html, "http://example.com/a/")
    assert body.html == "<p>one <b>two</b></p>"
    # Never asked before cleaning took (and changed) the tree: nothing was written, and
    # nothing can be now.
    with pytest.raises(RuntimeError):
        str(html)
    # Empty, or whitespace only: false and true as their HTML is.
    assert not parsed_html(_page_body(""))
    assert parsed_html(_page_body("  \n ")) and str(parsed_html(_page_body("  \n "))) == "  \n "


def test_a_copied_body_pickles_as_its_html():
    html = parsed_html(_page_body("<p>one</p>"))
    assert isinstance(html, ParsedHtml)
    again = pickle.loads(pickle.dumps(html))
    assert (type(again), again) == (str, "<p>one</p>")


def test_plain_bodies_are_copied_and_the_others_parsed():
    copied = [isinstance(parsed_html(_page_body(inner)), ParsedHtml) for inner in COPIED_BODIES]
    assert copied == [False, False, True, False, False, False, True, True, True, True, False, True]


def test_copied_bodies_clean_as_their_parsed_html_on_the_corpus():
    require(CORPUS.is_dir(), f"the shared corpus is not at {CORPUS}")
    compared = 0
    for path in sorted(CORPUS.rglob("*.html")):
        page = Selector(text=path.read_text("utf-8", "replace"))
        for query in ("article", "div", "p", "td", "li", "figure"):
            for element in select_nodes(page, query)[:2]:
                html = parsed_html(element)
                if isinstance(html, ParsedHtml):
                    compared += 1
                    assert str(html) == inner_html(element), path.name
                    parsed = clean_body(str(html), "http://example.com/a/")
                    assert clean_body(html, "http://example.com/a/") == parsed, path.name
    assert compared > 1000
