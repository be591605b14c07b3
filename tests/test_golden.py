"""The seed post, reproduced: guancha's seed crawls a guancha-shaped fixture site."""

from __future__ import annotations

import hashlib

import lxml.html
import pytest

from conftest import FIXTURES, ROOT, SITES, crawl, split_post

GUANCHA_IMAGES = "https://i.guancha.cn"
ARTICLE_PATH = "/politics/2022_04_09_634001.shtml"


def paragraphs_and_images(body: str, image_host: str = "") -> tuple[list[str], list[str]]:
    """Each paragraph's folded text, and each image's src with the image host mapped."""
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    paragraphs = [" ".join(p.text_content().split()) for p in root.iter("p")]
    images = [img.get("src").replace(GUANCHA_IMAGES, image_host) for img in root.iter("img")]
    return [p for p in paragraphs if p], images


@pytest.fixture(scope="module")
def guancha(tmp_path_factory):
    from crawler.demo.server import SiteServer

    server = SiteServer(SITES / "guancha").start()
    seeds = tmp_path_factory.mktemp("seeds")
    seed = (ROOT / "seeds" / "guancha.toml").read_text("utf-8")
    seed = seed.replace("https://www.guancha.cn/", f"{server.base_url}/")
    seed = seed.replace('allowed_domains = ["guancha.cn"]', 'allowed_domains = ["127.0.0.1"]')
    (seeds / "guancha.toml").write_text(seed, "utf-8")
    try:
        # Remote images, as in the seed post; test_images covers the local copies.
        output = tmp_path_factory.mktemp("output")
        result = crawl("guancha", seeds, output, "-s", "IMAGES_REWRITE=False")
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    return result, server


def test_post_equals_seed_post(guancha):
    result, server = guancha
    golden_front, golden_body = split_post((FIXTURES / "seed-post.md").read_text("utf-8"))
    url = server.base_url + ARTICLE_PATH
    name = f"2022-04-09-guancha-{hashlib.sha1(url.encode()).hexdigest()[:12]}.md"
    text = result.posts()[name]
    assert text.startswith("---\n")
    front, body = split_post(text)

    # The seed post's keys in its order, then the article's own URL (it has no update date).
    assert list(front) == [*golden_front, "source_url"]
    assert front["source_url"] == url
    for key in ("title", "categories", "author", "comments", "date"):
        assert front[key] == golden_front[key], key
    for key in ("headimg", "thumbnail"):
        assert front[key] == golden_front[key].replace(GUANCHA_IMAGES, server.base_url), key

    assert body.count("<div>") == 1
    assert paragraphs_and_images(body) == paragraphs_and_images(golden_body, server.base_url)
    assert body.count('referrerpolicy="no-referrer"') == 2


def test_other_channel_and_columns(guancha):
    result, server = guancha
    lines = {line["title"]: line for line in result.feed_lines("guancha")}
    assert len(lines) == 4
    assert lines["多地出台措施稳定外贸"]["author"] == "王小明"
    assert lines["多地出台措施稳定外贸"]["categories"] == ["新媒体", "观察者网", "首页"]
    headline = lines["城市公交开通夜间线路"]
    assert headline["categories"] == ["新媒体", "观察者网", "头条"]
    assert headline["date"] == "2022-04-07T09:00:00+08:00"
    assert headline["listing_date"] == "2022-04-07T09:00:00+08:00"
    assert "/GuanChaZheTouTiao/list_2.shtml" in server.paths()
    report = result.report("guancha")
    assert report["offsite_filtered"] == 1
    assert report["images"] == {"kept": 2, "removed": 0, "failed": {}}
