"""Hexo front matter and body: any title reads back as itself, raw tags cannot escape; posts
keep their article's URL and update date, and two articles never share a file."""

from __future__ import annotations

import asyncio
import json
import random
import threading
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hostile import HOSTILE_TEXTS

from conftest import (
    crawl,
    export_batches,
    export_pipeline,
    make_article,
    make_source,
    next_second,
    one_channel_seed,
    split_post,
)
from crawler.exporters.hexo import (
    FrontMatterDumper,
    Quoted,
    front_matter,
    neutralize_raw_tags,
    quick_front_matter,
    quoted,
    rfc1123,
)

HOSTILE = [
    "It's",
    'say "hi"',
    "a: b",
    "a #b",
    "{{ x }}",
    "{% raw %}",
    "- leading dash",
    "yes",
    "null",
    "2022-04-09",
    "1e3",
    "0x1F",
    "@at",
    "% pct",
    "| pipe",
    "> gt",
    "? q",
    "[list]",
    "{map}",
    "* star",
    "& amp",
    "! bang",
    "---",
    "line\nbreak",
    "tab\there",
    "ctrl\x07bell",
    "emoji 🎉",
    "x" * 5000,
    "  padded  ",
    "",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_any_title_reads_back(title):
    text = front_matter({"title": Quoted(title), "comments": False})
    assert yaml.safe_load(text) == {"title": title, "comments": False}
    assert text.startswith('title: "')


def pyyaml_front_matter(fields):
    return yaml.dump(
        quoted(fields),
        Dumper=FrontMatterDumper,
        allow_unicode=True,
        sort_keys=False,
        width=float("inf"),
    )


def test_the_quick_front_matter_is_pyyaml_byte_for_byte():
    # Characters of every class PyYAML's double-quoted style treats apart: C0 and C1
    # controls, NEL, no-break space, LS and PS, surrogates, BOM, non-characters, astral.
    pool = [chr(i) for i in range(0x250)]
    pool += [chr(i) for i in (0x2028, 0x2029, 0x3000, 0xD800, 0xDFFF, 0xE000, 0xFEFF)]
    pool += [chr(i) for i in (0xFFFD, 0xFFFE, 0xFFFF, 0x1F389, 0x10FFFF, 0x4E2D, 0x6587)]
    rng = random.Random(12)
    texts = HOSTILE + HOSTILE_TEXTS
    texts += ["".join(rng.choice(pool) for _ in range(rng.randrange(80))) for _ in range(2000)]
    for text in texts:
        fields = {
            "title": text,
            "categories": ["基准", text],
            "headimg": "",
            "author": text,
            "comments": False,
            "date": "Sat, 09 Apr 2022 09:56:37 GMT",
            "thumbnail": text,
            "source_url": text,
            "updated": text,
        }
        flat = {**fields, "categories": [[text], ["a", text]], "comments": True}
        for shape in (fields, flat):
            assert quick_front_matter(shape) == pyyaml_front_matter(shape), repr(text)


def test_other_front_matter_shapes_are_left_to_pyyaml():
    for fields in (
        {"title": "t", "weight": 3},  # an extra key, an int
        {"title": "t", "categories": []},
        {"title": None},
        {"title": "t", "categories": [{"a": "b"}]},
    ):
        assert quick_front_matter(fields) is None
        assert front_matter(fields) == pyyaml_front_matter(fields)


def test_rfc1123_in_gmt():
    value = datetime(2022, 4, 9, 17, 56, 37, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert rfc1123(value) == "Sat, 09 Apr 2022 09:56:37 GMT"
    assert rfc1123(value.astimezone(UTC)) == "Sat, 09 Apr 2022 09:56:37 GMT"


def test_raw_tags_in_body_neutralized():
    body = "a {% endraw %} b {%- raw -%} c {%raw%}"
    out = neutralize_raw_tags(body)
    assert "{%" not in out and "%}" not in out
    assert out == "a {&#37; endraw &#37;} b {&#37;- raw -&#37;} c {&#37;raw&#37;}"


def write_story(root: Path, name: str, title: str, text: str, updated: str | None = None) -> None:
    """An article page dated by its JSON-LD (published, and modified when ``updated``)."""
    data = {"@type": "NewsArticle", "headline": title, "datePublished": "2022-04-09T08:00:00Z"}
    if updated:
        data["dateModified"] = updated
    (root / name).write_text(
        f"<html><head><title>{title}</title><script type='application/ld+json'>"
        f"{json.dumps(data)}</script></head><body><h1>{title}</h1>"
        f"<div class='story'><p>{text}</p></div></body></html>",
        "utf-8",
    )


def story_site(tmp_path: Path, serve, stories: dict[str, tuple[str, str, str | None]]):
    """A listing of ``{file: (title, text, updated)}`` served on 127.0.0.1, and its seed."""
    root = tmp_path / "site"
    root.mkdir(exist_ok=True)
    for name, story in stories.items():
        write_story(root, name, *story)
    links = "".join(f"<a class='s' href='/{name}'>{name}</a>" for name in stories)
    (root / "index.html").write_text(f"<html><body>{links}</body></html>", "utf-8")
    server = serve(root)
    seeds = one_channel_seed(
        tmp_path,
        "stories",
        f"{server.base_url}/index.html",
        '"a.s::attr(href)"',
        'title = "h1::text"\nbody = ".story"',
    )
    return root, server, seeds


def posts_by_url(result, key: str = "source_url") -> dict[str, tuple[str, dict, str]]:
    """{source URL: (file name, front matter, body)} of every post written."""
    found = {}
    for name, text in result.posts().items():
        front, body = split_post(text)
        assert front[key] not in found, f"two posts of {front[key]}"
        found[front[key]] = (name, front, body)
    return found


def test_posts_of_one_name_get_a_suffix_and_keep_their_files(tmp_path, serve):
    """filename = "{slug}" and two articles of one title: two files, a warning; an update
    rewrites its own file, a third article of that title gets a third name in a later run."""
    stories = {
        "one.html": ("Same title", "The first story's text.", None),
        "two.html": ("Same title", "The second story's text.", None),
    }
    root, server, seeds = story_site(tmp_path, serve, stories)
    options = {"filename": "{slug}", "rename": {"source_url": "original"}}
    exporters = json.dumps(
        {
            "crawler.exporters.jsonl.JsonLinesExporter": {},
            "crawler.exporters.hexo.HexoExporter": options,
        }
    )
    first = crawl("stories", seeds, tmp_path / "out", "-s", f"EXPORTERS={exporters}")
    assert first.returncode == 0, first.stderr[-3000:]
    posts = posts_by_url(first, "original")
    names = {url: name for url, (name, _, _) in posts.items()}
    assert sorted(names.values()) == ["Same-title-2.md", "Same-title.md"]
    assert set(names) == {f"{server.base_url}/one.html", f"{server.base_url}/two.html"}
    for url, (_, _, body) in posts.items():
        assert ("first" if url.endswith("one.html") else "second") in body
    warnings = [line for line in first.stderr.splitlines() if "WARNING" in line and "Post " in line]
    renamed = next(url for url, name in names.items() if name == "Same-title-2.md")
    assert len(warnings) == 1 and renamed in warnings[0] and "Same-title-2.md" in warnings[0]

    # The article written to Same-title-2.md is updated; a third of the same title appears.
    file = renamed.rsplit("/", 1)[1]
    write_story(root, file, "Same title", "The renamed story, corrected.", "2022-04-10T08:00:00Z")
    write_story(root, "three.html", "Same title", "The third story's text.")
    (root / "index.html").write_text(
        "".join(f"<a class='s' href='/{n}'>{n}</a>" for n in ("one.html", "two.html", "three.html"))
    )
    next_second()
    second = crawl(
        "stories", seeds, tmp_path / "out", "-s", f"EXPORTERS={exporters}", "-a", "refresh=1"
    )
    assert second.returncode == 0, second.stderr[-3000:]
    after = posts_by_url(second, "original")
    assert {url: name for url, (name, _, _) in after.items()} == {
        **names,
        f"{server.base_url}/three.html": "Same-title-3.md",
    }
    assert "corrected" in after[renamed][2]
    kept = next(url for url in names if url != renamed)
    assert after[kept] == posts[kept]
    statuses = {line["url"]: line["status"] for line in second.newest_feed_lines("stories")}
    assert statuses == {renamed: "updated", f"{server.base_url}/three.html": "new"}


def test_a_post_names_its_article_when_the_store_forgets(tmp_path, serve):
    """With a store that forgets (memory://), the second run finds whose each file is by its
    source_url: the same two files are rewritten, none added."""
    stories = {
        "one.html": ("Same title", "The first story's text.", None),
        "two.html": ("Same title", "The second story's text.", None),
    }
    _, _, seeds = story_site(tmp_path, serve, stories)
    exporters = json.dumps({"crawler.exporters.hexo.HexoExporter": {"filename": "{slug}"}})
    args = ("-s", f"EXPORTERS={exporters}", "-s", "DEDUPE_STORE=memory://")
    first = crawl("stories", seeds, tmp_path / "out", *args)
    assert first.returncode == 0, first.stderr[-3000:]
    second = crawl("stories", seeds, tmp_path / "out", *args)
    assert second.returncode == 0, second.stderr[-3000:]
    assert sorted(second.posts()) == ["Same-title-2.md", "Same-title.md"]
    assert posts_by_url(second) == posts_by_url(first)


def test_front_matter_keeps_source_url_and_updated(tmp_path, serve):
    stories = {
        "fresh.html": ("A fresh story", "Never changed.", None),
        "changed.html": ("A changed story", "Changed once.", "2022-04-10T06:30:00+08:00"),
    }
    _, server, seeds = story_site(tmp_path, serve, stories)
    result = crawl("stories", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line["url"]: line for line in result.feed_lines("stories")}
    posts = posts_by_url(result)
    assert set(posts) == set(lines) == {f"{server.base_url}/{name}" for name in stories}
    seed_keys = ["title", "categories", "headimg", "author", "comments", "date", "thumbnail"]
    changed = f"{server.base_url}/changed.html"
    fresh = f"{server.base_url}/fresh.html"
    assert list(posts[changed][1]) == [*seed_keys, "source_url", "updated"]
    assert list(posts[fresh][1]) == [*seed_keys, "source_url"]
    assert posts[changed][1]["updated"] == "Sat, 09 Apr 2022 22:30:00 GMT"
    assert posts[changed][1]["date"] == "Sat, 09 Apr 2022 08:00:00 GMT"
    # The feed keeps them too.
    assert datetime.fromisoformat(lines[changed]["updated"]) == datetime(
        2022, 4, 9, 22, 30, tzinfo=UTC
    )
    assert lines[fresh]["updated"] is None


def posts_in(posts: Path) -> dict[str, str]:
    """{source URL: file name} of the posts in ``posts``, each URL's one post."""
    found = {}
    for path in sorted(posts.glob("*.md")):
        url = split_post(path.read_text("utf-8"))[0]["source_url"]
        assert url not in found, f"two posts of {url}: {found[url]}, {path.name}"
        found[url] = path.name
    return found


@pytest.mark.parametrize("store", ["sqlite", "memory", "redis"])
def test_a_batch_names_its_posts_as_one_article_at_a_time_does(tmp_path, request, store):
    """A batch's post names are reserved together (HexoExporter.prepare): each post gets the
    name it gets when the articles come one by one. Of two equal titles in one batch the
    first has the name and the second "-2"; a title whose name is that "-2" then "-2-2"; a
    file that holds another article's post is not taken; a later batch's equal title gets
    "-3", and an updated article keeps its file."""
    source = make_source("batch")
    titles = {1: "Same title", 2: "Same title", 3: "Same title 2", 4: "Old post", 5: "Fresh"}
    first = [make_article(n, source, title=title) for n, title in titles.items()]
    later = [
        make_article(6, source, title="Same title"),
        make_article(2, source, title="Same title", text="Corrected.", body_hash="f" * 40),
    ]
    expected = {
        f"https://news.example/a/{n}.html": name
        for n, name in {
            1: "Same-title.md",
            2: "Same-title-2.md",
            3: "Same-title-2-2.md",
            4: "Old-post-2.md",
            5: "Fresh.md",
            6: "Same-title-3.md",
        }.items()
    }
    old = "https://news.example/old.html"
    exporters = {"crawler.exporters.hexo.HexoExporter": {"filename": "{slug}"}}
    for db, batches in enumerate([[first, later], [[a] for a in first + later]], start=2):
        output = tmp_path / f"{db}"
        (output / "posts").mkdir(parents=True)
        (output / "posts" / "Old-post.md").write_text(
            f'---\ntitle: "Old post"\nsource_url: "{old}"\n---\nold\n'
        )
        uri = {
            "sqlite": f"sqlite:///{output}/state/seen.sqlite",
            "memory": "memory://",
            # A Redis database of its own for each way.
            "redis": store == "redis" and f"{request.getfixturevalue('redis_url')[:-2]}/{db}",
        }[store]
        crawler = export_batches(output, source, batches, EXPORTERS=exporters, DEDUPE_STORE=uri)
        stats = crawler.stats.get_stats()
        assert not [key for key in stats if key.startswith("export/errors")], stats
        assert stats["hexo/renamed"] == 4  # articles 2, 3, 4 and 6
        assert stats["export/written/HexoExporter"] == 7
        assert posts_in(output / "posts") == {**expected, old: "Old-post.md"}
        assert "Corrected." in (output / "posts" / "Same-title-2.md").read_text("utf-8")


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_two_workers_batches_never_share_a_name(tmp_path, request, store):
    """Two workers of a distributed run (two pipelines, each its store connection and its
    own output folder, on other machines) export batches of articles of few titles at once:
    the store alone knows the other's names. Every article gets a post of its own, and the
    posts of one title are named base, base-2, base-3... without a gap."""
    from itemadapter import ItemAdapter

    source = make_source("workers")
    uri = {
        "sqlite": f"sqlite:///{tmp_path}/state/seen.sqlite",
        "redis": store == "redis" and f"{request.getfixturevalue('redis_url')[:-2]}/4",
    }[store]
    exporters = {"crawler.exporters.hexo.HexoExporter": {"filename": "{slug}"}}
    # Each worker has articles of every title.
    articles = [make_article(n, source, title=f"Title {'ABC'[n % 3]}") for n in range(48)]
    workers = [
        export_pipeline(tmp_path / f"{w}", source, EXPORTERS=exporters, DEDUPE_STORE=uri)[1]
        for w in range(2)
    ]

    def work(pipeline, mine):
        """One worker's crawl, on a thread of its own, as its store connection."""
        asyncio.run(pipeline.open_spider())
        for start in range(0, len(mine), 6):
            batch = [ItemAdapter(a) for a in mine[start : start + 6]]
            done.extend(pipeline.export_batch(pipeline.seen.opened(), batch))
        asyncio.run(pipeline.close_spider())
        asyncio.run(pipeline.seen.engine_stopped())

    done: list[bool] = []
    threads = [
        threading.Thread(target=work, args=(pipeline, articles[w::2]))
        for w, pipeline in enumerate(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert done == [True] * len(articles)
    posts = {**posts_in(tmp_path / "0" / "posts"), **posts_in(tmp_path / "1" / "posts")}
    assert set(posts) == {a.url for a in articles}
    for t in "ABC":
        names = sorted(posts[a.url] for a in articles if a.title == f"Title {t}")
        assert names == sorted([f"Title-{t}.md"] + [f"Title-{t}-{n}.md" for n in range(2, 17)])
