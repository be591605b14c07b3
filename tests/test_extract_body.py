"""The body without body rules: readability-lxml's choice, and where it goes wrong on small
pages written after real ones (a blog's archive page, a notice with its table of figures, a
page whose text block opens with its headline and dateline and closes with copyright lines)."""

from __future__ import annotations

import copy
import logging

import lxml.html
import pytest
from parsel import Selector

import crawler.extract.body as body_module
from crawler.cleaning import clean_body, html_text
from crawler.extract import base_url
from crawler.extract.body import main_body, readability_body
from crawler.extract.noise import drop_teasers
from crawler.extract.posts import first_post

PARAGRAPH = "这是一段很长的正文内容，讲述了一件重要的事情，包含了很多细节和背景信息。" * 3


def archive_page() -> str:
    """Three posts, each with a title, a date, a body and a signature; the later ones longer."""
    posts = "".join(
        f"<table class='entry'><tr><td class='post-title'>第{i}篇文章的标题</td>"
        f"<td>2005-03-{20 - i:02d} 01:20:44</td></tr>"
        f"<tr><td class='post-body'>第{i}篇。{PARAGRAPH}<br><br>{PARAGRAPH * i}</td></tr>"
        f"<tr><td class='post-footer'>由海姑娘张贴 @ 2005-03-{20 - i:02d} 01:20:44 (359)</td></tr>"
        "</table>"
        for i in range(1, 4)
    )
    side = "".join(f"<li><a href='/p/{i}'>最新文章{i}</a></li>" for i in range(10))
    return (
        "<html><head><title>海姑娘 | blog</title></head><body>"
        f"<div class='side'><ul>{side}</ul></div><div class='main'>{posts}</div></body></html>"
    )


def notice_page() -> str:
    """A notice: a paragraph, then a table of figures, side by side in a layout table."""
    rows = "".join(
        f"<tr><td>0{i}研究方向{i}，方向说明</td><td>导师{i}</td>"
        "<td>1、英语或俄语或日语，2、中国艺术史基础知识，3、艺术美学与哲学经典阅读</td>"
        "<td>备注，说明</td></tr>"
        for i in range(60)
    )
    return (
        "<html><head><title>招生简章</title></head><body>"
        "<table><tr><td><a href='/'>首页</a>|<a href='/a'>艺术</a></td></tr></table>"
        "<table><tr><td><p>发布日期：2003-10-01</p>"
        f"<table><tr><td>一、培养目标：<br>{PARAGRAPH}<br></td></tr></table>"
        f"<table border='1'>{rows}</table></td></tr></table></body></html>"
    )


def furnished_page() -> str:
    """One block holding the headline, dateline, share bar, text, editor and copyright."""
    return (
        "<html><head><title>入选国家绿色制造名单 - 要闻 - 云南日报网</title></head><body>"
        "<div class='nav'><a href='/'>首页</a></div><div class='text'>"
        "<p>入选国家绿色制造名单</p><p>发布时间：2022-02-13 04:22:18 来源：云南日报</p>"
        f"<p>分享到：</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}（记者 胡晓蓉）</p>"
        "<p>责任编辑：孙重远</p><p>云南日报网 滇ICP备11000491号-1 All Rights Reserved</p>"
        "<p>云南日报报业集团 版权所有，未经许可不得转载</p></div></body></html>"
    )


def body_of(html: str) -> str:
    return html_text(readability_body(Selector(text=html)))


def readability_alone(html: str, monkeypatch) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(body_module, "first_post", lambda *args: None)
        patch.setattr(body_module, "_widened_table", lambda *args: None)
        patch.setattr(body_module, "trim_edges", lambda *args: None)
        patch.setattr(body_module, "drop_teasers", lambda *args: None)
        return body_of(html)


def test_an_archive_page_gives_its_first_post(monkeypatch):
    assert "第2篇" in readability_alone(archive_page(), monkeypatch)
    body = body_of(archive_page())
    assert body.startswith("第1篇。")
    assert "第2篇" not in body and "第3篇" not in body
    assert "张贴" not in body


def test_a_forum_reply_chosen_yields_to_the_opening_post():
    root = Selector(text=archive_page()).root
    second = root.xpath("//td[@class='post-body']")[1].text_content()
    post = first_post(root, second)
    assert post is not None and post.text_content().startswith("第1篇。")


def commented_page(comments: int, comment_text: str) -> str:
    """An article in one block, then its dated comments, all in one page block."""
    thread = "".join(
        f"<div class='comment'><span>网友{i} 2022-02-1{i} 10:00</span>"
        f"<div class='comment-body'>评论{i}：{comment_text}</div></div>"
        for i in range(comments)
    )
    return (
        "<html><head><title>标题</title></head><body><div class='page'>"
        f"<div class='article'><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></div>"
        f"<div class='comments'>{thread}</div></div></body></html>"
    )


