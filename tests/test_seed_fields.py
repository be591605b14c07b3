"""Seed fields that do not parse fall back to the next layer, and a crawl counts, per seed field,
what its selector gave (matched, unparsed, missing): in Scrapy's stats, the run report, the
closing summary, and a warning for a field that never parsed; `scrapy extract` shows the same."""

from __future__ import annotations

import json
import re
from datetime import datetime

from conftest import crawl, extracted_lines, one_channel_seed, scrapy

STORY = "<p>" + "The harbour promenade will be extended by four hundred metres. " * 8 + "</p>"
PUBLISHED = "2024-03-05T08:30:00+01:00"
MODIFIED = "2024-03-06T10:00:00+01:00"


def page(name: str, byline: str, head: str = "") -> str:
    """An article page declaring its date, author and image in JSON-LD; ``byline`` is what the
    seeds' selectors hit."""
    jsonld = json.dumps(
        {
            "@type": "NewsArticle",
            "headline": name.title(),
            "datePublished": PUBLISHED,
            "dateModified": MODIFIED,
            "author": {"@type": "Person", "name": "Jane Roe"},
            "image": f"/img/{name}.jpg",
        }
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{name.title()}</title>"
        f"<script type='application/ld+json'>{jsonld}</script>{head}</head>"
        f"<body><h1>{name.title()}</h1>{byline}"
        f"<div class='empty'><script>var x = 1;</script></div>"
        f"<div class='story'>{STORY}</div></body></html>"
    )


# Pages whose byline no date parser reads, whose author line is a label alone and whose lead
# image is a lazy-loading placeholder: every one has the real value in its JSON-LD.
BROKEN_BYLINE = (
    "<p class='byline'>By </p><span class='updated'>Updated a while ago</span>"
    "<img class='lead' src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
)
BROKEN = {f"{name}.html": page(name, BROKEN_BYLINE) for name in ("one", "two", "three")}
BROKEN_SEED = """title = "h1::text"
date = "span.updated::text"
updated = ".modified::text"
author = ".byline::text"
image = "img.lead::attr(src)"
body = ".story"
"""


def write_site(root, pages: dict[str, str]) -> None:
    root.mkdir()
    for name, html in pages.items():
        (root / name).write_text(html, "utf-8")
    links = "".join(f"<li><a class='story' href='{name}'>{name}</a></li>" for name in pages)
    (root / "index.html").write_text(f"<ul>{links}</ul>", "utf-8")


def test_unparsed_seed_fields_fall_back_and_are_counted(tmp_path, serve):
    server = serve(tmp_path / "site")
    write_site(tmp_path / "site", BROKEN)
    seeds = one_channel_seed(
        tmp_path, "broken", f"{server.base_url}/index.html", '"a.story::attr(href)"', BROKEN_SEED
    )
    result = crawl("broken", seeds, tmp_path / "out", "-s", "IMAGES_ENABLED=False")
    assert result.returncode == 0, result.stderr[-3000:]

    lines = result.feed_lines("broken")
    assert len(lines) == 3
    for line in lines:
        name = line["url"].rsplit("/", 1)[1].split(".")[0]
        # Each field the seed could not give is the JSON-LD's, as if the seed had no selector.
        assert datetime.fromisoformat(line["date"]) == datetime.fromisoformat(PUBLISHED)
        assert line["date_source"] == "page"
        assert datetime.fromisoformat(line["updated"]) == datetime.fromisoformat(MODIFIED)
        assert line["author"] == "Jane Roe"
        assert line["headimg"] == f"{server.base_url}/img/{name}.jpg"
        assert line["title"] == name.title()
        assert "harbour promenade" in line["text"]
        assert line["extracted_by"] == {
            "title": "seed",
            "date": "json-ld",
            "updated": "json-ld",
            "author": "json-ld",
            "image": "json-ld",
            "body": "seed",
        }
        assert {k: v["outcome"] for k, v in line["seed_fields"].items()} == {
            "title": "matched",
            "date": "unparsed",
            "updated": "missing",
            "author": "unparsed",
            "image": "unparsed",
            "body": "matched",
        }

    def counts(matched: int, unparsed: int, missing: int, selector: str) -> dict:
        return {"selector": selector, "matched": matched, "unparsed": unparsed, "missing": missing}

    assert result.report("broken")["seed_fields"] == {
        "title": counts(3, 0, 0, "h1::text"),
        "date": counts(0, 3, 0, "span.updated::text"),
        "updated": counts(0, 0, 3, ".modified::text"),
        "author": counts(0, 3, 0, ".byline::text"),
        "image": counts(0, 3, 0, "img.lead::attr(src)"),
        "body": counts(3, 0, 0, ".story"),
    }
    # Scrapy's stats, dumped at the end of the log.
    for key, count in (
        ("seed_field/title/matched", 3),
        ("seed_field/date/unparsed", 3),
        ("seed_field/updated/missing", 3),
        ("seed_field/body/matched", 3),
    ):
        assert f"'{key}': {count}," in result.stderr
    assert "'seed_field/date/matched'" not in result.stderr
    # The closing summary, and one warning for each field that never parsed, naming its selector.
    assert (
        "Seed fields of broken (matched/unparsed/missing): title 3/0/0, date 0/3/0, "
        "updated 0/0/3, author 0/3/0, image 0/3/0, body 3/0/0"
    ) in result.stderr
    warned = re.findall(r"WARNING: Seed field (\w+) never parsed in this run: (.*)", result.stderr)
    assert sorted(name for name, _ in warned) == ["author", "date", "image", "updated"]
    said = dict(warned)
    assert said["date"].startswith(
        'its selector "span.updated::text" gave a value that does not parse on 3 pages; '
    )
    assert said["updated"].startswith(
        'its selector ".modified::text" matched nothing on 3 article pages; '
    )


