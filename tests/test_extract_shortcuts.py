"""The shortcuts extraction takes for speed give what their plain definitions give: readability's
text cleaning, the innermost text blocks of a body, a body's word count, the order of a page's
nodes, whether a text is long enough to be a post, whether a text is mostly CJK, whether a page
holds a character XML forbids, a pager's rel=next anchors, a text's folded spaces, a body's
linked elements, whether a page's links may read "next page", a body parsed for cleaning."""

from __future__ import annotations

import random

import lxml.html
import readability.readability
from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.cleaning import (
    BLOCK_TAGS,
    CLEANER,
    LINKED,
    body_fragment,
    element_text,
    fold_spaces,
    has_text,
    inner_html,
)
from crawler.extract import XML_FORBIDDEN, page_selector
from crawler.extract import _holds_forbidden as holds_forbidden
from crawler.extract.body import CJK, CJK_SHARE, has_words, words
from crawler.extract.body import _mostly_cjk as mostly_cjk
from crawler.extract.heuristics import document_order
from crawler.extract.noise import text_blocks
from crawler.extract.pages import NEXT_ANCHORS, NEXT_TEXT, _next_links, may_name_next
from crawler.extract.posts import text_reaches
from crawler.extract.readable import clean, library_clean

# Characters of every kind clean treats apart: text, spaces, tabs, newlines, other whitespace
# (no-break, ideographic, form feed, line separator, NEL).
CHARACTERS = ["a", "中", " ", " ", "\t", "\n", "\r", "\xa0", "\u3000", "\x0c", "\u2028", "\x85"]


def texts(count: int) -> list[str]:
    """Texts of every length up to 700 characters, each drawn with its own mix of characters,
    some holding a run of about 255 whitespace characters (seeded: the same texts every run)."""
    draw = random.Random(12)
    found = []
    for _ in range(count):
        weights = [draw.random() for _ in CHARACTERS]
        text = "".join(draw.choices(CHARACTERS, weights, k=draw.choice([0, 1, 2, 5, 40, 700])))
        if draw.random() < 0.2:
            # A run of whitespace about 255 long, anywhere.
            run = "".join(draw.choices(CHARACTERS[2:], k=draw.randint(245, 265)))
            at = draw.randint(0, len(text))
            text = text[:at] + run + text[at:]
        found.append(text)
    return found


def test_readability_cleans_texts_as_its_own_clean_does():
    assert readability.readability.clean is clean
    assert library_clean is not clean
    for text in texts(20000):
        assert clean(text) == library_clean(text), repr(text)


def test_readability_text_lengths_are_its_own():
    page = lxml.html.fromstring(
        "<div><p>  One\n\n  line  </p>\t<p>two\t\ttabs</p>" + "<p>\xa0 </p>" * 300 + "</div>"
    )
    for element in page.iter():
        text = element.text_content()
        assert readability.readability.text_length(element) == len(library_clean(text))