def test_an_article_with_dated_comments_is_one_article():
    html = commented_page(4, PARAGRAPH[:60])
    root = Selector(text=html).root
    article = root.xpath("//div[@class='article']")[0].text_content()
    assert first_post(root, article) is None
    assert "评论" not in body_of(html)


def test_an_article_is_not_taken_for_a_post_however_long_its_comments():
    root = Selector(text=commented_page(6, PARAGRAPH * 3)).root
    everything = root.xpath("//div[@class='page']")[0].text_content()
    assert first_post(root, everything) is None


def test_a_table_of_figures_keeps_the_notice_around_it(monkeypatch):
    assert "培养目标" not in readability_alone(notice_page(), monkeypatch)
    body = body_of(notice_page())
    assert body.startswith("一、培养目标：")
    assert "059研究方向59" in body
    assert "首页" not in body


def test_a_layout_table_is_not_widened():
    notice = "本站声明：转载请注明出处，" * 10
    html = (
        "<html><head><title>标题</title></head><body><table><tr><td>"
        f"<table><tr><td><a href='/'>首页</a> {notice}</td></tr></table>"
        f"<table><tr><td>{PARAGRAPH}<br>{PARAGRAPH}<br>{PARAGRAPH}</td></tr></table>"
        "</td></tr></table></body></html>"
    )
    assert "本站声明" not in body_of(html)


def test_headline_dateline_share_bar_and_copyright_are_trimmed(monkeypatch):
    untrimmed = readability_alone(furnished_page(), monkeypatch)
    assert untrimmed.startswith("入选国家绿色制造名单 发布时间") and "版权所有" in untrimmed
    body = body_of(furnished_page())
    assert body.startswith("这是一段很长的正文内容")
    assert body.endswith("（记者 胡晓蓉） 责任编辑：孙重远")


def test_the_page_tree_is_left_as_it_was():
    for html in (archive_page(), notice_page(), furnished_page()):
        selector = Selector(text=html)
        before = copy.deepcopy(selector.root)
        readability_body(selector)
        assert [e.tag for e in selector.root.iter()] == [e.tag for e in before.iter()]


def test_links_of_the_body_end_absolute_against_the_page_or_its_base():
    text = f"<p>{PARAGRAPH}<a href='more.html'>更多</a></p><p>{PARAGRAPH}<img src='/i/a.jpg'></p>"
    plain = f"<html><head><title>t</title></head><body><div>{text}</div></body></html>"
    based = plain.replace("<title>", "<base href='https://cdn.example/b/'><title>")
    url = "https://news.example/2022/story.html"
    cleaned = clean_body(readability_body(Selector(text=plain)), url)
    assert 'href="https://news.example/2022/more.html"' in cleaned.html
    assert cleaned.images == ["https://news.example/i/a.jpg"]
    # Readability leaves addresses as written; they are resolved against the document's base.
    page = Selector(text=based)
    cleaned = clean_body(readability_body(page), base_url(page, url))
    assert 'href="https://cdn.example/b/more.html"' in cleaned.html
    assert cleaned.images == ["https://cdn.example/i/a.jpg"]


def test_an_agency_copyright_line_closing_its_story_is_kept():
    story = "Michigan health authorities are reporting a sixth death, officials said. " * 4
    html = (
        "<html><head><title>Sixth death</title></head><body><div class='story'>"
        f"<p>{story}</p><p>{story}</p>"
        "<p>© 2019 Associated Press. All Rights Reserved.</p></div></body></html>"
    )
    assert body_of(html).endswith("© 2019 Associated Press. All Rights Reserved.")


def test_captions_galleries_and_bylines_go_their_photos_stay():
    story = "New vehicle sales in the Houston area plunged last month, dealers said. " * 4
    caption = "A long row of unsold vehicles sits at a dealership in Littleton, Colo."
    html = (
        "<html><head><title>Car sales plunge</title></head><body><div class='story'>"
        "<p class='byline'>By <a href='/a/p'>Paul Takahashi</a></p>"
        "<div class='asset_gallery'><ul><li><img src='/p/1.jpg' class='photo-caption-img'>"
        f"<div class='caption-full'><p>{caption}</p></div>"
        "<span class='credit'>Photo: David Zalubowski</span></li></ul></div>"
        f"<p>{story}</p><p>{story}</p><p>{story}</p>"
        "<div class='share-tools'><img src='/i/weibo.png'>Share this</div></div></body></html>"
    )
    body = readability_body(Selector(text=html))
    assert html_text(body).startswith("New vehicle sales")
    assert caption not in html_text(body) and "Takahashi" not in body and "Share" not in body
    assert "/p/1.jpg" in body and "weibo" not in body


