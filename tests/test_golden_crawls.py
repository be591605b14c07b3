"""Every exported byte of the fixture sites' crawls, compared with goldens written before the
crawl was made faster: feeds and posts, crawl times and the test server's port aside.

A change that means to change the output rewrites the goldens with
``GOLDEN_UPDATE=1 python -m pytest tests/test_golden_crawls.py``; review their diff.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys

import pytest

from conftest import FIXTURES, READERS, ROOT, SITES, crawl, read_by, read_jsonl
from sites import news

sys.path.insert(0, str(ROOT / "bench"))
import newssite

GOLDEN = FIXTURES / "golden"
SITE = "http://site.test"
# Pages whose date does not move with the clock.
FIXED_PAGES = [p for p in news.PAGES if p.expect_date is None or p.expect_date[0].isdigit()]
# The news seed without its [article] table: generic extraction (metadata, readability,
# heuristics) reads every field.
NO_ARTICLE_RULES = re.compile(r"\n\[article\].*", re.S)
# Fields that say when the crawl ran.
CRAWL_TIMES = ("crawled_at",)


def sha12(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def image_name(url: str) -> str:
    """Scrapy's name of an image's file: the SHA-1 of its URL."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


def normalized(output, source: str, base_url: str) -> dict:
    """The crawl's feed lines (sorted by URL, crawl times out) and posts, with the server's
    address, and the names made of it (posts' and images' file names), written as SITE's."""
    lines = []
    for path in sorted((output / "feeds" / source).glob("*.jsonl")):
        lines += read_jsonl(path)
    names = {}
    for line in lines:
        url = line["url"]
        names[sha12(url)] = sha12(url.replace(base_url, SITE))
        for image in line.get("images") or []:
            names[image_name(image["url"])] = image_name(image["url"].replace(base_url, SITE))

    def rewrite(text: str) -> str:
        text = text.replace(base_url, SITE)
        return re.sub(r"[0-9a-f]{40}|[0-9a-f]{12}", lambda m: names.get(m[0], m[0]), text)

    feed = []
    for line in sorted(lines, key=lambda line: line["url"]):
        for name in CRAWL_TIMES:
            line.pop(name, None)
        feed.append(json.loads(rewrite(json.dumps(line, ensure_ascii=False, sort_keys=True))))
    posts = {
        rewrite(path.name): rewrite(path.read_text("utf-8"))
        for path in sorted((output / "posts").glob("*.md"))
    }
    return {"feed": feed, "posts": posts}


def digests(got: dict) -> dict:
    """Each feed line and post as the SHA-256 of its text: the golden of a large site."""

    def sha256(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    return {
        "feed": [
            {"url": line["url"], "sha256": sha256(json.dumps(line, ensure_ascii=False))}
            for line in got["feed"]
        ],
        "posts": {name: sha256(text) for name, text in got["posts"].items()},
    }


def compare(case: str, got: dict) -> None:
    path = GOLDEN / f"{case}.json"
    if os.environ.get("GOLDEN_UPDATE"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", "utf-8")
    golden = json.loads(path.read_text("utf-8"))
    assert sorted(got["posts"]) == sorted(golden["posts"])
    for name, text in golden["posts"].items():
        assert got["posts"][name] == text, name
    assert [line["url"] for line in got["feed"]] == [line["url"] for line in golden["feed"]]
    for line, expected in zip(got["feed"], golden["feed"], strict=True):
        assert line == expected, line["url"]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("rules", ["seed", "generic"])
def test_news_site_exports_the_golden(tmp_path, serve, rules, reader):
    root = tmp_path / "site"
    server = serve(root)
    news.build(root, server.base_url, FIXED_PAGES)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = news.seed(server.base_url)
    if rules == "generic":
        seed = NO_ARTICLE_RULES.sub("\n", seed)
    (seeds / "news.toml").write_text(seed, "utf-8")
    result = crawl("news", seeds, tmp_path / "output", *READERS[reader])
    assert result.returncode == 0, result.stderr[-3000:]
    got = normalized(result.output, "news", server.base_url)
    read_by(result, reader, len(got["feed"]))
    compare(f"news-{rules}", got)


def test_guancha_site_exports_the_golden(tmp_path, serve):
    server = serve(SITES / "guancha")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = (ROOT / "seeds" / "guancha.toml").read_text("utf-8")
    seed = seed.replace("https://www.guancha.cn/", f"{server.base_url}/")
    seed = seed.replace('allowed_domains = ["guancha.cn"]', 'allowed_domains = ["127.0.0.1"]')
    (seeds / "guancha.toml").write_text(seed, "utf-8")
    result = crawl("guancha", seeds, tmp_path / "output")
    assert result.returncode == 0, result.stderr[-3000:]
    compare("guancha", normalized(result.output, "guancha", server.base_url))


# Articles of the benchmark's site: a GBK page (12), an image shared by two articles (s4).
BENCH_ARTICLES = 25


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("rules", [True, False], ids=["seed", "generic"])
def test_bench_site_exports_the_golden(tmp_path, serve, rules, reader):
    """The benchmark's site (bench/newssite.py): large pages with furniture, images shared
    and not; its golden holds the SHA-256 of each line and post."""
    root = tmp_path / "site"
    newssite.build(root, BENCH_ARTICLES)
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "bench.toml").write_text(newssite.seed(server.base_url, BENCH_ARTICLES, rules))
    result = crawl("bench", seeds, tmp_path / "output", *READERS[reader])
    assert result.returncode == 0, result.stderr[-3000:]
    got = normalized(result.output, "bench", server.base_url)
    assert len(got["feed"]) == len(got["posts"]) == BENCH_ARTICLES
    read_by(result, reader, BENCH_ARTICLES)
    compare(f"bench-{'seed' if rules else 'generic'}", digests(got))
