"""Make an article body's HTML safe and self-contained: content tags only, absolute links."""

from __future__ import annotations

import copy
import itertools
import re
import unicodedata
from functools import lru_cache
from html import escape
from typing import NamedTuple

import lxml.html
from lxml.etree import ParserError
from lxml_html_clean import Cleaner

from crawler.urls import join_url

# Tags kept in a body; any other tag is unwrapped (its text stays).
CONTENT_TAGS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "figure",
        "figcaption",
        "img",
        # Ruby: the annotation (furigana, pinyin) is kept in the HTML, left out of the text.
        "ruby",
        "rt",
        "rp",
        "a",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "sub",
        "sup",
        "blockquote",
        "br",
        "hr",
        "pre",
        "code",
    }
)
# Tags removed with everything inside them.
REMOVED_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "iframe",
        "frame",
        "object",
        "embed",
        "applet",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "svg",
        "canvas",
        "template",
    }
)
SAFE_ATTRS = frozenset({"src", "href", "alt", "title", "width", "height", "colspan", "rowspan"})
# Where lazy-loading pages keep the real image address.
LAZY_SRC_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-actualsrc")
# Where responsive images list their candidates ("a.jpg 640w, b.jpg 1280w" or "1x, 2x").
SRCSET_ATTRS = ("srcset", "data-srcset", "data-lazy-srcset")
SRCSET_DESCRIPTOR = re.compile(r"^(?P<size>\d+(?:\.\d+)?)(?P<unit>[wx])$")
SIDES = ("width", "height")
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
# A Chinese, Japanese or Korean character (CJK ideographs, kana, Hangul syllables): a word by
# itself in the news benchmark's tokens, and in a text without spaces between its words.
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
INLINE_TAGS = frozenset({"a", "strong", "b", "em", "i", "u", "sub", "sup", "img", "code"})
BLOCK_TAGS = frozenset(CONTENT_TAGS - INLINE_TAGS - {"ruby", "rt", "rp"} | {"div"})
# Ruby annotations: the reading of the text beside them (子<rt>こ</rt>), not part of it.
ANNOTATION_TAGS = frozenset({"rt", "rp"})

# javascript=False: of what lxml_html_clean's javascript option does, the only part with an
# effect once safe_attrs_only has run is its link pass (every link attribute stripped, a
# javascript: one emptied), and of the link attributes only href and src are safe ones:
# clean_body runs that pass itself over those two (``no_javascript_links``), rather than let
# the Cleaner walk every element of the body for every link attribute lxml knows.
CLEANER = Cleaner(
    scripts=True,
    javascript=False,
    comments=True,
    style=True,
    inline_style=True,
    links=True,
    meta=True,
    page_structure=False,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    remove_unknown_tags=False,
    kill_tags=REMOVED_TAGS,
    allow_tags=CONTENT_TAGS | {"div"},
    safe_attrs_only=True,
    safe_attrs=SAFE_ATTRS,
)


ELEMENT_STRING = lxml.etree.XPath("string()")
# lxml.html's parser with its element classes chosen in C: lxml.html's own lookup calls Python
# for each element a walk meets first (a hundred in a body, several walks). Every element is an
# HtmlElement, a form's and its fields' too (lxml.html gives them FormElement & co, whose form
# methods a body never uses: the cleaner removes forms and fields).
BODY_CLASSES = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)
BODY_PARSER = lxml.html.HTMLParser()
BODY_PARSER.set_element_class_lookup(BODY_CLASSES)
# The same parser reading UTF-8 bytes (body_fragment): lxml hands libxml2 a str as UTF-32,
# which it reads slower than the str's UTF-8, made in C.
UTF8_BODY_PARSER = lxml.html.HTMLParser(encoding="utf-8")
UTF8_BODY_PARSER.set_element_class_lookup(BODY_CLASSES)
# What lxml.html.fragments_fromstring takes for a whole document, which it does not wrap.
WHOLE_DOCUMENT = re.compile(r"^\s*<(?:html|!doctype)", re.I)


