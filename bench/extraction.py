"""Extraction benchmark on the shared corpus, each source scored the way its owner scores it, for
our extractor (the very code a crawl runs) beside trafilatura, readability-lxml and htmldate,
on two halves of the pages split by a hash of the page id: A, the half to tune on, and B, the
half to check on.

    python bench/extraction.py ../shared/corpus [--only ours,trafilatura,readability,htmldate]
                               [--sources aeb,cwced,gne,traf,hdate] [--json FILE]
                               [--misses A]

- aeb, cwced, gne (news pages): body precision/recall/F1 over bags of tokens (a CJK character
  is a token), as the article-extraction-benchmark scores; titles, dates to the day and
  authors as accuracies, on the pages whose truth has them.
- traf (trafilatura's benchmark): each `with` segment found in the whitespace-normalized text
  is a true positive, each `without` segment found a false positive; precision, recall,
  accuracy and F over all segments (trafilatura's tests/eval_common.py).
- hdate (htmldate's benchmark): the publication day; right is a true positive, wrong a false
  positive, none a false negative; precision, recall, accuracy (right / all) and F.

A page and its twin (the same document in traf and hdate) fall in the same half.

``--misses A`` also lists, for each extractor, the hdate pages of half A whose day it got wrong
or not at all: page id, address, its day, the true day, and (ours) the rule that gave its date
(``extracted_by``). Only half A may be listed: half B is the half nobody tunes on.
"""

from __future__ import annotations

import argparse
import hashlib
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
NEWS_SOURCES = ("aeb", "cwced", "gne")
HALVES = ("A", "B")


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


# Between a headline and the site's name that metadata titles append ("Headline | Site").
SITE_SUFFIX = re.compile(r"\s+(?:[|｜\-–—·•]|::)\s+(?!.*\s[|｜\-–—·•]\s)[^|｜]+$|[_｜|][^_｜|]+$")
# Between two names of a list: commas, "and", "&", 、; spaces between Chinese names.
NAME_SEPARATOR = re.compile(
    r"\s*(?:[,，、;；&/]|\band\b)\s*|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])"
)


def same_title(got: str | None, want: str) -> bool:
    """The same title, or the same without the site-name part the truth (read off a page's
    og:title) appends: titles are judged without site-name parts."""
    return fold(got) in (fold(want), fold(SITE_SUFFIX.sub("", want)))


def same_author(got: str | None, want: str) -> bool:
    """One contains the other, or a normalized name of the one list is a name of the other."""
    got, want = fold(got), fold(want)
    if bool(got) and (got == want or got in want or want in got):
        return True
    names = {name for name in NAME_SEPARATOR.split(got) if len(name) >= 2}
    return bool(names & {name for name in NAME_SEPARATOR.split(want) if len(name) >= 2})


def norm(text: str) -> str:
    """Whitespace-normalized, as trafilatura's evaluation compares segments."""
    return re.sub(r"\s+", " ", text).strip()


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


def half_of(record: dict[str, Any]) -> str:
    """A or B, by a hash of the page id (of its traf twin for an hdate page).

    SHA-256, not SHA-1: the shared pages are the ones whose SHA-1 is even (the kept-back
    half being the odd ones), so a SHA-1 split would put every shared page in one half.
    """
    key = record.get("twin") or record["id"]
    return HALVES[int(hashlib.sha256(key.encode()).hexdigest(), 16) % 2]


# --- extractors: html bytes, url, language -> {body (text), title, date (YYYY-MM-DD), author} ---

# The timezone a seed of a site in this language would give. Elsewhere the sites' zones are
# unknown: None keeps the offset each page gives, as a seed naming the site's zone would (a
# page declaring 19:53-05:00 stays on its day instead of moving to the next one in UTC).
SEED_TIMEZONES: dict[str, str | None] = {"zh": "Asia/Shanghai"}


def ours(html: bytes, url: str | None, lang: str) -> dict[str, Any]:
    """What a crawl exports: the page as the response a crawl gets, through extract_article
    with the options the spider gives it, as if from a seed of the page's site: Chinese pages
    in Asia/Shanghai, others in the offset the page gives (the site's zone). A crawl writes
    dates in its seed's timezone and a day is judged in it."""
    from scrapy.http import HtmlResponse

    from crawler.extract import ExtractOptions, extract_article

    response = HtmlResponse(url or "http://127.0.0.1/page.html", body=html)
    tz = SEED_TIMEZONES.get(lang)
    article = extract_article(response, ExtractOptions(language=lang, timezone=tz))
    return {
        "body": article.text or "",
        "title": article.title,
        "date": article.date.date().isoformat() if article.date else None,
        "author": article.author,
        "date_rule": article.extracted_by.get("date"),
    }