def naive_text_blocks(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The definition: each block with text that holds no block with text."""
    return [
        element
        for element in root.iterdescendants(*BLOCK_TAGS)
        if element_text(element)
        and not any(element_text(inner) for inner in element.iterdescendants(*BLOCK_TAGS))
    ]


def test_text_blocks_are_the_innermost_blocks_with_text():
    html = (
        "<div><div>outer text<p>one</p><div><p> </p><span>inline\xa0only</span></div>"
        "<ul><li>a<p>b</p></li><li>\u3000</li><li>c</li></ul></div>"
        "<table><tr><td><div><p>cell</p></div>tail</td></tr></table><p></p><blockquote>q"
        "</blockquote></div>"
    )
    root = lxml.html.fragment_fromstring(html)
    found = text_blocks(root)
    assert found == naive_text_blocks(root)
    assert [element_text(block) for block in found] == [
        "one",
        "inline only",
        "b",
        "c",
        "cell",
        "q",
    ]
    assert not has_text(lxml.html.fragment_fromstring("<p>\xa0\u3000 <b>\t</b></p>"))


def test_word_counts_stop_at_what_is_asked():
    text = "记者 Jane Doe: 今天 the council met, 3 times. " * 4
    total = words(text)
    for count in range(total + 3):
        assert has_words(text, count) == (total >= count)


def test_document_order_is_the_order_of_the_page_nodes():
    root = lxml.html.fromstring(
        "<html><body><!-- a --><div><p>one<!-- b -->tail</p><?pi x?><p>two</p></div>"
        "<ul><li>x</li><!-- c --></ul><p>three</p></body></html>"
    )
    nodes = list(root.iter())
    assert any(not isinstance(node.tag, str) for node in nodes)
    places = [document_order(node) for node in nodes]
    assert places == sorted(places)
    # An element's place is its own: before it every node before it, after it every node after.
    elements = [
        place for node, place in zip(nodes, places, strict=True) if isinstance(node.tag, str)
    ]
    assert elements == list(range(len(elements)))
    assert not set(elements) & set(
        places[i] for i, node in enumerate(nodes) if not isinstance(node.tag, str)
    )


def test_a_post_text_is_long_enough_as_its_folded_text_is():
    for text in texts(3000):
        element = lxml.html.fragment_fromstring("<div></div>")
        element.text = XML_FORBIDDEN.sub("", text)
        for size in (1, 5, 50):
            assert text_reaches(element, size) == (len(element_text(element)) >= size)


def test_a_text_is_mostly_cjk_as_its_share_of_cjk_characters_says():
    pieces = ["中文", "かな", "한국", "abc", " ", "，", "1", "\u3400", "\ud7af"]
    draw = random.Random(3)
    for _ in range(3000):
        text = "".join(draw.choices(pieces, [draw.random() for _ in pieces], k=draw.randint(0, 60)))
        share = len(CJK.findall(text)) >= CJK_SHARE * len(text)
        assert mostly_cjk(text) == share, repr(text)


def test_a_text_holds_a_character_xml_forbids_as_the_pattern_finds():
    # Every character the pattern forbids, the ones beside them, and texts of every kind.
    edges = [
        chr(c) for c in (*range(0x21), 0x7F, 0x85, 0xA0, 0xD7FF, 0xE000, *range(0xFFFC, 0x10000))
    ]
    draw = random.Random(5)
    samples = texts(2000) + edges + ["中文" * 500 + edge + "abc" * 300 for edge in edges]
    samples += [
        "".join(draw.choices(edges + CHARACTERS, k=draw.randint(0, 50))) for _ in range(3000)
    ]
    for text in samples:
        assert holds_forbidden(text) == bool(XML_FORBIDDEN.search(text)), repr(text[:80])
    # A page holding one is read again without it; one without keeps the response's own tree:
    # a UTF-8 page's bytes looked at, any other's text, whatever says its encoding.
    pages = [("<p>a\x0bb</p>", False), ("<p>a\uffffb</p>", False), ("<p>a\tb</p>", True)]
    pages += [("<p>中\x1f文\ufffe</p>", False), ("<p>中文\ufffd</p>", True)]
    pages += [("<p>\x00</p>", False), ("<p>\U0010fffe</p>", True)]
    ways = [
        ("utf-8", {"encoding": "utf-8"}),
        ("utf-8", {"headers": {"Content-Type": "text/html; charset=UTF8"}}),
        ("utf-8", {}),
        ("gb18030", {"headers": {"Content-Type": "text/html; charset=gbk"}}),
        ("utf-16", {"headers": {"Content-Type": "text/html; charset=utf-16"}}),
        ("latin-1", {"encoding": "latin-1"}),
    ]
    for text, own in pages:
        for encoding, given in ways:
            try:
                body = text.encode(encoding)
            except UnicodeEncodeError:
                continue
            for bom in (b"", b"\xef\xbb\xbf"):
                response = HtmlResponse("https://news.example/", body=bom + body, **given)
                selector = page_selector(response)
                forbidden = bool(XML_FORBIDDEN.search(response.text))
                assert (selector is response.selector) == (not forbidden), (text, given, bom)
                if not bom and encoding in ("utf-8", "gb18030"):
                    assert forbidden != own, (text, given)
                assert not XML_FORBIDDEN.search(selector.xpath("string()").get())


def test_rel_next_anchors_are_those_the_element_test_finds():
    rels = ["next", " nofollow  next\t", "next\nprev", "NEXT", "nextpage", "prev", "", "n ext"]
    html = "".join(f"<a rel='{rel}' href='/{n}'>{n}</a>" for n, rel in enumerate(rels))
    html += "<a href='/x'>no rel</a><a rel='next'>no href</a><span rel='next' href='/s'></span>"
    selector = Selector(text=f"<html><head><link rel='next' href='/l'></head><body>{html}</body>")
    plain = "//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
    assert NEXT_ANCHORS(selector.root) == selector.xpath(plain).getall()
    assert selector.xpath(plain).getall() == ["/0", "/1", "/2"]
    links = "<link rel='next' href='/l'><link rel='next'><link rel='Next' href='/c'>"
    links += "<link rel='next' href=''><div><link rel='next' href='/d'></div>"
    selector = Selector(text=f"<html><head>{links}</head><body>{html}</body>")
    assert _next_links(selector.root) == selector.xpath("//link[@rel='next']/@href").getall()
    assert _next_links(selector.root) == ["/l", "", "/d"]


def test_a_text_is_folded_as_split_and_join_fold_it():
    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    printable = ["a", "中", "-", "\u200b", "\ufeff", "\x00", "\x7f", "\u0378"]
    draw = random.Random(8)
    samples = texts(3000) + spaces + [s + s for s in spaces] + ["a" + s + "b" for s in spaces]
    samples += [
        "".join(draw.choices(spaces + printable, k=draw.randint(0, 40))) for _ in range(5000)
    ]
    samples += ["a b", "a  b", " a", "a ", "", "中文 text 中文"]
    for text in samples:
        assert fold_spaces(text) == " ".join(text.split()), repr(text)
    assert fold_spaces(None) == ""


def test_linked_elements_are_those_with_a_href_or_a_src_in_document_order():
    root = lxml.html.fragment_fromstring(
        "<p href='x'><a href='/a'>a<img src='/i'></a><img src='/j' href='/k'>"
        "<a name='n'>n</a><a href=''>e</a></p><p><b src='s'>b</b></p>",
        create_parent="div",
    )
    root.set("src", "/root")
    plain = root.xpath("descendant-or-self::*[@href or @src]")
    assert LINKED(root) == plain
    assert [element.tag for element in plain] == ["div", "p", "a", "img", "img", "a", "b"]


def test_a_page_a_link_of_which_reads_next_is_never_passed_over():
    # The pager's words in every case, with the characters re.I reads as their letters, split
    # by tags and comments, between spaces and arrows, or mangled: whenever NEXT_TEXT reads a
    # link's text, the pre-check lets the page be walked.
    words = ["下一页", "下页", "下一頁", "next", "next page", "nächste seite", "weiter"]
    words += ["page suivante", "siguiente"]
    others = {"i": ["İ", "ı"], "s": ["ſ"]}
    splits = ["", "", "", "<b>", "</b>", "<!-- c -->", "<span>"]
    edges = ["", " ", "\u3000", "\xa0", "\n", "»", " →", "x", "中"]
    draw = random.Random(21)
    read = 0
    for _ in range(5000):
        chars = []
        for char in draw.choice(words):
            char = char.upper() if draw.random() < 0.3 else char
            if char.lower() in others and draw.random() < 0.2:
                char = draw.choice(others[char.lower()])
            if draw.random() < 0.02:
                char = draw.choice("xa中 ")
            chars.append(char + draw.choice(splits))
        text = draw.choice(edges) + "".join(chars) + draw.choice(edges)
        html = f"<html><body><a href='/x'>Home</a><a href='/n'>{text}</a></body></html>"
        root = lxml.html.fromstring(html)
        anchor = root.findall(".//a")[1]
        if NEXT_TEXT.match(element_text(anchor)):
            read += 1
            assert may_name_next(root), repr(text)
    assert read > 1000


def test_a_body_is_parsed_and_cleaned_as_lxml_html_parses_and_cleans_it():
    bodies = [
        "",
        "  ",
        "lead text<p>one</p> tail",
        "<p>a</p><!-- c --><?pi x?><form action='/f'><label>L<input name=q></label>"
        "<select><option>o</select><textarea>t</textarea><button>b</button></form>after",
        "<html><head><title>t</title></head><body><div class=x>x</div></body></html>",
        "<table><tr><td>1<td>2</table><ruby>子<rt>こ</rt></ruby><svg><a>s</a></svg>",
        "&amp; &#19979; <br> <img src=a.png> <script>x()</script><noscript><img src=b></noscript>",
    ]
    for body in bodies:
        ours, theirs = body_fragment(body), lxml.html.fragment_fromstring(body, create_parent="div")
        assert inner_html(ours) == inner_html(theirs), body
        CLEANER(ours)
        CLEANER(theirs)
        assert inner_html(ours) == inner_html(theirs), body
        assert all(isinstance(e, lxml.html.HtmlMixin) for e in body_fragment(body).iter())