# Elements whose content a serialization and a parse again may change: raw text and RCDATA
# (``&lt;`` written in an <xmp> is read back as written), a <pre>'s leading newline. A body
# holding one is read from its HTML by body_fragment (``parsed_html``).
RESERIALIZED_TAGS = (
    "script",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
    "noscript",
    "textarea",
    "title",
    "pre",
    "listing",
    "template",
)


class ParsedHtml:
    """A seed's body: the tree ``body_fragment`` would parse from the element's inner HTML (a
    copy of the element), for ``clean_body`` to take (once) rather than parse that HTML; the
    HTML itself written from the copy only when asked (``str()``), which a crawl whose seed
    gives every field never does: writing a body costs about as much as copying it.

    Compared, hashed and pickled as its HTML (a plain str once pickled: a tree does not
    pickle); true when that HTML is not empty. Its HTML is to be asked before ``clean_body``
    takes the tree, which cleaning changes (RuntimeError after)."""

    __slots__ = ("_full", "_html", "_lead", "tree")

    def __init__(self, tree: lxml.html.HtmlElement, lead: str, full: bool):
        self.tree: lxml.html.HtmlElement | None = tree
        self._html: str | None = None
        self._lead = lead  # the element's text when only whitespace (the copy drops it)
        self._full = full

    def __str__(self) -> str:
        if self._html is None:
            if self.tree is None:
                raise RuntimeError("a body's HTML asked after clean_body took its tree")
            self._html = self._lead + inner_html(self.tree)
        return self._html

    def __bool__(self) -> bool:
        return self._full

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ParsedHtml | str):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return f"ParsedHtml({str(self)!r})"

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return str, (str(self),)

    def take(self) -> lxml.html.HtmlElement | None:
        """The tree, once (then None)."""
        tree, self.tree = self.tree, None
        return tree


def parsed_html(element: lxml.html.HtmlElement) -> str | ParsedHtml:
    """``inner_html(element)``, as a ``ParsedHtml`` (its tree a copy of the element, its HTML
    written only when asked) when the copy is what ``body_fragment`` parses from that HTML (a
    ``<div>``, without the element's attributes and tail, its leading text kept only when
    more than whitespace), else as a str.

    It is not, and the str is given, when libxml2's writing of the HTML changes something
    that cleaning keeps: elements of raw text, RCDATA or <pre> (``RESERIALIZED_TAGS``); an
    empty ``<li>``, written without its end tag, so that the whitespace after it is read back
    inside it; an ``href`` or ``src`` with leading whitespace or a character outside
    printable ASCII, which libxml2 strips and percent-escapes. (It also writes boolean
    attributes, ``selected``, ``nowrap``, without their values, and escapes ``action`` and an
    ``<a>``'s ``name``: none of which the cleaner keeps.) Checked equal to the parse on the
    corpus's elements (tests/test_extract_paths.py)."""
    if (
        any(inner is not element for inner in element.iter(*RESERIALIZED_TAGS))
        or not _links_written_as_they_are(element)
        or any(li is not element and len(li) == 0 and li.text is None for li in element.iter("li"))
    ):
        return inner_html(element)
    text = element.text
    lead = text if text and not text.strip() else ""
    return ParsedHtml(_copied_body(element), lead, bool(text) or len(element) > 0)


def _links_written_as_they_are(element: lxml.html.HtmlElement) -> bool:
    """Whether libxml2 writes every ``href`` and ``src`` in the element as it is: no leading
    whitespace, printable ASCII but the space (it strips the one, percent-escapes the rest)."""
    for linked in LINKED(element):
        for attr in ("href", "src"):
            link = linked.get(attr)
            if link is not None and not (link.isascii() and link.isprintable() and " " not in link):
                return False
    return True


