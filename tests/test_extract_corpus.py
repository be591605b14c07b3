"""Extraction floors on a fixed subset of the shared corpus, crawled through a seed that names
only its channel: a regression below them fails CI. The corpus is never copied into the
project; where it is absent (a user's machine) the test skips, under CI it fails."""

from __future__ import annotations

import html
import json
import shutil
import sys
from pathlib import Path

import pytest
from test_one_path import extracted_lines

from conftest import ROOT, crawl, require
from crawler.demo.server import SiteServer

CORPUS = ROOT.parent / "shared" / "corpus"
# Every 3rd English page of the article-extraction benchmark, and every Chinese page with a
# gold body: 31 + 32 pages.
# A little under what this subset measured on 2026-11-29 (en: body 0.986, title 1.0,
# date 0.966, author 1.0; zh: body 0.949, title 1.0 of 3, date 1.0, author 0.870).
FLOORS = {
    "en": {"body_f1": 0.965, "title": 0.95, "date": 0.93, "author": 0.95},
    "zh": {"body_f1": 0.93, "title": 0.90, "date": 0.95, "author": 0.82},
}


def subset() -> list[dict]:
    records = [json.loads(line) for line in (CORPUS / "manifest.jsonl").open()]
    english = [r for r in records if r["source"] == "aeb" and r["lang"] == "en"][::3]
    chinese = [r for r in records if r["source"] == "cwced"]
    for record in english + chinese:
        record.update(json.loads((CORPUS / record["json"]).read_text("utf-8")))
    return english + chinese


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    require(CORPUS.is_dir(), f"the shared corpus is not at {CORPUS}")
    sys.path.insert(0, str(ROOT / "bench"))
    import extraction as bench  # the benchmark's own scoring

    records = subset()
    root = tmp_path_factory.mktemp("corpus-site")
    links = []
    for record in records:
        shutil.copy(CORPUS / record["html"], root / f"{record['id']}.html")
        links.append(
            f'<li><a href="/{record["id"]}.html">Article page {html.escape(record["id"])}</a></li>'
        )
    (root / "index.html").write_text(f"<ul>{''.join(links)}</ul>", "utf-8")
    server = SiteServer(root).start()
    seeds = tmp_path_factory.mktemp("seeds")
    for lang, tz in (("en", "UTC"), ("zh", "Asia/Shanghai")):
        (seeds / f"corpus_{lang}.toml").write_text(
            f'site = "Corpus"\nallowed_domains = ["127.0.0.1"]\ntimezone = "{tz}"\n'
            f'language = "{lang}"\n[[channels]]\nname = "All"\nurl = "{server.base_url}/"\n',
            "utf-8",
        )
    results, extracted = {}, {}
    try:
        for lang in ("en", "zh"):
            output = tmp_path_factory.mktemp(f"out-{lang}")
            # Images stay remote: the crawl asks none of the pages' hosts (IMAGES_DOMAINS).
            result = crawl(f"corpus_{lang}", seeds, output, "-s", "IMAGES_REWRITE=False")
            assert result.returncode == 0, result.stderr[-3000:]
            results[lang] = {
                Path(line["url"]).stem: line for line in result.feed_lines(f"corpus_{lang}")
            }
            urls = [line["url"] for line in results[lang].values()]
            extracted[lang] = extracted_lines(seeds, f"corpus_{lang}", urls)
    finally:
        server.stop()
    return records, results, bench, extracted


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_extraction_floors(crawled, lang):
    records, results, bench, _ = crawled
    lines = results[lang]
    scores = {"body_f1": [], "title": [], "date": [], "author": []}
    for record in (r for r in records if (r["lang"] == "en") == (lang == "en")):
        truth = bench.truth_of(record)
        line = lines.get(record["id"], {})
        scores["body_f1"].append(bench.prf(line.get("text"), truth["body"])[2])
        if truth["title"]:
            scores["title"].append(bench.same_title(line.get("title"), truth["title"]))
        if truth["date"]:
            page_date = line.get("date_source") == "page" and line.get("date", "")[:10]
            scores["date"].append(page_date == truth["date"])
        if truth["author"]:
            scores["author"].append(bench.same_author(line.get("author"), truth["author"]))
    measured = {k: sum(v) / len(v) for k, v in scores.items() if v}
    print(lang, measured)
    for name, floor in FLOORS[lang].items():
        assert measured[name] >= floor, (name, measured)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_crawl_and_extract_agree_on_the_corpus(crawled, lang):
    """What `scrapy extract` says of each page is what the crawl exported of it."""
    _, results, _, extracted = crawled
    lines = list(results[lang].values())
    assert len(lines) >= 30
    for line in lines:
        page = extracted[lang][line["url"]]
        for name in ("title", "author", "text", "updated", "headimg"):
            if name == "title" and "title" not in page["extracted_by"]:
                continue
            if name == "headimg" and line["headimg"] is None:
                continue  # the crawl asked for it and found it broken (a 404): removed
            assert line[name] == page[name], (line["url"], name)
        if line["date_source"] == "page" and not line["date_relative"]:
            assert line["date"] == page["date"], line["url"]