def test_a_figure_caption_goes_whatever_its_class_its_photo_stays(monkeypatch):
    """A <figcaption> is a caption by its tag, without a class naming it one."""
    story = "Bricks are sold on credit more often than before, the traders' guild said. " * 4
    caption = "A stack of bricks at a builders' yard: the buyer pays for them later."
    html = (
        "<html><head><title>Bricks on credit</title></head><body><div class='entry'>"
        f"<p>{story}</p><figure class='alignright'><img src='/p/bricks.jpg'>"
        f"<figcaption class='lightbox-desc'>{caption}</figcaption></figure>"
        f"<p>{story}</p><p>{story}</p></div></body></html>"
    )
    with monkeypatch.context() as patch:
        patch.setattr(body_module, "drop_furniture", lambda *args: None)
        assert caption in body_of(html)
    body = readability_body(Selector(text=html))
    assert caption not in html_text(body) and html_text(body).count("Bricks are sold") == 12
    assert "/p/bricks.jpg" in body


def test_breadcrumbs_bylines_related_lists_and_comment_boxes_are_trimmed(monkeypatch):
    related = "".join(f"<p>相关文章{i}：另一篇文章的标题和它的简短摘要</p>" for i in range(3))
    html = (
        "<html><head><title>味觉嗅觉丧失是最强预测指标_澎湃新闻</title></head><body>"
        "<div class='news'><p>首页 > 科技湃</p><h1>柳叶刀：味觉嗅觉丧失是新冠感染最强预测指标</h1>"
        "<p>澎湃新闻记者 贺梨萍</p><p>2020-06-06 10:08 来源：澎湃新闻</p><p>字号</p>"
        f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>"
        f"<p>【1】【2】【3】</p><p>推荐阅读</p>{related}<p>评论(15)</p><p>我要跟帖</p></div>"
        "</body></html>"
    )
    untrimmed = readability_alone(html, monkeypatch)
    assert untrimmed.startswith("首页 > 科技湃") and "推荐阅读" in untrimmed
    assert body_of(html) == " ".join([PARAGRAPH] * 4)


def test_text_written_in_sections_is_found():
    sections = "".join(
        f"<section style='margin: 16px'><span>{PARAGRAPH}</span></section>" for _ in range(4)
    )
    html = (
        "<html><head><title>三星 Galaxy S20 系列手机正式发布</title></head><body>"
        "<div class='nav'><a href='/'>首页</a></div>"
        f"<div class='rich_media_content' id='js_content'>{sections}</div></body></html>"
    )
    assert body_of(html) == " ".join([PARAGRAPH] * 4)


def test_an_embedded_tweet_the_article_quotes_is_kept():
    story = "South Dakota launched an anti-drug campaign with a slogan, officials said. " * 3
    tweet = "Yes this is real and the state spent half a million dollars on it"
    html = (
        "<html><head><title>Meth. We're on it.</title></head><body><div class='story'>"
        f"<p>{story}</p><blockquote class='twitter-tweet'><p>{tweet}</p>"
        "— Dianna (@diannaeanderson) November 18, 2019</blockquote>"
        f"<p>{story}</p><p>{story}</p></div></body></html>"
    )
    assert tweet in body_of(html)


def test_an_english_byline_and_worded_dateline_are_trimmed(monkeypatch):
    story = "New vehicle sales in the Houston area plunged last month, dealers said. " * 3
    html = (
        "<html><head><title>Car sales plunge</title></head><body><div class='story'>"
        "<p>By Paul Takahashi</p><p>Updated 4:00 am, Wednesday, November 20, 2019</p>"
        f"<p>{story}</p><p>{story}</p><p>{story}</p></div></body></html>"
    )
    assert readability_alone(html, monkeypatch).startswith("By Paul Takahashi")
    assert body_of(html).startswith("New vehicle sales")


@pytest.mark.parametrize(
    "dateline", ["发表时间： 06/02/2022 - 13:48", "Posted 11/19/2019 08:30", "2022年2月6日 13:48"]
)
def test_a_dateline_opening_the_text_is_trimmed_in_each_date_form(dateline):
    html = (
        "<html><head><title>马里总理</title></head><body><div class='text'>"
        f"<p>{dateline}</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></div></body></html>"
    )
    assert body_of(html) == f"{PARAGRAPH} {PARAGRAPH}"


def teaser_page(extra: str) -> str:
    prose = "<p>The council met on Tuesday and voted to rebuild the harbour wall this year.</p>"
    return (
        "<html><head><title>Harbour wall</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Harbour wall</h1>{prose * 3}{extra}{prose * 3}</article></body></html>"
    )


