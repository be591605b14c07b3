"""The body, title, date and author of Chinese portal article pages written here in the
shapes such sites have: a headline with a dateline, source and author line, a share bar, the
text with a photo and its caption, then the editor's line, related news, previous and next
links, comments and the site's footer; and the page's tool lines written inside the text
block (share bar, print and close links, a call to follow an account)."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.extract import ExtractOptions, extract_article

TITLE = "农村人居环境整治取得新进展"
TEXT = (
    "新华社北京3月5日电 今年以来，各地持续推进农村人居环境整治，累计改造农村户用厕所超过"
    "四百万座，农村生活垃圾收运处置体系覆盖的行政村比例稳定在百分之九十以上。",
    "农业农村部有关负责人介绍，下一步将因地制宜推进农村厕所革命，坚持数量服从质量、进度服从"
    "实效，把群众满意作为衡量工作成效的根本标准，防止一哄而上。",
    "在浙江安吉，村民王建国告诉记者，过去村里的旱厕又脏又臭，如今家家户户都用上了水冲式卫生"
    "厕所，污水也统一收集处理，村容村貌焕然一新。",
    "专家指出，农村人居环境整治是一项长期任务，既要建好设施，更要管好用好，建立长效管护机制，"
    "明确管护主体和责任，确保设施能用、管用、长久用。",
)
CAPTION = "图为浙江安吉县一处新建的农村公共厕所。新华社记者 王鹏 摄"
NAV = "".join(
    f"<a href='/c{at}'>{name}</a>" for at, name in enumerate(["首页", "新闻", "财经", "体育"])
)
SIDE = "".join(
    f"<li><a href='/h/{at}'>{name}</a></li>"
    for at, name in enumerate(["春运返程高峰到来 铁路部门加开列车", "多部门联合整治网络直播乱象"])
)
RELATED = "".join(
    f"<li><a href='/n/{at}.html'>{name}</a><span>2024-03-0{at + 1}</span></li>"
    for at, name in enumerate(["多地推动农村厕所改造提质增效", "乡村振兴看变化：垃圾分类进农家"])
)
COMMENTS = "".join(
    f"<div class='cmt'><span>网友{at}</span><p>{text}</p></div>"
    for at, text in enumerate(
        [
            "说得好，我们村去年也改了厕所，现在干净多了，希望后续维护能跟上，别建了没人管。",
            "政策是好政策，关键是要落实到位，有些地方只顾完成指标，建好的厕所根本用不了。",
        ]
    )
)


def portal_page(text: str, after_text: str = "") -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{TITLE}_国内新闻_滨江网</title></head><body>"
        f"<div class='nav'>{NAV}</div>"
        "<div class='crumb'><a href='/'>首页</a> &gt; <a href='/news'>国内新闻</a> &gt; 正文</div>"
        f"<div class='main'><h1>{TITLE}</h1>"
        "<div class='info'><span>2024-03-05 10:21:33</span> <span>来源：新华网</span>"
        " <span>作者：张三</span></div>"
        "<div class='bdshare'><span>分享到：</span><a>微信</a><a>微博</a></div>"
        f"<div class='article'>{text}{after_text}</div>"
        "<p class='editor'>（责任编辑：李明）</p>"
        f"<div class='xgxw'><h3>相关新闻</h3><ul>{RELATED}</ul></div>"
        "<div class='pn'><p>上一篇：<a href='/p1'>春耕备耕有序展开</a></p>"
        "<p>下一篇：<a href='/p2'>数字乡村建设试点成效初显</a></p></div>"
        f"<div class='comments'><h3>网友评论</h3>{COMMENTS}</div></div>"
        f"<div class='side'><h3>热点排行</h3><ol>{SIDE}</ol></div>"
        "<div class='footer'><p>关于我们 | 联系我们 | 网站地图</p>"
        "<p>版权所有 © 2024 滨江网</p><p>浙ICP备12345678号</p></div></body></html>"
    )


def article(html: str):
    response = HtmlResponse("http://127.0.0.1/a.html", body=html.encode(), encoding="utf-8")
    return extract_article(response, ExtractOptions(language="zh", timezone="Asia/Shanghai"))


def text_of(*paragraphs: str) -> str:
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def test_a_portal_article_page_gives_its_text_title_date_and_author():
    found = article(portal_page(text_of(*TEXT)))
    assert found.text.split("\n") == list(TEXT)
    assert found.title == TITLE
    assert found.date.isoformat() == "2024-03-05T10:21:33+08:00"
    assert found.author == "张三"


def test_a_photo_caption_an_original_title_line_and_a_deck_stay_in_the_text():
    """What real articles' texts keep: the "原标题" line, a deck under the headline, a photo's
    caption between paragraphs."""
    text = (
        "<h2>去年改造户用卫生厕所4.66万座</h2><p>原标题：厕所革命让乡村更美丽</p>"
        + text_of(*TEXT[:2])
        + f"<p style='text-align:center'><img src='/img/1.jpg'></p><p>{CAPTION}</p>"
        + text_of(*TEXT[2:])
    )
    lines = article(portal_page(text)).text.split("\n")
    assert lines == [
        "去年改造户用卫生厕所4.66万座",
        "原标题：厕所革命让乡村更美丽",
        *TEXT[:2],
        CAPTION,
        *TEXT[2:],
    ]


@pytest.mark.parametrize(
    "tools",
    [
        "<div class='bar'><span>分享到：</span><a>微信</a><a>微博</a><a>QQ空间</a></div>",
        "<p>【<a href='#'>打印</a>】 【<a href='#'>关闭窗口</a>】 【<a href='#'>收藏</a>】</p>",
        "<p>扫一扫，关注滨江网微信公众号</p><p><img src='/qr.png'></p>",
        "<p>上一篇：<a href='/p1'>春耕备耕有序展开</a></p>"
        "<p>下一篇：<a href='/p2'>数字乡村建设试点成效初显</a></p>",
    ],
)
def test_tool_lines_closing_the_text_block_are_trimmed(tools):
    assert article(portal_page(text_of(*TEXT), tools)).text.split("\n") == list(TEXT)


def test_a_paragraph_that_names_a_tool_in_its_text_stays():
    """Only a short closing line is a tool line: a sentence of the text naming one stays."""
    last = "记者看到，不少村民拿出手机扫码了解政策，并通过公众号反映问题，相关部门及时回应。"
    assert article(portal_page(text_of(*TEXT, last))).text.split("\n") == [*TEXT, last]


SHORT_LINES = (
    "清晨六点，菜市场已经热闹起来。",
    "摊主老李把刚到的青菜码得整整齐齐。",
    "他说，今年的菜价比去年稳定。",
    "附近的居民大多是老顾客。",
    "一位阿姨挑了两把菠菜和一块豆腐。",
    "她笑着说，这里的菜新鲜又便宜。",
    "市场管理处的工作人员正在巡查。",
    "过去这里污水横流，气味难闻。",
    "去年改造以后，地面铺上了防滑砖。",
    "老李说，生意比以前好做了。",
)
TEASERS = "".join(
    f"<div class='item'><p>{name}，记者从有关部门获悉，相关工作正在有序推进，预计年内全面完成。</p>"
    "</div>"
    for name in [
        "多地推动农村厕所改造提质增效",
        "乡村振兴看变化：垃圾分类进农家",
        "农村污水治理如何走出困境",
        "美丽乡村建设提速",
    ]
)


def test_an_article_of_short_paragraphs_beats_a_box_of_longer_teasers():
    """Sentences under readability's 25 characters, each a paragraph: on a Chinese page they
    count as paragraphs all the same, and the article is not lost to the teasers beside it."""
    html = (
        f"<html><head><meta charset='utf-8'><title>菜市场的一天_滨江网</title></head><body>"
        f"<div class='nav'>{NAV}</div><div class='main'><h1>菜市场的一天</h1>"
        "<p>2024-03-05 10:21 来源：滨江网</p>"
        f"<div class='article'>{text_of(*SHORT_LINES)}</div></div>"
        f"<div class='box'><h3>热门推荐</h3>{TEASERS}</div></body></html>"
    )
    assert article(html).text.split("\n") == list(SHORT_LINES)