def trafilatura_extractor(html: bytes, url: str | None, lang: str) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_tables=True)
    if doc is None:
        return {}
    doc = doc.as_dict() if hasattr(doc, "as_dict") else doc
    return {
        "body": doc.get("text") or "",
        "title": doc.get("title"),
        "date": (doc.get("date") or "")[:10] or None,
        "author": doc.get("author"),
    }


def readability_extractor(html: bytes, url: str | None, lang: str) -> dict[str, Any]:
    import lxml.html
    from readability import Document

    document = Document(html.decode("utf-8", errors="replace"), url=url)
    summary = lxml.html.fromstring(document.summary(html_partial=True))
    return {"body": summary.text_content(), "title": document.short_title()}


def htmldate_extractor(html: bytes, url: str | None, lang: str) -> dict[str, Any]:
    from htmldate import find_date

    date = find_date(html.decode("utf-8", errors="replace"), url=url, original_date=True)
    return {"date": date}


EXTRACTORS: dict[str, Callable[[bytes, str | None, str], dict[str, Any]]] = {
    "ours": ours,
    "trafilatura": trafilatura_extractor,
    "readability": readability_extractor,
    "htmldate": htmldate_extractor,
}
MODULES = {"trafilatura": "trafilatura", "readability": "readability", "htmldate": "htmldate"}


def news_group(record: dict[str, Any]) -> str:
    lang = record["lang"]
    return lang if lang in ("en", "zh") else "other"


class Tally:
    """Every score of one extractor, kept per (group, half)."""

    def __init__(self) -> None:
        self.lists: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.failed = 0
        # hdate pages of the half listed (--misses) whose day was wrong or missing.
        self.misses: list[tuple[str, str, str | None, str, str | None]] = []
        self.listed: str | None = None

    def keys(self, group: str, half: str) -> list[tuple[str, str]]:
        return [(group, half), (group, "all")]

    def add(self, group: str, half: str, name: str, value: Any) -> None:
        for key in self.keys(group, half):
            self.lists[key][name].append(value)

    def count(self, group: str, half: str, **counts: int) -> None:
        for key in self.keys(group, half):
            self.counts[key].update(counts)


def score(record: dict[str, Any], got: dict[str, Any], tally: Tally) -> None:
    half = half_of(record)
    source = record["source"]
    if source == "traf":
        text = norm(got.get("body") or "")
        tp = sum(1 for s in record["with"] if norm(s) in text)
        fp = sum(1 for s in record["without"] if norm(s) in text)
        for group in ("traf", f"traf:{news_group(record)}"):
            tally.count(
                group, half, tp=tp, fp=fp, fn=len(record["with"]) - tp,
                tn=len(record["without"]) - fp, pages=1,
            )  # fmt: skip
        return
    if source == "hdate":
        date, want = got.get("date"), record["date"]
        outcome = "none" if not date else ("right" if date == want else "wrong")
        for group in ("hdate", f"hdate:{news_group(record)}"):
            tally.count(group, half, **{outcome: 1, "pages": 1})
        if outcome != "right" and half == tally.listed:
            tally.misses.append(
                (record["id"], record.get("url") or "", date, want, got.get("date_rule"))
            )
        return
    truth = truth_of(record)
    for group in (news_group(record), source):
        tally.add(group, half, "pages", record["id"])
        if "body" in truth:
            tally.add(group, half, f"body_{truth['level']}", prf(got.get("body"), truth["body"]))
        if truth["title"]:
            tally.add(group, half, "title", same_title(got.get("title"), truth["title"]))
        if truth["date"]:
            tally.add(group, half, "date", got.get("date") == truth["date"])
        if truth["author"]:
            tally.add(group, half, "author", same_author(got.get("author"), truth["author"]))


def run(
    corpus: Path, name: str, pages: list[dict[str, Any]], listed: str | None = None
) -> tuple[Tally, float]:
    extractor = EXTRACTORS[name]
    tally = Tally()
    tally.listed = listed
    started = time.perf_counter()
    for record in pages:
        html = (corpus / record["html"]).read_bytes()
        try:
            got = extractor(html, record.get("url"), record["lang"])
        except Exception as exc:  # one bad page must not stop the benchmark
            print(f"  {name} failed on {record['id']}: {exc!r}", file=sys.stderr)
            tally.failed += 1
            got = {}
        score(record, got, tally)
    return tally, len(pages) / (time.perf_counter() - started)


