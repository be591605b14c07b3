"""Authors: bylines read from their element, every name of a list, JSON-LD read leniently and
its @id references resolved, no "By X" of a list after the body, no name running into the
next word."""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse

from crawler.extract import ExtractOptions, extract_article
from crawler.extract.metadata import loads_lenient

PARAGRAPH = "The council met on Tuesday and voted on the plan for the harbour promenade. " * 5
BODY = f"<div class='story'><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></div>"


def author_of(head: str = "", byline: str = "", after: str = "", language: str = "en") -> str:
    html = (
        f"<html><head><title>Council votes on the harbour plan</title>{head}</head><body>"
        f"<article><h1>Council votes on the harbour plan</h1>{byline}{BODY}</article>{after}"
        "</body></html>"
    )
    response = HtmlResponse("http://127.0.0.1/a.html", body=html.encode())
    return extract_article(response, ExtractOptions(language=language)).author


def ld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


RIVER = (
    "<aside class='related'><h2>More news</h2><ul>"
    "<li><a href='/b.html'>Ferry timetable changes from May</a> By Jon Ruston</li>"
    "<li><a href='/c.html'>Market hall opens</a> <span class='author'>By Steph Okafor</span></li>"
    "</ul></aside>"
)


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        (
            '<p class="byline">By Jane Roe, John Smith and Ann Lee</p>',
            "Jane Roe, John Smith, Ann Lee",
        ),
        (
            '<div class="byline">By <a href="/a/1">Jane Roe</a>'
            ' &amp; <a href="/a/2">John Smith</a></div>',
            "Jane Roe, John Smith",
        ),
        ('<span itemprop="author">Ludwig van Beethoven</span>', "Ludwig van Beethoven"),
        (
            '<div class="post-author">Written by Maren Estrada'
            " November 19th, 2019 at 8:40 AM</div>",
            "Maren Estrada",
        ),
        (
            '<div class="byline">By <b>Chris'
            " Pokorny</b><span>@DawgsByNature</span> Nov 18, 2019</div>",
            "Chris Pokorny",
        ),
        (
            '<div class="byline"><span>By Michael'
            " Hiltzik</span><span>Business Columnist</span></div>",
            "Michael Hiltzik",
        ),
        ('<div class="byline">By Greg Beacham, AP Sports Writer</div>', "Greg Beacham"),
        ('<div class="author-box">作者：安东尼 7 分钟</div>', "安东尼"),
        (
            '<p class="meta"><a rel="author" href="/u/1">Devon'
            " Castell</a> <span>@dcastell</span></p>",
            "Devon Castell",
        ),
    ],
)
def test_byline_read_from_its_element(byline, author):
    assert author_of(byline=byline) == author


def test_no_by_line_of_a_list_after_the_body():
    assert author_of(after=RIVER) is None
    assert author_of(byline="<p>Staff report</p>", after=RIVER) is None


@pytest.mark.parametrize(
    ("byline", "author", "language"),
    [
        # The name ends with its text node: "Police said" is the body's.
        ("<p>By Jane Roe</p><p>Police said on Monday the road would close.</p>", "Jane Roe", "en"),
        (
            "<div class='info'>2016-06-30 来源：滨江日报 记者 林晓舟、陈一帆</div>"
            "<p>本报讯 今年以来</p>",
            "林晓舟, 陈一帆",
            "zh",
        ),
        (
            "<div class='info'>记者 王建宏 张文攀</div><p>本报讯 今年以来</p>",
            "王建宏, 张文攀",
            "zh",
        ),
        # Nor into the byline's next field written without a space.
        ("<p><b>本报记者罗科苏盈发自北京</b></p>", "罗科苏盈", "zh"),
        ("<div class='info'>记者王小明报道</div>", "王小明", "zh"),
        ("<div class='info'>新华社记者张一帆摄</div>", "张一帆", "zh"),
    ],
)
def test_name_never_runs_into_the_next_word(byline, author, language):
    assert author_of(byline=byline, language=language) == author


def test_prose_in_an_author_class_is_no_byline():
    byline = '<p class="author-note">The Russian and Syrian defense ministries said so.</p>'
    assert author_of(byline=byline) is None


def test_every_meta_author():
    head = '<meta name="author" content="Sarah Penwick"><meta name="author" content="Ingrid Lund">'
    assert author_of(head=head) == "Sarah Penwick, Ingrid Lund"


def test_jsonld_authors_joined_and_resolved_by_id_across_blocks():
    article = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "NewsArticle",
                "headline": "Council votes on the harbour plan",
                "author": [{"@id": "#p1"}, {"@id": "https://example.org/#p2"}],
            },
            {"@type": "Person", "@id": "#p1", "name": "Owen Hale"},
        ],
    }
    people = {"@type": "Person", "@id": "https://example.org/#p2", "name": "Ruby Pearsall"}
    head = ld(json.dumps(article)) + ld(json.dumps(people))
    assert author_of(head=head) == "Owen Hale, Ruby Pearsall"


@pytest.mark.parametrize(
    "script",
    [
        '{"@type": "NewsArticle", "description": "Two\nlines", "author": {"name": "Owen Hale"}}',
        '// generated\n{"@type": "NewsArticle", "author": {"name": "Owen Hale"},\n}',
        '<!--\n{"@type": "NewsArticle", "author": {"name": "Owen Hale"}};\n-->',
        '{"@type": "NewsArticle",\n "headline": "A "quoted"'
        ' word",\n "author": {"name": "Owen Hale"}\n}',
        '{"@type": "WebSite", "name": "Daily"},\n{"@type": "NewsArticle", "author": "Owen Hale"}',
    ],
)
def test_lenient_jsonld(script):
    assert author_of(head=ld(script)) == "Owen Hale"


def test_lenient_jsonld_keeps_inner_quotes():
    (value,) = loads_lenient('{\n "headline": "A "quoted" word",\n "n": 1\n}')
    assert value == {"headline": 'A "quoted" word', "n": 1}