# A byline of a date without a year, and a body selector that hits an element with only a
# script in it: a second seed, with lists of selectors tried in order.
RELATIVE = {
    "rel.html": page("rel", "<span class='updated'>Updated 3 hours ago</span>"),
    "timed.html": page(
        "timed",
        "<span class='updated'>Updated recently</span><time datetime='2024-03-04T09:00:00Z'>"
        "Monday</time>",
    ),
}
RELATIVE_SEED = """title = ["h2::text", "h1::text"]
date = ["span.updated::text", "time::attr(datetime)"]
body = [".empty", ".nothing", ".story"]
"""


def test_relative_dates_and_lists_of_selectors(tmp_path, serve):
    server = serve(tmp_path / "site")
    write_site(tmp_path / "site", RELATIVE)
    seeds = one_channel_seed(
        tmp_path, "rel", f"{server.base_url}/index.html", '"a.story::attr(href)"', RELATIVE_SEED
    )
    result = crawl("rel", seeds, tmp_path / "out", "-s", "IMAGES_ENABLED=False")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line["url"].rsplit("/", 1)[1]: line for line in result.feed_lines("rel")}
    # "Updated 3 hours ago" is read (3 hours before the crawl), but the page declares its
    # publication with the year: that is its date.
    rel = lines["rel.html"]
    assert datetime.fromisoformat(rel["date"]) == datetime.fromisoformat(PUBLISHED)
    assert rel["extracted_by"]["date"] == "json-ld" and rel["date_relative"] is False
    # The first selector of the list that parses gives the field.
    timed = lines["timed.html"]
    assert timed["date"] == "2024-03-04T09:00:00+00:00"
    assert timed["extracted_by"]["date"] == "seed"
    for line in lines.values():
        assert line["extracted_by"]["title"] == "seed"
        assert line["extracted_by"]["body"] == "seed" and "harbour promenade" in line["text"]
        assert "var x" not in line["body_html"]
        assert {k: v["outcome"] for k, v in line["seed_fields"].items()} == {
            "title": "matched",
            "date": "matched",
            "body": "matched",
        }
    assert result.report("rel")["seed_fields"]["date"] == {
        "selector": ["span.updated::text", "time::attr(datetime)"],
        "matched": 2,
        "unparsed": 0,
        "missing": 0,
    }
    assert "never parsed" not in result.stderr


def test_extract_command_shows_the_fallback(tmp_path, serve):
    server = serve(tmp_path / "site")
    write_site(tmp_path / "site", BROKEN)
    seeds = one_channel_seed(
        tmp_path, "broken", f"{server.base_url}/index.html", '"a.story::attr(href)"', BROKEN_SEED
    )
    url = f"{server.base_url}/one.html"
    line = extracted_lines(seeds, "broken", [url])[url]
    assert datetime.fromisoformat(line["date"]) == datetime.fromisoformat(PUBLISHED)
    assert line["extracted_by"]["date"] == "json-ld"
    assert line["author"] == "Jane Roe" and line["headimg"] == f"{server.base_url}/img/one.jpg"
    assert line["seed_fields"]["date"] == {"selector": "span.updated::text", "outcome": "unparsed"}

    proc = scrapy("extract", url, "--seed", "broken", "-s", f"SEEDS_DIR={seeds}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    fields = {line.split()[0]: line for line in proc.stdout.splitlines() if line.strip()}
    assert fields["date"].startswith("date     [json-ld] 2024-03-05T07:30:00+00:00")
    assert fields["date"].endswith(
        '(seed "span.updated::text" matched a value that does not parse)'
    )
    assert fields["author"] == (
        'author   [json-ld] Jane Roe (seed ".byline::text" matched a value that does not parse)'
    )
    assert fields["updated"].endswith('(seed ".modified::text" matched nothing)')
    assert fields["title"] == "title    [seed] One"