def mean(values: list) -> float:
    return sum(values) / len(values) if values else float("nan")


def segments(c: Counter) -> tuple[float, float, float, float]:
    """Precision, recall, accuracy and F of trafilatura's segment counts."""
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    total = c["tp"] + c["fp"] + c["fn"] + c["tn"]
    accuracy = (c["tp"] + c["tn"]) / total if total else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, accuracy, f


def days(c: Counter) -> tuple[float, float, float, float]:
    """Precision, recall, accuracy and F of htmldate's day outcomes."""
    tp, fp, fn = c["right"], c["wrong"], c["none"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    accuracy = tp / c["pages"] if c["pages"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, accuracy, f


def report(name: str, tally: Tally, speed: float) -> dict[str, Any]:
    figures: dict[str, Any] = {"pages_per_s": round(speed, 1), "failed": tally.failed}
    print(f"\n== {name}: {speed:.1f} pages/s, {tally.failed} pages raised")
    news = [g for g in ("en", "zh", "other", *NEWS_SOURCES) if (g, "all") in tally.lists]
    if news:
        print(
            f"{'news':<8} {'half':>4} {'pages':>5} {'body':>6} {'P':>6} {'R':>6} {'F1':>6} "
            f"{'title':>11} {'date':>11} {'author':>11}"
        )
    for group in news:
        for half in (*HALVES, "all"):
            values = tally.lists.get((group, half))
            if not values:
                continue
            level = "gold" if values.get("body_gold") else "silver"
            body = values.get(f"body_{level}", [])
            p, r, f = (mean([s[i] for s in body]) for i in range(3))

            def acc(field: str, v: dict = values) -> str:
                return f"{mean(v[field]):.3f} ({len(v[field]):>3})" if v.get(field) else "-"

            print(
                f"{group:<8} {half:>4} {len(values['pages']):>5} {level:>6} {p:>6.3f} {r:>6.3f} "
                f"{f:>6.3f} {acc('title'):>11} {acc('date'):>11} {acc('author'):>11}"
            )
            figures[f"{group}/{half}"] = {
                "body_f1": f,
                **{k: mean(values[k]) for k in ("title", "date", "author") if values.get(k)},
            }
    for kind, label, measure in (("traf", "segments", segments), ("hdate", "days", days)):
        groups = sorted(
            {g for g, _ in tally.counts if g == kind or g.startswith(f"{kind}:")},
            key=lambda g: (g != kind, g),
        )
        if not groups:
            continue
        heading = f"{kind} {label}"
        print(f"{heading:<14} {'half':>4} {'pages':>5} {'P':>6} {'R':>6} {'acc':>6} {'F':>6}")
        for group in groups:
            for half in (*HALVES, "all"):
                counts = tally.counts.get((group, half))
                if not counts:
                    continue
                p, r, a, f = measure(counts)
                print(
                    f"{group:<14} {half:>4} {counts['pages']:>5} {p:>6.3f} {r:>6.3f} {a:>6.3f} "
                    f"{f:>6.3f}"
                )
                figures[f"{group}/{half}"] = {"P": p, "R": r, "accuracy": a, "F": f}
    if tally.listed:
        print(f"hdate misses of half {tally.listed}: {len(tally.misses)}")
        for page, url, got, want, rule in tally.misses:
            print(f"  {page} got {got or '-'} want {want} by {rule or '-'} {url}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--only", default=",".join(EXTRACTORS))
    parser.add_argument("--sources", default="aeb,cwced,gne,traf,hdate")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument(
        "--misses", choices=("A",), help="list the hdate pages of this half each extractor missed"
    )
    args = parser.parse_args()
    if not (args.corpus / "manifest.jsonl").is_file():
        sys.exit(f"error: no corpus at {args.corpus}: give the folder of manifest.jsonl")
    wanted = set(args.sources.split(","))
    pages = [json.loads(line) for line in (args.corpus / "manifest.jsonl").open()]
    pages = [record for record in pages if record["source"] in wanted]
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
        chosen = pages
        if name == "htmldate":  # dates only
            chosen = [r for r in pages if r["source"] in ("hdate", *NEWS_SOURCES)]
        tally, speed = run(args.corpus, name, chosen, args.misses)
        results[name] = report(name, tally, speed)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
