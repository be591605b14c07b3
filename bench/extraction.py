"""Extraction benchmark on the shared corpus: body precision/recall/F1 (bags of tokens, Chinese
split into characters), title, date and author accuracy, and pages per second, for our
extractor and, side by side, trafilatura and readability-lxml when installed.

    python bench/extraction.py ../shared/corpus [--only ours,trafilatura,readability]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# A CJK character is a token by itself; elsewhere a run of word characters is one.
TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]|[^\W_]+", re.UNICODE)


def tokens(text: str | None) -> Counter:
    return Counter(TOKEN.findall((text or "").lower()))


def prf(predicted: str | None, truth: str) -> tuple[float, float, float]:
    got, want = tokens(predicted), tokens(truth)
    common = sum((got & want).values())
    if not got or not want or not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def same_title(got: str | None, want: str) -> bool:
    return fold(got) == fold(want)


def same_author(got: str | None, want: str) -> bool:
    got, want = fold(got), fold(want)
    return bool(got) and (got == want or got in want or want in got)


def truth_of(record: dict[str, Any]) -> dict[str, Any]:
    """Body (gold first, else silver, with its level), title, date and author to judge."""
    silver = record.get("silver") or {}
    truth = {
        "title": record.get("title") or silver.get("title"),
        "date": record.get("date") or silver.get("date"),
        "author": record.get("author") or silver.get("author"),
    }
    if record.get("body"):
        truth["body"], truth["level"] = record["body"], "gold"
    elif silver.get("body"):
        truth["body"], truth["level"] = silver["body"], "silver"
    return truth


# --- extractors: html, url, language -> {body (text), title, date (YYYY-MM-DD), author} ---


# The timezone a seed of a site in this language would most likely give.
SEED_TIMEZONES = {"zh": "Asia/Shanghai"}


def ours(html: str, url: str | None, lang: str) -> dict[str, Any]:
    """What a crawl exports: the page as the response a crawl gets, through extract_article
    with the options the spider gives it, as if from a seed of the page's language: Chinese
    pages in Asia/Shanghai, others in UTC. A crawl writes dates in its seed's timezone and a
    day is judged in it, so a page declaring 19:53-05:00 is dated the next day in UTC."""
    from scrapy.http import HtmlResponse

    from crawler.extract import ExtractOptions, extract_article

    response = HtmlResponse(url or "http://127.0.0.1/page.html", body=html, encoding="utf-8")
    tz = SEED_TIMEZONES.get(lang, "UTC")
    article = extract_article(response, ExtractOptions(language=lang, timezone=tz))
    return {
        "body": article.text or "",
        "title": article.title,
        "date": article.date.date().isoformat() if article.date else None,
        "author": article.author,
    }


def trafilatura_extractor(html: str, url: str | None, lang: str) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return {}
    doc = doc.as_dict() if hasattr(doc, "as_dict") else doc
    return {
        "body": doc.get("text") or "",
        "title": doc.get("title"),
        "date": (doc.get("date") or "")[:10] or None,
        "author": doc.get("author"),
    }


def readability_extractor(html: str, url: str | None, lang: str) -> dict[str, Any]:
    import lxml.html
    from readability import Document

    document = Document(html, url=url)
    summary = lxml.html.fromstring(document.summary(html_partial=True))
    return {"body": summary.text_content(), "title": document.short_title()}


EXTRACTORS: dict[str, Callable[[str, str | None, str], dict[str, Any]]] = {
    "ours": ours,
    "trafilatura": trafilatura_extractor,
    "readability": readability_extractor,
}
MODULES = {"trafilatura": "trafilatura", "readability": "readability"}


def language_group(lang: str) -> str:
    return lang if lang in ("en", "zh") else "other"


def run(corpus: Path, name: str, pages: list[dict[str, Any]]) -> dict[str, Any]:
    extractor = EXTRACTORS[name]
    per_group: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    started = time.perf_counter()
    for record in pages:
        html = (corpus / record["html"]).read_text("utf-8", errors="replace")
        try:
            got = extractor(html, record.get("url"), record["lang"])
        except Exception as exc:  # one bad page must not stop the benchmark
            print(f"  {name} failed on {record['id']}: {exc!r}", file=sys.stderr)
            got = {}
        truth = truth_of(record)
        for key in (language_group(record["lang"]), f"{record['source']}"):
            group = per_group[key]
            if "body" in truth:
                group[f"body_{truth['level']}"].append(prf(got.get("body"), truth["body"]))
            if truth["title"]:
                group["title"].append(same_title(got.get("title"), truth["title"]))
            if truth["date"]:
                group["date"].append(got.get("date") == truth["date"])
            if truth["author"]:
                group["author"].append(same_author(got.get("author"), truth["author"]))
            group["pages"].append(record["id"])
    seconds = time.perf_counter() - started
    return {"groups": per_group, "pages_per_s": len(pages) / seconds}


def mean(values: list) -> float:
    return sum(values) / len(values) if values else float("nan")


def report(name: str, result: dict[str, Any]) -> None:
    print(f"\n== {name}: {result['pages_per_s']:.1f} pages/s")
    print(
        f"{'group':<8} {'pages':>5} {'body':>6} {'P':>6} {'R':>6} {'F1':>6} "
        f"{'title':>11} {'date':>11} {'author':>11}"
    )
    for key in ("en", "zh", "other", "aeb", "cwced", "gne"):
        group = result["groups"].get(key)
        if not group:
            continue
        level = "gold" if group.get("body_gold") else "silver"
        scores = group.get(f"body_{level}", [])
        p, r, f = (mean([s[i] for s in scores]) for i in range(3))

        def acc(field: str, g: dict = group) -> str:
            values = g.get(field, [])
            return f"{mean(values):.3f} ({len(values):>3})" if values else f"{'-':>11}"

        print(
            f"{key:<8} {len(group['pages']):>5} {level:>6} {p:>6.3f} {r:>6.3f} {f:>6.3f} "
            f"{acc('title'):>11} {acc('date'):>11} {acc('author'):>11}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--only", default=",".join(EXTRACTORS))
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args()
    pages = [json.loads(line) for line in (args.corpus / "manifest.jsonl").open()]
    for record in pages:
        record.update(json.loads((args.corpus / record["json"]).read_text("utf-8")))
    results = {}
    for name in args.only.split(","):
        module = MODULES.get(name)
        if module:
            try:
                __import__(module)
            except ImportError:
                print(f"\n== {name}: not installed (pip install '.[bench]')")
                continue
        results[name] = run(args.corpus, name, pages)
        report(name, results[name])
    if args.json:
        args.json.write_text(json.dumps(results, default=list, indent=1))


if __name__ == "__main__":
    main()