def _copied_body(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy of the element as body_fragment's ``<div>``, in a document of BODY_PARSER's
    (whose element classes are chosen in C), inside its ``<body>``."""
    document = lxml.etree.fromstring(b"<html><body></body></html>", UTF8_BODY_PARSER)
    root = copy.deepcopy(element)
    root.tail = None
    document[0].append(root)
    root.tag = "div"
    root.attrib.clear()
    if root.text and not root.text.strip():
        root.text = None
    return root


class CleanBody(NamedTuple):
    html: str
    text: str
    images: list[str]


def _unsafe(url: str) -> bool:
    return "".join(url.split()).lower().startswith(UNSAFE_SCHEMES)


def largest_candidate(srcset: str) -> str | None:
    """The URL of the largest candidate of a ``srcset`` (HTML's "640w" or "2x" descriptors; a
    candidate without one counts as 1x)."""
    best, best_size = None, -1.0
    for candidate in srcset.split(","):
        parts = candidate.split()
        if not parts:
            continue
        match = SRCSET_DESCRIPTOR.match(parts[1]) if len(parts) > 1 else None
        size = float(match["size"]) if match else 1.0
        if size > best_size:
            best, best_size = parts[0], size
    return best


def image_source(img: lxml.html.HtmlElement) -> str | None:
    """Where an <img> really is: a lazy-loading attribute, its own src, else the largest
    candidate of its srcset or of its <picture>'s <source>s."""
    lazy = next((img.get(a) for a in LAZY_SRC_ATTRS if img.get(a)), None)
    src = lazy or (img.get("src") or "").strip()
    if src and not _unsafe(src):
        return src
    sets = [img.get(a) for a in SRCSET_ATTRS]
    # libxml2 does not know <source> as empty, and nests the <img> inside it.
    near = itertools.islice(img.iterancestors(), 3)
    picture = next((a for a in near if a.tag == "picture"), None)
    if picture is not None:
        sets += [source.get(a) for source in picture.iter("source") for a in SRCSET_ATTRS]
    for srcset in sets:
        if srcset and (candidate := largest_candidate(srcset)):
            return candidate
    return src or None


def _pixel(img: lxml.html.HtmlElement) -> bool:
    """A tracking pixel, which pages put in <noscript>s too: 0 or 1 pixel wide or high."""
    return any((img.get(side) or "").strip() in ("0", "1", "0px", "1px") for side in SIDES)


def noscript_images(root: lxml.html.HtmlElement) -> None:
    """Put, in place, the images of each <noscript> in the page: a lazy-loading page writes an
    <img> without its address (a placeholder, or nothing) and the real one inside the
    <noscript> beside it, which a cleaner removes with its content. The <noscript>'s <img>
    replaces the <img> just before it, or stands alone where there is none; a <noscript>
    without images is left to the cleaner."""
    for noscript in list(root.iter("noscript")):
        images = [img for img in noscript.iter("img") if image_source(img) and not _pixel(img)]
        if not images or noscript.getparent() is None or noscript.getparent().tag == "head":
            continue
        before = noscript.getprevious()
        if before is not None and before.tag in ("img", "picture"):
            before.drop_tree()
        for img in images:
            img.tail = None
            noscript.addprevious(img)
        noscript.drop_tree()


def body_fragment(body_html: str) -> lxml.html.HtmlElement:
    """``lxml.html.fragment_fromstring(body_html, create_parent="div")``, the same tree, parsed
    and held by BODY_PARSER's classes. Its parse, ``<html><body>...</body></html>`` around
    the body, is read from UTF-8 bytes (UTF8_BODY_PARSER), and its ``<body>`` made the
    ``<div>`` (no attributes; its leading text only when more than whitespace, as
    fragments_fromstring keeps it) rather than its children moved into a new one: the same
    elements, in the same order, under a ``<div>``; a walk down from it meets no other. A
    whole document, and a str UTF-8 cannot write (a lone surrogate), are parsed by lxml.html's
    own functions. Raises ParserError as lxml.html does."""
    if not WHOLE_DOCUMENT.match(body_html):
        try:
            data = body_html.encode("utf-8")
        except UnicodeEncodeError:
            data = None
        if data is not None:
            doc = lxml.etree.fromstring(
                b"<html><body>" + data + b"</body></html>", UTF8_BODY_PARSER
            )
            bodies = [child for child in doc if child.tag == "body"] if doc is not None else []
            if len(bodies) == 1 and doc.tag == "html":
                root = bodies[0]
                root.tag = "div"
                root.attrib.clear()
                if root.text and not root.text.strip():
                    root.text = None
                return root
    elements = lxml.html.fragments_fromstring(body_html, parser=BODY_PARSER, no_leading_text=False)
    root = BODY_PARSER.makeelement("div")
    if elements and isinstance(elements[0], str):
        root.text = elements.pop(0)
    root.extend(elements)
    return root


def clean_body(body_html: str | ParsedHtml, base_url: str) -> CleanBody:
    """Safe body HTML (inner HTML of one container), its plain text, and its image URLs.

    The text, and the text of the HTML, are in Unicode's composed normal form (NFC, as the
    W3C's character model asks of web content, and as trafilatura writes its text): a page
    may write a letter either way ("য়" as one code point or as two), and readability keeps
    what the page wrote. On trafilatura's benchmark, whose segments are NFC, F went A 0.9390
    -> 0.9404 (bench/extraction.py: a Bengali page found), B and the news bodies unchanged.

    Every link and image is made absolute here, against ``base_url``: the document's base URL
    (its ``<base href>`` resolved against the page's URL, else the page's URL).
    """
    tree = body_html.take() if isinstance(body_html, ParsedHtml) else None
    if tree is not None:
        # A seed's body element, copied (parsed_html); taken once: cleaning changes it.
        root = tree
    else:
        try:
            root = body_fragment(str(body_html))
        except ParserError:
            return CleanBody("", "", [])
    # Every element's Python proxy kept while the body is cleaned: lxml.html makes a proxy
    # (through a Python class lookup) each time a walk meets an element that has none, and
    # the cleaner walks the body five times.
    elements = list(root.iter())
    noscript_images(root)
    for img in root.iter("img"):
        source = image_source(img)
        if source:
            img.set("src", source)
    CLEANER(root)
    no_javascript_links(root)
    text = plain_text(root)
    if not unicodedata.is_normalized("NFC", text):
        composed_text(root)
        text = unicodedata.normalize("NFC", text)
    for element in list(root.iter("div")):
        if element is not root:
            element.drop_tag()
    for element in list(root.iter("a", "img")):
        attr = "href" if element.tag == "a" else "src"
        url = (element.get(attr) or "").strip()
        if not url or _unsafe(url):
            if element.tag == "img":
                element.drop_tree()
            else:
                element.attrib.pop(attr, None)
    absolute_links(root, base_url)
    images = []
    for img in root.iter("img"):
        img.set("referrerpolicy", "no-referrer")
        images.append(img.get("src"))
    del elements
    return CleanBody(inner_html(root).strip(), text, images)


def composed_text(root: lxml.html.HtmlElement) -> None:
    """Every text and tail in the tree, in place, in Unicode's composed normal form (NFC);
    attributes (links, alt texts) as they were."""
    for element in root.iter():
        if element.text and not unicodedata.is_normalized("NFC", element.text):
            element.text = unicodedata.normalize("NFC", element.text)
        if element.tail and not unicodedata.is_normalized("NFC", element.tail):
            element.tail = unicodedata.normalize("NFC", element.tail)


# Elements that hold a link once a body is cleaned: SAFE_ATTRS keeps no other link attribute.
# Reached from the attributes (a union is in document order, each element once): the same
# elements as ``descendant-or-self::*[@href or @src]``, without a predicate on every element.
LINKED = lxml.etree.XPath("descendant-or-self::*/@href/.. | descendant-or-self::*/@src/..")


def no_javascript_links(root: lxml.html.HtmlElement) -> None:
    """The link pass of lxml_html_clean's ``javascript`` option over a cleaned body (whose
    only link attributes are ``href`` and ``src``), as its ``rewrite_links`` runs it: each
    link stripped, and one whose scheme is ``javascript:`` (however spaced or escaped)
    emptied, by the Cleaner's own rule."""
    for element in LINKED(root):
        for attr in ("href", "src"):
            link = element.get(attr)
            if link is not None:
                new = CLEANER._remove_javascript_link(link.strip())
                if new != link:
                    element.set(attr, new)


def absolute_links(root: lxml.html.HtmlElement, base_url: str) -> None:
    """Every ``href`` and ``src`` in a cleaned body made absolute against ``base_url``, as
    lxml's ``make_links_absolute`` would (the same ``urljoin`` of the stripped link), in one
    XPath rather than a walk over every element and every link attribute."""
    for element in LINKED(root):
        for attr in ("href", "src"):
            link = element.get(attr)
            if link is not None:
                new = join_url(base_url, link)
                if new is None:
                    del element.attrib[attr]  # not a URL a reader could follow
                elif new != link:
                    element.set(attr, new)


@lru_cache(maxsize=8)
def html_text(body_html: str | None) -> str:
    """The readable text of an HTML fragment (scripts and styles ignored), whitespace folded.

    Cheaper than clean_body, for a look at a body before it is cleaned; what an article is
    judged and exported with is clean_body's text. The last few are kept: extraction reads
    the text of one candidate body in several layers.
    """
    if not body_html or not body_html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    except ParserError:
        return ""
    for element in root.xpath(".//script | .//style | .//noscript"):
        element.drop_tree()
    # Blocks are kept apart: a name closing one paragraph must not run into the next one.
    return fold_spaces(plain_text(root))


def fold_spaces(text: str | None) -> str:
    """A text with each run of whitespace made one space, and none at its ends."""
    text = text or ""
    # A text already folded, as most texts between two tags are, is given back unsplit:
    # isprintable() is False for every whitespace character but the space, and stops at the
    # first one; split() and join() cost a body's text several times as much.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def element_text(element: lxml.html.HtmlElement) -> str:
    """All the text inside an element, whitespace folded (any lxml element: a page that opens
    with an XML declaration is parsed into plain ``etree`` elements)."""
    return fold_spaces(ELEMENT_STRING(element))


def has_text(element: lxml.html.HtmlElement) -> bool:
    """Whether an element holds any text but whitespace: ``element_text`` is not empty,
    without folding the text."""
    text = ELEMENT_STRING(element)
    return bool(text) and not text.isspace()


def inner_html(element: lxml.html.HtmlElement) -> str:
    """The HTML inside an element: its text (escaped, as text inside a tag is) and its children,
    without its own tag. The element is serialized once (``html_string``), and its tag cut
    off."""
    html = html_string(element, with_tail=False)
    tag = element.tag if isinstance(element.tag, str) else ""
    end = f"</{tag}>"
    # libxml2 writes ">" inside an attribute as "&gt;": the first ">" ends the start tag.
    if tag and html.startswith(f"<{tag}") and html.endswith(end):
        return html[html.index(">") + 1 : -len(end)]
    return escape(element.text or "", quote=False) + "".join(
        html_string(child) for child in element
    )


# What lxml.html.tostring removes from the HTML it writes (the <meta> declaring a charset
# that libxml2 may write into a <head>), unless asked to keep it.
META_CONTENT_TYPE = '<meta http-equiv="Content-Type"'
META_CONTENT_TYPE_TAG = re.compile(r'<meta http-equiv="Content-Type"[^>]*>')


def html_string(element: lxml.html.HtmlElement, with_tail: bool = True) -> str:
    """``lxml.html.tostring(element, encoding="unicode", with_tail=with_tail)``, the same
    string: lxml's serialization, whose content-type <meta> tags lxml.html removes by a
    regular expression over the whole string, which is run only when one is there."""
    html = lxml.etree.tostring(element, method="html", encoding="unicode", with_tail=with_tail)
    return META_CONTENT_TYPE_TAG.sub("", html) if META_CONTENT_TYPE in html else html


# A block's end in the text that PLAIN_TEXT writes: a printable character (OBJECT REPLACEMENT
# CHARACTER), so that a text of single spaces is printable whole (fold_spaces' test).
LINE_END = "\ufffc"
# plain_text in libxslt: "1" when the body's text holds LINE_END itself, else "0"; then the text
# and tails of the elements in document order, LINE_END after each block's content (before its
# tail); nothing of an annotation but its tail, nothing of a comment or a processing
# instruction nor of its tail (the text node right after it). Its patterns are element names:
# libxslt finds their templates by name, where a predicate (``*[self::p or ...]``) would be
# evaluated on every element, at five times the cost.
PLAIN_TEXT = lxml.etree.XSLT(
    lxml.etree.XML(
        f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="/">
<xsl:value-of select="number(contains(., '{LINE_END}'))"/><xsl:apply-templates/></xsl:template>
<xsl:template match="{"|".join(sorted(ANNOTATION_TAGS))}|comment()|processing-instruction()"/>
<xsl:template
 match="text()[preceding-sibling::node()[1][self::comment() or self::processing-instruction()]]"/>
<xsl:template match="{"|".join(sorted(BLOCK_TAGS))}">
<xsl:apply-templates/><xsl:text>{LINE_END}</xsl:text></xsl:template>
</xsl:stylesheet>"""
    )
)


def plain_text(root: lxml.html.HtmlElement) -> str:
    """The text of a cleaned body, one line per block, whitespace folded; ruby annotations
    (``<rt>``, ``<rp>``: furigana, pinyin) left out, as a reader reads the text.

    As ``iterwalk``'s events over the elements give it (``_plain_text_events``): each
    element's text, then its children's, each followed by its tail; a block's line ends after
    its last child, before its tail; an annotation's text and its children's left out, not its
    tail; comments and processing instructions left out with their tails.

    Written by libxslt (``PLAIN_TEXT``: the text with LINE_END at each block's end, in a
    third of the time of a Python walk over a body's elements), the lines folded
    (``fold_spaces``; a text already folded but for its lines' ends, only stripped). A text
    that holds LINE_END itself, a tree libxslt cannot walk (too deep), a root that is no
    element or an annotation: walked in Python (``_plain_text_walk``)."""
    if root.tag in ANNOTATION_TAGS or not isinstance(root.tag, str):
        return _plain_text_events(root)
    try:
        written = str(PLAIN_TEXT(root))
    except lxml.etree.XSLTError:
        return _plain_text_walk(root)
    if written[:1] != "0":
        return _plain_text_walk(root)
    text = written[1:]
    if text.isprintable() and "  " not in text:
        lines = [line.strip(" ") for line in text.split(LINE_END)]
    else:
        lines = [fold_spaces(line) for line in text.split(LINE_END)]
    return "\n".join(line for line in lines if line)


def _plain_text_walk(root: lxml.html.HtmlElement) -> str:
    """``plain_text`` by a Python walk: by recursion, which a parsed body's depth (libxml2's
    limit: 256 elements without ``huge_tree``) keeps within Python's; a deeper tree, and a
    root that is no element or an annotation, by the events."""
    if root.tag in ANNOTATION_TAGS or not isinstance(root.tag, str):
        return _plain_text_events(root)
    lines: list[str] = []
    current: list[str] = []

    def walk(element: lxml.html.HtmlElement) -> None:
        tag = element.tag
        if tag in ANNOTATION_TAGS:
            return
        # Each text read once: lxml makes a new str of it at each read.
        text = element.text
        if text:
            current.append(text)
        for child in element:
            if child.tag.__class__ is str:  # an element: not a comment, not a PI
                walk(child)
                tail = child.tail
                if tail:
                    current.append(tail)
        if tag in BLOCK_TAGS and current:
            lines.append(fold_spaces("".join(current)))
            current.clear()

    try:
        walk(root)
    except RecursionError:
        return _plain_text_events(root)
    lines.append(fold_spaces("".join(current)))
    return "\n".join(line for line in lines if line)


def _plain_text_events(root: lxml.html.HtmlElement) -> str:
    """``plain_text`` of a tree too deep for its recursion, from ``iterwalk``'s events."""
    lines, current = [], []
    annotation = 0
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        if element.tag in ANNOTATION_TAGS:
            annotation += 1 if event == "start" else -1
            if event == "end" and element.tail and not annotation:
                current.append(element.tail)
            continue
        if annotation:
            continue
        if event == "start" and element.text:
            current.append(element.text)
        if event == "end":
            if element.tag in BLOCK_TAGS:
                lines.append(fold_spaces("".join(current)))
                current = []
            if element.tail and element is not root:
                current.append(element.tail)
    lines.append(fold_spaces("".join(current)))
    return "\n".join(line for line in lines if line)