def test_teaser_links_inside_a_text_are_dropped():
    """ "Read more: <a>…</a>" and a "Lesen Sie auch:" label over a list of links, set in the
    middle of a text, are links to other stories, whatever the language."""
    text = html_text(
        body_of(
            teaser_page(
                "<p>Read more: <a href='/other'>Storm closes the old pier</a></p>"
                "<p>Lesen Sie auch:</p><ul><li><a href='/a'>Neue Fähre</a></li>"
                "<li><a href='/b'>Hafenfest</a></li></ul>"
                "<p>延伸阅读：<a href='/c'>港口扩建工程启动</a></p>"
            )
        )
    )
    assert "harbour wall this year" in text
    for teaser in ("Storm closes", "Lesen Sie auch", "Neue Fähre", "Hafenfest", "港口扩建"):
        assert teaser not in text


def test_a_paragraph_opening_with_a_teaser_word_but_not_a_link_stays():
    prose = (
        "<p>Related research by the port authority shows that the wall has lost a third of its "
        "height since 1950.</p><p>See also the <a href='/map'>map</a> of the works, which the "
        "council published with a long report on the costs and the timetable of the works.</p>"
    )
    text = html_text(body_of(teaser_page(prose)))
    assert "Related research by the port authority" in text
    assert "which the council published" in text


PAGE_URL = "https://www.harbourtimes.example/news/2024/harbour-wall.html"


@pytest.mark.parametrize(
    ("teaser", "words"),
    [
        # A headline linked alone, between two paragraphs.
        (
            "<p><a href='/news/2024/storm-closes-the-old-pier.html'>Storm closes the old pier"
            "</a></p>",
            "Storm closes the old pier",
        ),
        # A kicker and a linked headline, in italics (Polish).
        (
            "<p><em>Były dowódca wojsk USA w Europie: <a href='/swiat/1926578,1,rosja.read'>"
            "Rosja jest groźna</a></em></p>",
            "Rosja jest groźna",
        ),
        # A writer's name as the kicker, the site's address written out in full.
        (
            "<p>Annie Lowrey: <a href='https://harbourtimes.example/ideas/2019/10/"
            "california-unlivable/601135/'>California is becoming unlivable</a></p>",
            "California is becoming unlivable",
        ),
        # A section's name as the kicker (German), a headline of three words.
        (
            "<p>Hafen | <a href='/hafen/neue-faehre-ab-mai-123.html'>Fähre fährt wieder</a></p>",
            "Fähre fährt wieder",
        ),
        # A paragraph closing on a call to read another story (German).
        (
            "<p><i>Nicht aus den Siebzigern, sondern aus den Sechzigern ist das folgende "
            "Projekt. Mehr zu dem spannenden Umbau lesen Sie hier: </i><a href='/holborn-"
            "community-center/'>Holborn Community Center von 6a architects</a></p>",
            "Nicht aus den Siebzigern",
        ),
    ],
)
def test_a_link_to_another_story_of_the_site_is_dropped_without_a_label(teaser, words):
    """A block ending with a linked headline of the site's own, with nothing or a kicker
    before it, is a teaser whatever its language: the site's links are relative or on its
    host (with or without "www.")."""
    text = html_text(readability_body(Selector(text=teaser_page(teaser)), PAGE_URL))
    assert "harbour wall this year" in text
    assert words not in text


def test_links_that_are_the_texts_own_stay():
    """Look-alikes of a teaser line: a link to another site (a source, a shop), a file, a
    mail address, an address written out, a word of a glossary, a link inside a sentence or
    closing one that no kicker opens, links of a list, and CJK link text."""
    lines = [
        "<p>Source: <a href='https://www.reuters.com/world/harbour-report'>Reuters report on "
        "the harbour</a></p>",
        "<p><a href='https://shop.harbourtimes.example/p/tide-table'>Tide table for the whole "
        "year</a></p>",
        "<p>The engineers' survey: <a href='/files/harbour-wall-survey.pdf'>Harbour wall "
        "survey of 2024</a></p>",
        "<p>Write to <a href='mailto:desk@harbourtimes.example'>the harbour desk by mail</a></p>",
        "<p><a href='/reports/2024/wall'>www.harbourtimes.example/reports/2024/wall</a></p>",
        "<p><a href='/glossary/granite'>Granite</a></p>",
        "<p>The council's <a href='/reports/wall-plan'>plan for the harbour wall</a> came out "
        "on Monday.</p>",
        "<p>Read the council's statement on <a href='/council/statement-wall'>the plans for "
        "the wall</a>.</p>",
        "<ul><li><a href='/works/first-step'>First step of the works</a></li>"
        "<li><a href='/works/second-step'>Second step of the works</a></li></ul>",
        "<p><a href='/news/2024/pier.html'>暴风雨关闭了老码头</a></p>",
    ]
    prose = "<p>The council met on Tuesday and voted to rebuild the harbour wall this year.</p>"
    article = lxml.html.fragment_fromstring(f"<article>{prose}{''.join(lines)}{prose}</article>")
    drop_teasers(article, PAGE_URL)
    text = html_text(lxml.html.tostring(article, encoding="unicode"))
    for kept in (
        "Reuters report",
        "Tide table",
        "Harbour wall survey of 2024",
        "harbour desk by mail",
        "www.harbourtimes.example/reports",
        "Granite",
        "came out on Monday",
        "the plans for the wall",
        "First step of the works",
        "暴风雨关闭了老码头",
    ):
        assert kept in text


