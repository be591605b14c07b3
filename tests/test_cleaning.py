"""Body HTML cleaning: content kept, anything active removed, links and images absolute."""

from __future__ import annotations

import unicodedata

import lxml.html

from crawler.cleaning import clean_body

BASE = "http://news.example/a/b.html"


def test_active_content_removed():
    body = clean_body(
        '<p onclick="x()" style="color:red">Hi <a href="javascript:alert(1)">js</a>'
        '<a href=" JaVaScRiPt:alert(1)">js2</a><a href="data:text/html,x">d</a></p>'
        "<script>bad()</script><style>p{}</style><!-- note --><iframe src='/f'></iframe>"
        "<form action='/x'>Form text<input name='q'><button>Go</button></form>"
        '<img src="x.png" onerror="alert(1)"><img src="data:image/png;base64,AAAA">',
        BASE,
    )
    lowered = body.html.lower()
    for needle in (
        "script",
        "style",
        "onclick",
        "onerror",
        "javascript",
        "data:",
        "iframe",
        "form",
        "input",
        "button",
        "note",
        "bad()",
    ):
        assert needle not in lowered, needle
    assert body.text == "Hi jsjs2d"
    assert body.images == ["http://news.example/a/x.png"]


def test_content_tags_kept_and_wrappers_unwrapped():
    body = clean_body(
        '<div class="wrap"><h2 id="h">Head</h2><section><p>One <strong>bold</strong> '
        "<em>em</em><br>two</p></section><ul><li>a</li></ul><table><tr><td>c</td></tr></table>"
        "<blockquote>q</blockquote><figure><img src='/i.jpg' alt='A'><figcaption>cap</figcaption>"
        "</figure><span>loose</span></div>",
        BASE,
    )
    root = lxml.html.fragment_fromstring(body.html, create_parent="div")
    tags = {el.tag for el in root.iter()} - {"div"}
    assert tags == {
        "h2",
        "p",
        "strong",
        "em",
        "br",
        "ul",
        "li",
        "table",
        "tr",
        "td",
        "blockquote",
        "figure",
        "img",
        "figcaption",
    } | ({"tbody"} & tags)
    assert "class=" not in body.html and "id=" not in body.html and "<section" not in body.html
    assert body.text.splitlines() == ["Head", "One bold em", "two", "a", "c", "q", "cap", "loose"]


def test_links_absolute_lazy_images_and_referrer_policy():
    body = clean_body(
        '<p><a href="../c.html">rel</a><img src="data:image/gif;base64,R0lGOD" '
        'data-src="/lazy.jpg"><img data-original="//cdn.example/o.png"></p>',
        BASE,
    )
    root = lxml.html.fragment_fromstring(body.html, create_parent="div")
    assert root.find(".//a").get("href") == "http://news.example/c.html"
    images = root.findall(".//img")
    assert [img.get("src") for img in images] == [
        "http://news.example/lazy.jpg",
        "http://cdn.example/o.png",
    ]
    assert all(img.get("referrerpolicy") == "no-referrer" for img in images)
    assert body.images == [img.get("src") for img in images]


def test_ruby_annotations_stay_in_the_html_and_out_of_the_text():
    """Furigana (Japanese) and pinyin (Chinese) in <rt>, with <rp> fallbacks: the HTML keeps
    them, to be shown above the text; the text reads as the page does, without them (NHK's
    easy-Japanese pages wrote 子こども for 子ども)."""
    body = clean_body(
        "<p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rp>(</rp><rt>ぎゃくたい</rt><rp>)</rp>"
        "</ruby>をなくす</p><p><ruby>汉<rt>hàn</rt>字<rt>zì</rt></ruby>很好</p>",
        "https://news.example/",
    )
    assert "<rt>ぎゃくたい</rt>" in body.html and "<ruby>" in body.html
    assert body.text == "子どもへの虐待をなくす\n汉字很好"


def test_text_that_reads_as_markup_stays_text():
    """A body opening with escaped markup ("&lt;img onerror&gt;") keeps it as text: it never
    becomes an element of the cleaned body."""
    body = clean_body("&lt;img src=x onerror=alert(1)&gt; &amp; more<p>x</p>", BASE)
    assert body.html == "&lt;img src=x onerror=alert(1)&gt; &amp; more<p>x</p>"
    root = lxml.html.fragment_fromstring(body.html, create_parent="div")
    assert not list(root.iter("img"))
    assert body.text.startswith("<img src=x onerror=alert(1)> & more")


def test_text_is_in_composed_normal_form_whichever_form_the_page_wrote():
    """A page writing "Café" and the Bengali "কুষ্টিয়া" with combining marks, one of them by
    a character reference: the text and the HTML's text read as their composed forms (NFC),
    the link's address as the page wrote it (percent-encoded)."""
    decomposed_cafe = "Cafe\u0301"
    # U+09DF (য়) is excluded from composition: its normal form is U+09AF U+09BC.
    bengali = "কুষ্টি\u09df\u09be"
    body = clean_body(
        f"<p>{decomposed_cafe} in {bengali}, by Jose&#x301;.</p>"
        f'<p><a href="/{decomposed_cafe}">more</a></p>',
        BASE,
    )
    want = unicodedata.normalize("NFC", f"Café in {bengali}, by José.")
    assert body.text == f"{want}\nmore"
    assert f"<p>{want}</p>" in body.html
    assert "\u09df" not in body.text and "\u0301" not in body.text
    assert 'href="http://news.example/Cafe%CC%81"' in body.html
