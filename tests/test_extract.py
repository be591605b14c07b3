"""Field extraction layers: seed selectors, then JSON-LD, then meta, then heuristics."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.extract import ExtractOptions, extract_article, extract_fields
from crawler.extract.dates import parse_date
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
    found = extract_fields(page(head, body), ArticleRules(date=".when::text"))
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
    found = extract_fields(selector, ArticleRules(body=".c", exclude=(".ad",)))
    assert found["body"] == ("<p>Keep</p>", "seed")
    assert selector.css(".ad")  # the page's own tree is not changed


def test_title_falls_back_to_h1_then_title():
    assert extract_fields(page(body="<h1> H1 </h1>"), ArticleRules())["title"].value == "H1"
    only_title = page(head="<title>Doc title</title>")
    assert extract_fields(only_title, ArticleRules())["title"].value == "Doc title"


def test_date_and_author_from_the_byline_not_the_sidebar():
    page_html = page(
        "<title>Story headline here - The Site</title>",
        "<div class='top'>The Site</div><div class='headline'>Story headline here</div>"
        "<div class='meta'>作者：张三 发布时间：2022-04-09 17:56</div>"
        f"<div class='text'><p>{'正文内容很长。' * 20}</p></div>"
        "<div class='side'><p>热门：2021-01-01 旧闻</p></div>",
    )
    found = extract_fields(page_html, ArticleRules(), language="zh")
    assert found["title"] == ("Story headline here", "heuristic")
    assert found["date"] == ("2022-04-09 17:56", "heuristic")
    assert found["author"] == ("张三", "heuristic")


def test_no_byline_date_means_none_even_with_a_sidebar_date():
    page_html = page(
        "",
        "<h1>Headline</h1><div class='text'><p>Short body.</p></div>"
        "<div class='side'>热门：2021-01-01 00:00 的旧闻</div>",
    )
    found = extract_fields(page_html, ArticleRules(body=".text"))
    # The byline's search does not take it (htmldate, the last layer, may).
    assert "date" not in found or found["date"].rule == "htmldate"


def test_date_from_the_url_when_the_page_has_none():
    page_html = page("", "<h1>Headline</h1><div class='text'><p>Body text.</p></div>")
    found = extract_fields(
        page_html, ArticleRules(body=".text"), url="https://x.example/2022/04/09/story.html"
    )
    assert found["date"] == ("2022-04-09", "url")


def test_author_from_a_signature_or_the_editor_at_the_body_end():
    story = "正文内容很长，讲了一件事。" * 12
    signed = page(
        "<title>标题在这里 - 网站</title>",
        f"<h1>标题在这里</h1><div class='text'><p>{story}（记者 胡晓蓉）</p></div>"
        "<div class='foot'>责任编辑：孙某</div>",
    )
    assert extract_fields(signed, ArticleRules(body=".text"))["author"].value == "胡晓蓉"
    edited = page(
        "<title>标题在这里 - 网站</title>",
        f"<h1>标题在这里</h1><div class='text'><p>{story}</p></div>"
        "<div class='foot'>（ 责任编辑：魏喆 ） 页面功能</div><div>（主办）</div>",
    )
    assert extract_fields(edited, ArticleRules(body=".text"))["author"].value == "魏喆"


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
    found = extract_fields(forum, ArticleRules(body=".text"), language="zh")
    assert found["date"] == ("2005年8月12日16:12:21", "heuristic")


def test_a_byline_date_without_a_year_takes_the_one_in_the_url():
    story = "正文内容很长。" * 20
    html = (
        "<html><head><title>标题在这里 - 网站</title></head><body>"
        f"<h1>标题在这里</h1><p>9月30日 10:00</p><div class='text'><p>{story}</p></div>"
        "</body></html>"
    )
    tz = ZoneInfo("Asia/Shanghai")
    options = ExtractOptions(
        language="zh",
        timezone="Asia/Shanghai",
        rules=ArticleRules(body=".text"),
        crawled_at=datetime(2026, 11, 30, tzinfo=tz),
    )
    dated = HtmlResponse("https://x.example/2019/09/30/1.html", body=html, encoding="utf-8")
    assert extract_article(dated, options).date == datetime(2019, 9, 30, 10, 0, tzinfo=tz)
    # Without the address's day, the most recent 30 September before the crawl.
    undated = HtmlResponse("https://x.example/news/1.html", body=html, encoding="utf-8")
    assert extract_article(undated, options).date == datetime(2026, 9, 30, 10, 0, tzinfo=tz)


@pytest.mark.parametrize(
    ("path", "day"),
    [
        ("/2021/03/20/harbour-promenade.html", "2021-03-20"),
        ("/2021/3/20/x.html", "2021-03-20"),
        ("/news/2021-03-20/x.html", "2021-03-20"),
        ("/news/20210320/x.html", "2021-03-20"),
        ("/journal/2021/04/12713/", None),
        ("/politics/2022_04_09_634001.shtml", None),
        ("/2021/03/20-harbour.html", None),
        ("/2021/13/20/x.html", None),
        ("/a/20220409094509154.html", None),
    ],
)
def test_a_date_in_the_address_is_whole_path_segments(path, day):
    html = "<html><head><title>A story</title></head><body><h1>A story</h1></body></html>"
    response = HtmlResponse(f"https://x.example{path}", body=html, encoding="utf-8")
    article = extract_article(response, ExtractOptions(timezone="Europe/London"))
    assert (article.date.date().isoformat() if article.date else None) == day
    if day:
        assert article.extracted_by["date"] == "url"


def test_a_date_in_the_address_yields_to_one_in_the_page():
    html = (
        "<html><head><title>A story</title>"
        "<meta property='article:published_time' content='2021-03-21T08:00:00Z'></head>"
        "<body><h1>A story</h1></body></html>"
    )
    response = HtmlResponse("https://x.example/2021/03/20/x.html", body=html, encoding="utf-8")
    article = extract_article(response, ExtractOptions())
    assert article.date == datetime(2021, 3, 21, 8, tzinfo=UTC)
    assert article.extracted_by["date"] == "meta"


STORY = "正文内容很长，讲了一件事。" * 12


def test_a_heading_that_is_only_the_site_name_is_not_the_headline():
    html = page(
        "<title>土豆不“土” 土豆无“土” 松花江网</title>",
        "<h1>松花江网</h1><div class='title'>土豆不“土” 土豆无“土”</div>"
        "<div class='info'>2022-02-13 09:57 光明网</div>"
        f"<div class='text'><p>光明日报记者 王建宏 张文攀</p><p>{STORY}</p></div>",
    )
    found = extract_fields(html, ArticleRules(body=".text"), language="zh")
    assert found["title"].value == "土豆不“土” 土豆无“土”"
    assert found["date"].value == "2022-02-13 09:57"
    assert found["author"].value == "王建宏, 张文攀"  # a list, joined with ", "


def test_without_a_headline_the_text_before_the_body_is_its_byline():
    html = page(
        "<title>China-Pub blog--洞庭一叶</title>",
        "<div class='side'>建立于:2004年10月6日</div>"
        "<div class='post-title'>[湖湘文化]陈天华《警世钟》ggjjzhzz 发表于 2005-9-15 11:46:00</div>"
        f"<div class='text'><p>{STORY}</p></div>",
    )
    found = extract_fields(html, ArticleRules(body=".text"), language="zh")
    assert found["date"] == ("2005-9-15 11:46:00", "heuristic")
    assert found["author"] == ("ggjjzhzz", "heuristic")


def test_a_month_first_date_with_slashes():
    html = page(
        "<title>谢谢您访问本站</title>",
        "<div>孙丰：座谈会 作者： 来源： 发布日期： 9/17/2004 5:54:13 AM</div>"
        f"<div class='text'><p>{STORY}</p></div>",
    )
    found = extract_fields(html, ArticleRules(body=".text"), language="zh")
    assert found["date"].value == "9/17/2004 5:54:13 AM"
    tz = ZoneInfo("Asia/Shanghai")
    assert parse_date(found["date"].value, tz, "zh") == datetime(2004, 9, 17, 5, 54, 13, tzinfo=tz)


def test_a_date_right_above_the_headline_when_none_follows_it():
    html = page(
        "<title>“厕所革命”改善农牧区人居环境</title>",
        "<div class='side'>2021年12月01日 往期</div><div>下一版</div>"
        "<span>2022年02月13日</span><h2>“厕所革命”改善农牧区人居环境</h2>"
        f"<div class='text'><p>{STORY}</p></div>",
    )
    found = extract_fields(html, ArticleRules(body=".text"), language="zh")
    assert found["date"].value == "2022年02月13日"


@pytest.mark.parametrize(
    ("after_headline", "author"),
    [
        # A reporter signing the last paragraph, the next one not taken for a name.
        (
            f"<div class='text'><p>{STORY}</p><p>整合 新华日报·交汇点记者 徐睿翔</p>"
            "<p>素材来源 江苏13个设区市党报</p></div>",
            "徐睿翔",
        ),
        # A labelled author after the body comes before the editor named first.
        (
            f"<div class='text'><p>{STORY}</p></div><div class='foot'>"
            "编辑： 金金 来源： 21世纪经济报道 作者：宋怡 杨志华 我要说说</div>",
            "宋怡 杨志华",
        ),
    ],
)
def test_author_named_after_the_body(after_headline, author):
    html = page("<title>标题在这里 - 网站</title>", f"<h1>标题在这里</h1>{after_headline}")
    found = extract_fields(html, ArticleRules(body=".text"), language="zh")
    assert found["author"] == (author, "heuristic")


def test_a_blog_post_signed_by_its_poster():
    html = page(
        "<title>海姑娘 | blog</title>",
        "<div class='t'>昨天去金矿玩 2005-03-21 01:20:44</div>"
        f"<div class='text'>{STORY}</div>"
        "<div class='foot'>[打印] 由海姑娘张贴 @ 2005-03-21 01:20:44 (359)</div>",
    )
    found = extract_fields(html, ArticleRules(body=".text"), language="zh")
    assert found["author"] == ("海姑娘", "heuristic")
    assert found["date"] == ("2005-03-21 01:20:44", "heuristic")


def test_a_metadata_title_cut_short_yields_to_the_headline():
    html = page(
        '<title>奖金711万元！"中国诺贝尔奖"首位获奖女性啥来头?_网易新闻</title>'
        '<meta property="og:title" content="奖金711万元！">',
        '<h1>奖金711万元！"中国诺贝尔奖"首位获奖女性啥来头?</h1>',
    )
    assert extract_fields(html, ArticleRules())["title"] == (
        '奖金711万元！"中国诺贝尔奖"首位获奖女性啥来头?',
        "heuristic",
    )
    whole = page(
        "<title>Calendário Stock Car 2018 | Autoracing | F1</title>"
        '<meta property="og:title" content="Calendário Stock Car 2018">',
        "<div>Calendário Stock Car 2018 | Autoracing | F1</div>",
    )
    assert extract_fields(whole, ArticleRules())["title"].rule == "meta"


def test_a_headline_with_its_second_line_and_without_labels():
    two_lines = page(
        "<title>为现代化建设凝聚强大智慧和力量——热烈祝贺会议开幕_市人民政府网</title>",
        "<h1>为现代化建设凝聚强大智慧和力量</h1><h3>——热烈祝贺会议开幕</h3>"
        f"<div class='text'><p>{STORY}</p></div>",
    )
    found = extract_fields(two_lines, ArticleRules(body=".text"), language="zh")
    assert found["title"].value == "为现代化建设凝聚强大智慧和力量 ——热烈祝贺会议开幕"
    labelled = page(
        "<title>最不愁吃肉的国家：顿顿有肉吃</title>",
        "<h1><span>原创</span>最不愁吃肉的国家：顿顿有肉吃</h1>"
        f"<div class='text'><p>{STORY}</p></div>",
    )
    found = extract_fields(labelled, ArticleRules(body=".text"), language="zh")
    assert found["title"].value == "最不愁吃肉的国家：顿顿有肉吃"


def test_a_date_without_a_year_yields_to_the_declared_update_date():
    html = page(
        '<title>标题在这里</title><meta itemprop="dateUpdate" content="2019-09-30 22:46:13">',
        "<h1>标题在这里</h1><div>发布时间：09-30 22:46</div>"
        f"<div class='text'><p>IT之家9月30日消息 {STORY}</p></div>",
    )
    found = extract_fields(html, ArticleRules(body=".text"), language="zh")
    assert found["date"] == ("2019-09-30 22:46:13", "meta")


def test_titles_escaped_twice_are_read_as_text():
    head = (
        '<meta property="og:title" content="Review &amp;#8211; shoots for the moon">'
        '<meta name="author" content="O&amp;#8217;Brien">'
    )
    assert meta_fields(page(head))["title"] == "Review \u2013 shoots for the moon"
    assert meta_fields(page(head))["author"] == "O\u2019Brien"
    graph = ld({"@type": "NewsArticle", "headline": "Chelsea pay &#163;71.6m", "url": "/a&amp;b"})
    assert jsonld_fields(page(graph))["title"] == "Chelsea pay £71.6m"


def test_the_body_image_standing_for_a_head_image_names_its_rule():
    """No og:image, no JSON-LD image: the body's first image is the head image, and
    ``extracted_by`` says so (`scrapy extract` showed "image -" beside a head image)."""
    story = "<p>" + "The harbour promenade will be extended by four hundred metres. " * 8 + "</p>"
    html = (
        "<html><head><title>Harbour</title></head><body><article><h1>Harbour</h1>"
        f"<img src='/img/tower.jpg' width='600' height='400'>{story}</article></body></html>"
    )
    response = HtmlResponse("https://example.com/harbour.html", body=html.encode())
    article = extract_article(response, ExtractOptions())
    assert article.headimg == "https://example.com/img/tower.jpg"
    assert article.extracted_by["image"] == "body"
    named = html.replace("<head>", "<head><meta property='og:image' content='/img/lead.jpg'>")
    article = extract_article(HtmlResponse(response.url, body=named.encode()), ExtractOptions())
    assert article.headimg == "https://example.com/img/lead.jpg"
    assert article.extracted_by["image"] == "meta"
