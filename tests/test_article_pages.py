"""Articles split over several pages: every page's text joined into one article, whatever the
pager looks like; a link to the next *article* is never taken for a next page."""

from __future__ import annotations

import pytest

from conftest import READERS, crawl, extracted_lines, read_by

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body><h1>{title}</h1><time datetime="2022-04-09T10:00:00+08:00"></time>
<div class="text">{paragraphs}<div class="pager">{pager}</div></div></body></html>"""
WORDS = "words that make a paragraph long enough to be read as the text of the story"


def write(root, path: str, title: str, marker: str, head: str = "", pager: str = "") -> None:
    paragraphs = "".join(f"<p>{marker}: {n} {WORDS}.</p>" for n in range(3))
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        PAGE.format(title=title, head=head, paragraphs=paragraphs, pager=pager), "utf-8"
    )


SEED = """\
site = "Pages"
allowed_domains = ["127.0.0.1"]
timezone = "Asia/Shanghai"
language = "{language}"
[[channels]]
name = "All"
url = "{base}/index.html"
[listing]
link = "a.story::attr(href)"
{article}"""


def site(tmp_path, serve, language: str = "en", article: str = ""):
    root = tmp_path / "site"
    root.mkdir()
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "pages.toml").write_text(
        SEED.format(base=server.base_url, language=language, article=article), "utf-8"
    )
    return root, server, seeds


def index(root, paths: list[str]) -> None:
    links = "".join(f'<a class="story" href="{p}">Story at {p}</a><br>' for p in paths)
    (root / "index.html").write_text(links, "utf-8")


@pytest.mark.parametrize("reader", READERS)
def test_every_kind_of_pager_is_followed_and_joined(tmp_path, serve, reader):
    root, _, seeds = site(tmp_path, serve)
    # <link rel=next> in the head, story_2.html, then story_3.html.
    write(
        root,
        "/a/story.html",
        "Story one",
        "ONE-1",
        '<link rel="next" href="story_2.html">',
        "Page 1 of 3 <a href='story_2.html'>2</a> <a href='story_2.html'>Next page »</a>",
    )
    write(
        root,
        "/a/story_2.html",
        "Story one",
        "ONE-2",
        '<link rel="next" href="story_3.html">',
        "Page 2 of 3 <a href='story.html'>« Previous page</a>",
    )
    write(root, "/a/story_3.html", "Story one", "ONE-3", "", "Page 3 of 3")
    # ?page=2 reached by a pager link reading 下一页.
    write(root, "/b/read.html", "Story two", "TWO-1", "", "<a href='read.html?page=2'>下一页</a>")
    write(root, "/b/read.html@page=2", "Story two", "TWO-2", "", "上一页")
    # /c/story/ -> /c/story/2/ by <a rel="next">.
    write(
        root,
        "/c/story/index.html",
        "Story three",
        "THREE-1",
        "",
        "<a rel='next' href='/c/story/2/'>»</a>",
    )
    write(root, "/c/story/2/index.html", "Story three", "THREE-2")
    # A link to the next article, rel=next and all: not a page of this one.
    write(
        root,
        "/d/1.html",
        "Story four",
        "FOUR",
        '<link rel="next" href="/d/2.html">',
        "<a href='/d/2.html'>Next »</a>",
    )
    write(root, "/d/2.html", "Story five", "FIVE")
    index(root, ["/a/story.html", "/b/read.html", "/c/story/", "/d/1.html", "/d/2.html"])
    result = crawl("pages", seeds, tmp_path / "out", *READERS[reader])
    assert result.returncode == 0, result.stderr[-3000:]
    read_by(result, reader, 9)  # 5 articles and 4 next pages
    lines = {line["title"]: line for line in result.feed_lines("pages")}
    assert set(lines) == {"Story one", "Story two", "Story three", "Story four", "Story five"}
    expected = {
        "Story one": ["ONE-1", "ONE-2", "ONE-3"],
        "Story two": ["TWO-1", "TWO-2"],
        "Story three": ["THREE-1", "THREE-2"],
        "Story four": ["FOUR"],
        "Story five": ["FIVE"],
    }
    for title, markers in expected.items():
        text = lines[title]["text"]
        found = [
            m
            for m in (
                "ONE-1",
                "ONE-2",
                "ONE-3",
                "TWO-1",
                "TWO-2",
                "THREE-1",
                "THREE-2",
                "FOUR",
                "FIVE",
            )
            if f"{m}: 0" in text
        ]
        assert found == markers, title
        assert "Next page" not in text and "Page 1 of" not in text and "下一页" not in text
    assert lines["Story one"]["url"].endswith("/a/story.html")
    assert result.report("pages")["exported"] == 5
    # `scrapy extract` follows the pages as the crawl does.
    extracted = extracted_lines(seeds, "pages", [lines["Story one"]["url"]])
    assert extracted[lines["Story one"]["url"]]["text"] == lines["Story one"]["text"]


@pytest.mark.parametrize("reader", READERS)
def test_a_seed_names_the_next_page_and_a_missing_page_ends_the_article(tmp_path, serve, reader):
    root, _, seeds = site(tmp_path, serve, article='[article]\nnext = "a.more::attr(href)"\n')
    write(
        root,
        "/s/view.html",
        "Seeded",
        "SEED-1",
        "",
        "<a class='more' href='/s/view.php?id=7&amp;part=2'>continue</a>",
    )
    (root / "s" / "view.php@id=7&part=2").write_text(
        PAGE.format(title="Seeded", head="", pager="", paragraphs=f"<p>SEED-2: 0 {WORDS}.</p>"),
        "utf-8",
    )
    write(root, "/m/gone.html", "Missing", "GONE-1", '<link rel="next" href="gone_2.html">')
    index(root, ["/s/view.html", "/m/gone.html"])
    result = crawl("pages", seeds, tmp_path / "out", *READERS[reader])
    assert result.returncode == 0, result.stderr[-3000:]
    read_by(result, reader, 3)
    lines = {line["title"]: line for line in result.feed_lines("pages")}
    assert "SEED-1: 0" in lines["Seeded"]["text"] and "SEED-2: 0" in lines["Seeded"]["text"]
    assert "GONE-1: 0" in lines["Missing"]["text"]
    assert "Next page of an article failed" in result.stderr


def test_pager_links_are_read_by_their_text_in_any_case_and_wrapping():
    from scrapy.http import HtmlResponse

    from crawler.extract.pages import NEXT_TEXT, may_say_next, next_page
    from crawler.seeds import ArticleRules

    url = "https://news.example/a/story.html"
    links = [
        "  Next page »",
        "NEXT",
        "<span>下一页</span>",
        "\n<b> Nächste   Seite </b> ›",
        "Page suivante",
        "ſiguiente",  # re.I reads the long s as an s
        "\u3000weiter →",
        "<img src='x.png'>下页",
        "weİter",  # and the dotted capital I as an i
        "下<b>一</b>页",
        "&#19979;&#19968;&#39029;",
        "Ne<!-- x -->xt",
    ]
    for number, text in enumerate(links, start=2):
        html = (
            "<html><body><a href='/'>Home</a><a href='/b/other.html'>Next story</a>"
            f"<a href='story_{number}.html'>{text}</a></body></html>"
        )
        response = HtmlResponse(url, body=html.encode(), encoding="utf-8")
        assert next_page(response, ArticleRules(), url) == (
            f"https://news.example/a/story_{number}.html"
        ), text
    # The quick test rejects only anchors whose text NEXT_TEXT cannot match.
    response = HtmlResponse(
        url, body=b"<a href='/'>Home</a><a href='/'>2</a><a href='/'>Back</a>", encoding="utf-8"
    )
    for anchor in response.selector.root.iter("a"):
        assert not may_say_next(anchor)
        assert not NEXT_TEXT.match(anchor.text)


def test_a_page_whose_links_cannot_read_next_is_not_walked_and_gives_none():
    from scrapy.http import HtmlResponse

    from crawler.extract.pages import may_name_next, next_page
    from crawler.seeds import ArticleRules

    url = "https://news.example/a/story.html"
    # Words of "next page" outside links, in a link without an address, or in a link to
    # another article: the page has no next page, whatever the pre-check says.
    pages = {
        "<p>下一页 Next page</p><a href='/'>Home</a><a>Next</a><a href=''>下一页</a>": False,
        "<a href='/b/other.html'>Next story</a><a href='/'>Home</a>": True,
        "<a href='story_2.html'>Read on</a><script>next()</script>": False,
    }
    for html, walked in pages.items():
        response = HtmlResponse(url, body=html.encode(), encoding="utf-8")
        assert may_name_next(response.selector.root) == walked, html
        assert next_page(response, ArticleRules(), url) is None, html