def test_headline_lines_above_a_byline_are_trimmed():
    """A newspaper's headline block: a kicker, the headline and a second headline, then the
    bylines and the paper's date."""
    head = (
        "<p>拆迁工地屡出险情 管理形同虚设</p><p>谁来为无序施工“埋单”？</p>"
        "<p>本报实习生 林晓舟</p><p>本报记者 王建宏 张文攀</p><p>2003-7-24 滨江晚报</p>"
    )
    html = (
        "<html><head><title>滨江博客</title></head><body><h1>滨江博客</h1>"
        f"<div class='entry'>{head}<p>编者按</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></div>"
        "</body></html>"
    )
    assert body_of(html) == f"编者按 {PARAGRAPH} {PARAGRAPH}"


def test_short_opening_lines_without_a_byline_stay():
    """Short lines that open a text with no byline or dateline after them are the text's."""
    html = (
        "<html><head><title>绿色制造名单</title></head><body><div class='text'>"
        f"<p>15家企业</p><p>17种产品入选名单</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>"
        "</div></body></html>"
    )
    assert body_of(html).startswith("15家企业 17种产品入选名单")


def test_editor_source_and_keyword_lines_closing_a_text_are_trimmed():
    tails = (
        "<p>（ 责任编辑：王小明 ）</p>",
        "<p>本文来源：新华社 责任编辑：李晓_NN2587</p>",
        "<p>来源：滨江新闻网</p>",
        "<p>关键词 &gt;&gt; 新型冠状病毒,味觉丧失</p>",
        "<div class='tags'>标签：<a>厕所革命</a> <a>乡村振兴</a></div>",
    )
    for tail in tails:
        html = (
            "<html><head><title>绿色制造名单</title></head><body><div class='text'>"
            f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>{tail}</div></body></html>"
        )
        assert body_of(html) == f"{PARAGRAPH} {PARAGRAPH}", tail


def test_a_source_line_beside_the_editor_line_is_trimmed_too():
    """The block that held the closing editor's line is judged as a line of its own."""
    html = (
        "<html><head><title>绿色制造名单</title></head><body><div class='text'>"
        f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p><div class='info'>"
        "<span><a href='/'><img src='/i.png'></a> 本文来源：新华社 </span>"
        "<p>责任编辑：李晓_NN2587</p></div></div></body></html>"
    )
    assert body_of(html) == f"{PARAGRAPH} {PARAGRAPH}"


def test_editor_and_source_lines_closing_br_separated_text_are_trimmed():
    html = (
        "<html><head><title>绿色制造名单</title></head><body><table><tr><td class='f14'>"
        f"{PARAGRAPH}<br><br>{PARAGRAPH}<br><br>（责任编辑：王小明）<br> 来源：滨江日报 <br>"
        "</td></tr></table></body></html>"
    )
    assert body_of(html) == f"{PARAGRAPH} {PARAGRAPH}"


ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]


def sectioned_page(sections: int) -> str:
    """A guide in sections under headings, closed by a comment form and a headed list of
    other guides inside the same text block."""
    body = "".join(
        f"<h2>The {word} reading</h2><p>On the {word} morning the keeper read the gauge on the "
        f"harbour wall at low water, wrote the {word} figure in the ledger, and compared it with "
        f"the mark cut into the stone in {1890 + at}. The {word} ledger of the series is kept "
        "in the town archive, in a cold room under the hall.</p>"
        for at, word in enumerate(ORDINALS[:sections])
    )
    return (
        "<html><head><title>How to read a tide gauge</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/guides'>Guides</a></nav>"
        f"<div class='content'><h1>How to read a tide gauge</h1>{body}"
        "<h3>Leave a comment</h3><p>Your email address will not be published. Required fields "
        "are marked with a star and checked.</p><h3>You might also like</h3><ul>"
        "<li><a href='/a'>Reading a barometer</a></li><li><a href='/b'>Cleaning brass</a></li>"
        "</ul></div><footer>Copyright 2024 Harbour Guides</footer></body></html>"
    )


def test_a_body_of_many_sections_is_trafilaturas():
    """Readability keeps the headed boxes that close a page in many sections; trafilatura's
    body of it leaves the list of other guides out and keeps every section."""
    html, extractor = main_body(Selector(text=sectioned_page(8)))
    text = html_text(html)
    assert extractor == "trafilatura"
    assert all(f"The {word} ledger" in text for word in ORDINALS)
    assert "You might also like" not in text


