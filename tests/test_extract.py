"""Field extraction layers: seed selectors, then JSON-LD, then meta, then heuristics."""

from __future__ import annotations

import json

from parsel import Selector

from crawler.extract import extract_article
from crawler.extract.metadata import jsonld_fields, meta_fields
from crawler.seeds import ArticleRules


def page(head: str = "", body: str = "") -> Selector:
    return Selector(text=f"<html><head>{head}</head><body>{body}</body></html>")


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_jsonld_graph_list_and_nested_author():
    graph = {
        "@graph": [
            {"@type": "WebPage", "name": "Not the article"},
            {
                "@type": ["NewsArticle"],
                "headline": "Head",
                "datePublished": "2022-04-09",
                "dateModified": "2022-04-10",
                "author": [{"@type": "Person", "name": "A"}, "B"],
                "image": {"@type": "ImageObject", "url": "/i.png"},
            },
        ]
    }
    assert jsonld_fields(page(ld("broken") + ld([graph]))) == {
        "title": "Head",
        "date": "2022-04-09",
        "updated": "2022-04-10",
        "author": "A, B",
        "image": "/i.png",
    }


def test_jsonld_invalid_is_skipped():
    assert jsonld_fields(page('<script type="application/ld+json">{nope</script>')) == {}


def test_meta_fields():
    head = (
        '<meta property="og:title" content="OG title">'
        '<meta property="article:published_time" content="2022-04-09T17:56:37+08:00">'
        '<meta property="article:modified_time" content="2022-04-10T08:00:00+08:00">'
        '<meta name="author" content="Jane">'
        '<meta property="og:image" content="/og.png">'
    )
    assert meta_fields(page(head)) == {
        "title": "OG title",
        "date": "2022-04-09T17:56:37+08:00",
        "updated": "2022-04-10T08:00:00+08:00",
        "author": "Jane",
        "image": "/og.png",
    }


def test_layers_field_by_field():
    head = ld({"@type": "Article", "headline": "LD title", "datePublished": "2022-01-01"})
    head += '<meta name="author" content="Meta author">'
    story = "A long paragraph of the story, with enough words in it to be taken as text. " * 3
    body = (
        '<h1>H1 title</h1><span class="when">2022-04-09 17:56</span>'
        '<div class="nav"><p><a href="/">Home</a></p></div>'
        f'<div class="story"><p>{story}</p><p>{story}</p></div>'
    )
    found = extract_article(page(head, body), ArticleRules(date=".when::text"))
    assert {k: (v.value, v.rule) for k, v in found.items() if k != "body"} == {
        "date": ("2022-04-09 17:56", "seed"),
        "title": ("LD title", "json-ld"),
        "author": ("Meta author", "meta"),
    }
    assert found["body"].rule == "readability"
    assert found["body"].value.count(story.strip()) == 2
    assert "Home" not in found["body"].value


def test_seed_body_with_exclude_leaves_page_intact():
    selector = page(body='<div class="c"><p>Keep</p><div class="ad">Ad</div></div>')
    found = extract_article(selector, ArticleRules(body=".c", exclude=(".ad",)))
    assert found["body"] == ("<p>Keep</p>", "seed")
    assert selector.css(".ad")  # the page's own tree is not changed


def test_title_falls_back_to_h1_then_title():
    assert extract_article(page(body="<h1> H1 </h1>"), ArticleRules())["title"].value == "H1"
    only_title = page(head="<title>Doc title</title>")
    assert extract_article(only_title, ArticleRules())["title"].value == "Doc title"


def test_date_and_author_from_the_byline_not_the_sidebar():
    page_html = page(
        "<title>Story headline here - The Site</title>",
        "<div class='top'>The Site</div><div class='headline'>Story headline here</div>"
        "<div class='meta'>作者：张三 发布时间：2022-04-09 17:56</div>"
        f"<div class='text'><p>{'正文内容很长。' * 20}</p></div>"
        "<div class='side'><p>热门：2021-01-01 旧闻</p></div>",
    )
    found = extract_article(page_html, ArticleRules(), language="zh")
    assert found["title"] == ("Story headline here", "heuristic")
    assert found["date"] == ("2022-04-09 17:56", "heuristic")
    assert found["author"] == ("张三", "heuristic")


def test_no_byline_date_means_none_even_with_a_sidebar_date():
    page_html = page(
        "",
        "<h1>Headline</h1><div class='text'><p>Short body.</p></div>"
        "<div class='side'>热门：2021-01-01 00:00 的旧闻</div>",
    )
    found = extract_article(page_html, ArticleRules(body=".text"))
    assert "date" not in found


def test_date_from_the_url_when_the_page_has_none():
    page_html = page("", "<h1>Headline</h1><div class='text'><p>Body text.</p></div>")
    found = extract_article(
        page_html, ArticleRules(body=".text"), url="https://x.example/2022/04/09/story.html"
    )
    assert found["date"] == ("2022-04-09", "heuristic")


def test_author_from_a_signature_or_the_editor_at_the_body_end():
    story = "正文内容很长，讲了一件事。" * 12
    signed = page(
        "<title>标题在这里 - 网站</title>",
        f"<h1>标题在这里</h1><div class='text'><p>{story}（记者 胡晓蓉）</p></div>"
        "<div class='foot'>责任编辑：孙某</div>",
    )
    assert extract_article(signed, ArticleRules(body=".text"))["author"].value == "胡晓蓉"
    edited = page(
        "<title>标题在这里 - 网站</title>",
        f"<h1>标题在这里</h1><div class='text'><p>{story}</p></div>"
        "<div class='foot'>（ 责任编辑：魏喆 ） 页面功能</div><div>（主办）</div>",
    )
    assert extract_article(edited, ArticleRules(body=".text"))["author"].value == "魏喆"


def test_author_meta_naming_the_site_is_not_an_author():
    head = '<meta name="author" content="www.yunnan.cn,云南日报报业集团,云南网">'
    assert "author" not in meta_fields(page(head))


def test_posted_on_date_after_a_forum_post():
    post = "帖子的内容写在这里，写了很多很多。" * 10
    forum = page(
        "<title>帖子标题 - 论坛</title>",
        f"<div class='t'>帖子标题</div><div class='text'><p>{post}</p></div>"
        "<div class='sig'>本贴由 大卫 于2005年8月12日16:12:21在论坛发表</div>",
    )
    found = extract_article(forum, ArticleRules(body=".text"), language="zh")
    assert found["date"] == ("2005年8月12日16:12:21", "heuristic")


def test_a_byline_date_without_a_year_takes_the_one_in_the_url():
    story = "正文内容很长。" * 20
    html = page(
        "<title>标题在这里 - 网站</title>",
        f"<h1>标题在这里</h1><p>9月30日 10:00</p><div class='text'><p>{story}</p></div>",
    )
    found = extract_article(
        html, ArticleRules(body=".text"), url="https://x.example/2019/09/30/1.html"
    )
    assert found["date"] == ("2019-09-30", "heuristic")
    assert extract_article(html, ArticleRules(body=".text"))["date"].value == "9月30日 10:00"
