"""Real Hexo reads our posts back: hostile titles, authors, categories and bodies, and the seed
post's article, each generated into a page whose fields equal the article's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
from hostile import HOSTILE_BODIES, HOSTILE_TEXTS

from conftest import (
    FIXTURES,
    ROOT,
    SITES,
    crawl,
    export_run,
    make_article,
    make_source,
    require,
    split_post,
)
from crawler.exporters.hexo import neutralize_raw_tags

HEXO_SITE = Path(__file__).parent / "hexo"
UPDATED = datetime(2022, 4, 10, 1, 2, 3, tzinfo=UTC)
HEXO = HEXO_SITE / "node_modules" / ".bin" / "hexo"


def hexo_generate(posts: list[Path], workdir: Path) -> tuple[dict[str, dict], str]:
    """Generate a copy of the test site holding ``posts``; each post page's fields by file."""
    require(HEXO.exists(), "Hexo is not installed: run `npm ci` in tests/hexo")
    require(shutil.which("node") is not None, "Node.js is not installed")
    site = workdir / "hexo"
    site.mkdir()
    for name in ("_config.yml", "package.json"):
        shutil.copy(HEXO_SITE / name, site / name)
    shutil.copytree(HEXO_SITE / "themes", site / "themes")
    (site / "node_modules").symlink_to(HEXO_SITE / "node_modules")
    (site / "source" / "_posts").mkdir(parents=True)
    for post in posts:
        shutil.copy(post, site / "source" / "_posts" / post.name)
    proc = subprocess.run(
        [str(HEXO), "generate"],
        cwd=site,
        env={**os.environ, "TZ": "UTC"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    pages = {}
    for page in (site / "public" / "posts").glob("*/index.html"):
        fields = json.loads(page.read_text("utf-8"))
        pages[Path(fields["source"]).name] = fields
    return pages, log


def category_chain(categories: list[dict]) -> list[str]:
    """Hexo's categories of a post, root first, from their parent links."""
    chain, parent = [], None
    while True:
        child = [c["name"] for c in categories if c["parent"] == parent]
        if not child:
            return chain
        chain.append(child[0])
        parent = child[0]


def folded(html: str) -> str:
    return " ".join(html.split())


def text_of(html: str) -> str:
    return folded(lxml.html.fragment_fromstring(html, create_parent="div").text_content())


def test_hostile_posts_and_seed_post_read_back_by_hexo(tmp_path, serve):
    source = make_source()
    n = len(HOSTILE_TEXTS)
    articles = [
        make_article(
            i,
            source,
            title=title,
            author=HOSTILE_TEXTS[(i + 7) % n],
            categories=[HOSTILE_TEXTS[(i + 3) % n], "站点", HOSTILE_TEXTS[(i + 11) % n]],
            body_html=HOSTILE_BODIES[i % len(HOSTILE_BODIES)],
            updated=UPDATED + timedelta(minutes=i) if i % 2 else None,
        )
        for i, title in enumerate(HOSTILE_TEXTS)
    ]
    assert len(articles) >= 40
    output = tmp_path / "output"
    export_run(output, source, articles, EXPORTERS={"crawler.exporters.hexo.HexoExporter": {}})
    posts = sorted((output / "posts").glob("*.md"))
    assert len(posts) == len(articles)

    # The seed post's article, crawled from the guancha-shaped fixture site.
    server = serve(SITES / "guancha")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = (ROOT / "seeds" / "guancha.toml").read_text("utf-8")
    seed = seed.replace("https://www.guancha.cn/", f"{server.base_url}/")
    (seeds / "guancha.toml").write_text(seed.replace('["guancha.cn"]', '["127.0.0.1"]'), "utf-8")
    guancha = crawl("guancha", seeds, tmp_path / "guancha", "-s", "IMAGES_REWRITE=False")
    assert guancha.returncode == 0, guancha.stderr[-3000:]
    seed_post = next(
        p
        for p in (tmp_path / "guancha" / "posts").glob("2022-04-09-*.md")
        if "国家邮政局" in p.read_text("utf-8")
    )

    pages, log = hexo_generate([*posts, seed_post], tmp_path)
    assert "ERROR" not in log and "FATAL" not in log, log[-3000:]
    assert len(pages) == len(posts) + 1

    by_title = {page["title"]: page for page in pages.values()}
    for article in articles:
        name = article.title[:40]
        page = by_title[article.title]  # the title read back exactly
        assert page["author"] == article.author, name
        assert datetime.fromisoformat(page["date"]) == article.date.astimezone(UTC)
        if article.updated:  # else Hexo takes the file's time
            assert datetime.fromisoformat(page["updated"]) == article.updated, name
        assert page["source_url"] == article.url, name
        # Hexo makes each category a directory: longer names are cut.
        chain = [c[:60].strip() for c in article.categories]
        assert category_chain(page["categories"]) == chain, name
        assert page["comments"] is False
        expected = f"<div>\n{neutralize_raw_tags(article.body_html)}\n</div>"
        assert folded(page["content"]) == folded(expected), name
        assert text_of(page["content"]) == text_of(f"<div>{article.body_html}</div>"), name

    golden, golden_body = split_post((FIXTURES / "seed-post.md").read_text("utf-8"))
    page = pages[seed_post.name]
    assert page["title"] == golden["title"]
    assert page["author"] == golden["author"]
    assert category_chain(page["categories"]) == golden["categories"]
    assert page["date"] == "2022-04-09T09:56:37.000Z"
    assert text_of(page["content"]) == text_of(golden_body)