def test_a_body_of_few_sections_stays_readabilitys():
    html, extractor = main_body(Selector(text=sectioned_page(3)))
    assert extractor == "readability"
    assert "The third ledger" in html_text(html)


STORY = (
    "Work on the wall starts in March, the council said on Tuesday, after a survey found that "
    "the stones of its eastern end had sunk by a hand's width since the last repairs in 1972.",
    "The works will close the promenade for six months. Fishing boats will moor at the new "
    "pontoon on the river while the cranes stand on the quay, and the ferry will sail from the "
    "north jetty.",
    "Engineers will first drill the old wall to find how deep its footings go, then cast a "
    "concrete cap on it and face the cap with the granite blocks taken off the top course.",
    "The cost, put at four million pounds, is shared by the council and the national flood "
    "agency, which named the town last year among the twenty most exposed to rising seas.",
    "Residents who spoke at the meeting asked that the steps down to the beach be kept. The "
    "engineers said the steps would be rebuilt in the same place, two metres higher than today.",
)


RECIPE_INTRO = (
    "Oats are rich in fibre and keep you full until lunch, which makes this porridge a good "
    "start to a cold morning; the apples make it sweet without any sugar.",
    "You can cook it with milk, with an oat drink or simply with water, and swap the apples for "
    "pears, berries or a banana, whatever the season brings.",
    "The recipe comes from a farm kitchen in the hills, where porridge was eaten every morning "
    "of the year, and it has not changed much since, apart from the oat drink.",
    "It takes ten minutes from start to finish, and the porridge keeps for a day in the fridge, "
    "so you can make a double batch and warm the rest up the next morning.",
)
INGREDIENTS = (
    "300 ml oat drink or water",
    "80 g rolled oats",
    "a pinch of salt",
    "a pinch of cinnamon",
    "3 tablespoons of crushed linseed",
    "2 tablespoons of chopped hazelnuts",
    "2 small apples",
)
STEPS = (
    "Bring the oat drink to the boil in a small pan with the salt and the cinnamon, then stir "
    "in the rolled oats and turn the heat down low.",
    "Let the oats simmer for five minutes, stirring now and then so that they do not stick to "
    "the bottom of the pan, until the porridge is thick and creamy.",
    "Meanwhile toast the hazelnuts in a dry frying pan until they smell nutty, then tip them "
    "onto a plate so that they do not burn in the hot pan.",
    "Wash the apples, cut them into quarters, remove the cores and grate them coarsely, then "
    "stir half of the grated apple and the linseed into the porridge.",
    "Share the porridge between two bowls and top it with the rest of the apple and the "
    "toasted hazelnuts. Serve it at once, while it is still warm.",
)


def recipe_page(intro: tuple[str, ...], steps: tuple[str, ...]) -> str:
    """A recipe in one <article>: its introduction in a box of paragraphs, its ingredients and
    steps in boxes of lists beside it, which readability leaves out."""

    def row(inner: str) -> str:
        return f"<div class='row'><div class='col'>{inner}</div></div>"

    paragraphs = "".join(f"<p>{p}</p>" for p in intro)
    ingredients = "".join(f"<li>{i}</li>" for i in INGREDIENTS)
    method = "".join(f"<li>{s}</li>" for s in steps)
    return (
        "<html><head><title>Apple porridge</title></head><body>"
        "<nav><a href='/'>Recipes</a></nav><article><h1>Apple porridge</h1>"
        + row(f"<div class='text'>{paragraphs}</div>")
        + row(f"<h2>Ingredients</h2><ul>{ingredients}</ul>")
        + row(f"<h2>Method</h2><ol>{method}</ol>")
        + "</article><footer>Kitchen Notes</footer></body></html>"
    )


def test_a_body_readability_takes_a_part_of_is_trafilaturas_whole():
    """Readability keeps the introduction alone; trafilatura's body holds it and the steps,
    over twice its text."""
    selector = Selector(text=recipe_page(RECIPE_INTRO, STEPS))
    assert STEPS[0] not in html_text(readability_body(selector))
    html, extractor = main_body(selector)
    text = html_text(html)
    assert extractor == "trafilatura"
    assert all(part in text for part in RECIPE_INTRO + STEPS + INGREDIENTS)


def test_a_larger_body_not_twice_readabilitys_stays_readabilitys():
    selector = Selector(text=recipe_page(RECIPE_INTRO, STEPS[:1]))
    assert main_body(selector)[1] == "readability"