# Every 4th page of trafilatura's and of htmldate's benchmarks, crawled through seeds that name
# only their channel: a German, an English and an "other" seed. A little under what this sample
# measured on 2026-12-01: segments F 0.927, days accuracy 0.863 (on 2026-11-30: 0.906, 0.815).
WEB_FLOORS = {"traf_f": 0.91, "hdate_accuracy": 0.84}


def web_subset() -> list[dict]:
    records = [json.loads(line) for line in (CORPUS / "manifest.jsonl").open()]
    sample = []
    for source in ("traf", "hdate"):
        pages = sorted((r for r in records if r["source"] == source), key=lambda r: r["id"])
        sample += pages[::4]
    for record in sample:
        record.update(json.loads((CORPUS / record["json"]).read_text("utf-8")))
    return sample


def web_group(lang: str) -> str:
    return lang if lang in ("de", "en") else "other"


@pytest.fixture(scope="module")
def web_crawled(tmp_path_factory):
    require(CORPUS.is_dir(), f"the shared corpus is not at {CORPUS}")
    sys.path.insert(0, str(ROOT / "bench"))
    import extraction as bench

    records = web_subset()
    root = tmp_path_factory.mktemp("web-site")
    seeds = tmp_path_factory.mktemp("web-seeds")
    server = SiteServer(root).start()
    lines: dict[str, dict] = {}
    try:
        for group in ("de", "en", "other"):
            chosen = [r for r in records if web_group(r["lang"]) == group]
            (root / group).mkdir()
            for record in chosen:
                shutil.copy(CORPUS / record["html"], root / group / f"{record['id']}.html")
            links = "".join(
                f'<li><a class="page" href="/{group}/{r["id"]}.html">{r["id"]}</a></li>'
                for r in chosen
            )
            (root / group / "index.html").write_text(f"<ul>{links}</ul>", "utf-8")
            language = "en" if group == "other" else group
            (seeds / f"web_{group}.toml").write_text(
                f'site = "Web"\nallowed_domains = ["127.0.0.1"]\nlanguage = "{language}"\n'
                f'[[channels]]\nname = "All"\nurl = "{server.base_url}/{group}/"\n'
                '[listing]\nlink = "a.page::attr(href)"\n',
                "utf-8",
            )
            output = tmp_path_factory.mktemp(f"web-out-{group}")
            result = crawl(f"web_{group}", seeds, output, "-s", "IMAGES_ENABLED=False")
            assert "Traceback" not in result.stderr
            assert result.returncode == 0, result.stderr[-3000:]
            lines |= {Path(line["url"]).stem: line for line in result.feed_lines(f"web_{group}")}
    finally:
        server.stop()
    return records, lines, bench


def test_web_benchmark_floors(web_crawled):
    """trafilatura's segments and htmldate's days, scored as the benchmark scores them, on what
    a crawl exported (a page the crawl dropped counts as no text and no date)."""
    records, lines, bench = web_crawled
    tally = bench.Tally()
    for record in records:
        line = lines.get(record["id"], {})
        date = line.get("date")
        got = {
            "body": line.get("text") or "",
            "date": date[:10] if date and line.get("date_source") == "page" else None,
        }
        bench.score(record, got, tally)
    traf = bench.segments(tally.counts[("traf", "all")])
    days = bench.days(tally.counts[("hdate", "all")])
    measured = {"traf_f": traf[3], "hdate_accuracy": days[2]}
    print("web", measured)
    for name, floor in WEB_FLOORS.items():
        assert measured[name] >= floor, (name, measured)