def test_a_chinese_body_readability_takes_a_part_of_stays_readabilitys():
    """trafilatura's bodies of Chinese pages measured worse than readability's (cwced)."""
    intro = tuple(f"{PARAGRAPH}第{n}段。" for n in range(4))
    steps = tuple(f"第{n}步：{PARAGRAPH}" for n in range(5))
    selector = Selector(text=recipe_page(intro, steps))
    assert main_body(selector)[1] == "readability"


def test_a_latin_body_in_a_chinese_page_stays_readabilitys():
    """A short Latin text inside a Chinese page: whether the page is mostly CJK is judged on
    trafilatura's body too, whose channel links, dateline and share bar are Chinese."""
    intro = (
        "Safe text, and the rest of it, as the harbour saw it on the night.",
        "The last paragraph, with the boats back in and the wall holding.",
    )
    steps = tuple(f"第{n}步：加水，小火煮十分钟，再放苹果和糖，盖上锅盖。" for n in range(8))
    selector = Selector(text=recipe_page(intro, steps))
    assert main_body(selector)[1] == "readability"


def edged_page(before: str, after: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        "<html><head><title>Harbour wall</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article>{before}{paragraphs}{after}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("before", "after", "furniture"),
    [
        ("<p><a href='/news'>Zurück zum Newsroom</a></p>", "", "Zurück zum Newsroom"),
        ("", "<p><a href='/'>Back to the news</a></p>", "Back to the news"),
        ("", "<p>Retour aux actualités</p>", "Retour aux actualités"),
        (
            "",
            "<h3>Temas relacionados</h3><ul><li><a href='/a'>Muelle</a></li>"
            "<li><a href='/b'>Puerto</a></li></ul>",
            "Temas relacionados",
        ),
        (
            "",
            "<h3>Weitere Artikel</h3><ul><li><a href='/a'>Neue Fähre</a></li>"
            "<li><a href='/b'>Hafenfest</a></li></ul>",
            "Hafenfest",
        ),
    ],
)
def test_back_links_and_related_headings_in_other_languages_are_trimmed(before, after, furniture):
    text = body_of(edged_page(before, after))
    assert STORY[0] in text and STORY[-1] in text
    assert furniture not in text


@pytest.mark.parametrize(
    "follow",
    [
        "Follow us on <a href='https://twitter.com/h'>Twitter</a> and Facebook for more.",
        "Síguenos en Telegram, Instagram, Facebook y Twitter",
        "Folgen Sie uns auf <a href='https://instagram.com/h'>Instagram</a>!",
        "You can keep up with me on Twitter",
    ],
)
def test_a_closing_call_to_follow_on_a_social_network_is_trimmed(follow):
    """A short closing line naming a social network, in any language: the networks' names
    are the same in all of them."""
    text = body_of(edged_page("", f"<p>{follow}</p><p>Share on WhatsApp</p>"))
    assert STORY[0] in text and STORY[-1] in text
    assert "Twitter" not in text and "Instagram" not in text and "WhatsApp" not in text


def test_a_network_named_inside_the_text_or_in_a_long_closing_paragraph_stays():
    inside = "<p>The council posted the plans on Facebook on Monday.</p>"
    closing = (
        "<p>The council first announced the works on Twitter, in a thread that drew hundreds of "
        "replies from people who live along the promenade and who fear that six months of "
        "cranes and lorries will keep the summer visitors away from their cafés and shops.</p>"
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    html = (
        "<html><head><title>Harbour wall</title></head><body>"
        f"<article>{inside}{paragraphs}{closing}</article></body></html>"
    )
    text = body_of(html)
    assert "posted the plans on Facebook" in text
    assert text.endswith("away from their cafés and shops.")


def test_a_photo_credit_written_as_a_line_of_the_text_goes():
    """A line holding a copyright sign inside the text is a photo's credit; one closing the
    text is the site's or a news agency's line and stays (tested above)."""
    paragraphs = [f"<p>{p}</p>" for p in STORY]
    credit = "<p>The eastern end of the wall in 1972. © Harbour Museum / J. Smith</p>"
    html = (
        "<html><head><title>Harbour wall</title></head><body><article>"
        f"{paragraphs[0]}<p><img src='/w.jpg'></p>{credit}{''.join(paragraphs[1:])}"
        "<p>© 2024 Harbour Times</p></article></body></html>"
    )
    text = body_of(html)
    assert STORY[0] in text and STORY[-1] in text
    assert "Harbour Museum" not in text and "eastern end of the wall in 1972" not in text
    assert text.endswith("© 2024 Harbour Times")


def test_a_paragraph_opening_with_back_to_is_text():
    story = "<p>Back to the harbour went the boats, one by one, after the storm had passed.</p>"
    assert "Back to the harbour went the boats" in body_of(edged_page("", story))


LEAD = (
    "The sea wall of the old harbour is to be raised by two metres over the next three years, "
    "the council decided on Tuesday night after a long and heated debate."
)


def standfirst_page(description: str, lead: str = LEAD) -> str:
    """A story whose standfirst is printed under the headline, apart from the block of
    paragraphs, and repeated in the page's meta description."""
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        "<html><head><title>Sea wall to be raised | Harbour News</title>"
        f"<meta name='description' content='{description}'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/local'>Local</a></nav>"
        "<div class='top'><header class='story-head'><h1>Sea wall to be raised</h1>"
        f"<div class='dek'>{lead}</div><span class='byline'>By Ann Reed</span></header></div>"
        f"<div class='main'><div class='story-body'>{paragraphs}</div></div>"
        "<footer>Copyright 2024 Harbour News</footer></body></html>"
    )


def test_a_standfirst_printed_apart_from_the_text_opens_the_body():
    """Readability keeps the block of paragraphs alone; the lead the page's description
    repeats opens the body."""
    selector = Selector(text=standfirst_page(LEAD))
    assert "raised by two metres" not in html_text(readability_body(selector))
    text = html_text(main_body(selector)[0])
    assert text.startswith(LEAD)
    assert all(paragraph in text for paragraph in STORY)
    assert "Ann Reed" not in text


def test_a_description_cut_short_finds_the_whole_standfirst():
    selector = Selector(text=standfirst_page(LEAD[:90] + "…"))
    assert html_text(main_body(selector)[0]).startswith(LEAD)


def test_a_description_the_body_holds_or_the_page_does_not_print_adds_nothing():
    in_body = Selector(text=standfirst_page(STORY[0], lead="")).root
    not_printed = Selector(text=standfirst_page(LEAD, lead="Photo: the harbour at dawn")).root
    for page in (in_body, not_printed):
        text = html_text(main_body(Selector(root=page))[0])
        assert text.startswith(STORY[0]) and text.count(STORY[0]) == 1
        assert "raised by two metres" not in text


def test_a_subheadline_repeating_the_description_stays_out():
    """A description printed as a heading under the headline is a dek, which news bodies
    leave out, not a standfirst."""
    page = standfirst_page(LEAD).replace(f"<div class='dek'>{LEAD}</div>", f"<h2>{LEAD}</h2>")
    text = html_text(main_body(Selector(text=page))[0])
    assert text.startswith(STORY[0])
    assert "raised by two metres" not in text


VISIBLE_STORY = (
    "The ferry to the outer islands will run twice a day from May, the harbour board said, "
    "after a winter in which storms cancelled one crossing in three."
)
HIDDEN_STORY = (
    "A second version of another story, kept in the page for a layout the reader never sees, "
    "with more paragraphs and longer ones than the story shown, and commas, many commas, too."
)


@pytest.mark.parametrize(
    "hiding",
    ["style='display: none'", "style='visibility:hidden'", "hidden", "aria-hidden='true'"],
)
def test_text_a_reader_is_not_shown_is_not_the_body(hiding):
    """A block the page hides (display: none, visibility: hidden, the hidden attribute,
    aria-hidden) is not read: readability would choose it for its longer paragraphs."""
    hidden = "".join(f"<p>{HIDDEN_STORY} {HIDDEN_STORY}</p>" for _ in range(6))
    html = (
        "<html><head><title>Ferry timetable</title></head><body>"
        f"<div class='mobile-story' {hiding}>{hidden}</div>"
        f"<div class='story'><p>{VISIBLE_STORY}</p><p>{VISIBLE_STORY}</p>"
        f"<p>{VISIBLE_STORY}</p></div></body></html>"
    )
    text = body_of(html)
    assert VISIBLE_STORY in text
    assert "second version" not in text


@pytest.mark.parametrize("hiding", ["hidden", "style='visibility: hidden'", "aria-hidden='true'"])
def test_text_hidden_inside_the_article_is_not_in_trafilaturas_body(hiding):
    sections = "".join(
        f"<h2>Part {word}</h2><p>{VISIBLE_STORY} {VISIBLE_STORY}</p>" for word in ORDINALS
    )
    html = (
        "<html><head><title>Ferry timetable</title></head><body><article>"
        f"{sections}<div {hiding}><p>{HIDDEN_STORY}</p></div></article>"
        "</body></html>"
    )
    text = html_text(body_module.trafilatura_body(Selector(text=html).root, "Ferry timetable"))
    assert "Part third" in text
    assert "second version" not in text


def test_a_page_without_text_has_no_body_and_no_library_warning(caplog):
    """trafilatura is not run on a page with no text at all: it would log "discarding data:
    None" for each such page of a crawl."""
    for html in ("<html><body></body></html>", "<html><body><p> </p><img src='/a.jpg'></body>"):
        with caplog.at_level(logging.DEBUG):
            assert main_body(Selector(text=html)) == (None, "readability")
        assert not [r for r in caplog.records if r.name.startswith("trafilatura")]
