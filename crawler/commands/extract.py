"""`scrapy extract URL|FILE ... [--seed NAME] [--json]`: every field of a page as a crawl builds
it, and the rule that gave it."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import Request, Spider
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.responsetypes import responsetypes
from scrapy.settings import SETTINGS_PRIORITIES

from crawler.commands import crawler_process, refuse, seed_error
from crawler.exporters.jsonl import IsoDateJsonLinesItemExporter
from crawler.extract import ExtractOptions, extract_article
from crawler.seed_settings import apply_seed_settings, cmdline_error
from crawler.seeds import Source
from crawler.spiders.pages import ArticlePages
from crawler.spiders.seed import failure_reason, not_a_page

if TYPE_CHECKING:
    import argparse

    from scrapy.http import Response
    from scrapy.settings import BaseSettings

    from crawler.items import Article


SHOWN = ("title", "date", "updated", "author", "headimg", "body_html")
# Article field -> the name of the extracted field (and of its line).
RULE_OF = {"headimg": "image", "body_html": "body"}


def extract_options(source: Source | None, tracking_params: tuple[str, ...]) -> ExtractOptions:
    """The options a crawl of ``source`` gives extraction (without a listing)."""
    if source is None:
        return ExtractOptions(tracking_params=tracking_params)
    return ExtractOptions.for_source(source, tracking_params=tracking_params)


def extracted(
    response: Response, source: Source | None, tracking_params: tuple[str, ...]
) -> Article:
    """The article a crawl of ``source`` builds from this one page."""
    return extract_article(response, extract_options(source, tracking_params))


# What a seed's selector that gave no value did, as shown beside the field.
SEED_FAILED = {"unparsed": "matched a value that does not parse", "missing": "matched nothing"}


def seed_note(article: Article, label: str) -> str:
    """`` (seed ".x::text" matched nothing)`` when the seed's selector for the field gave no
    value, so that the field fell back to the next layer; else ""."""
    seen = article.seed_fields.get(label) or {}
    if seen.get("outcome") not in SEED_FAILED:
        return ""
    selector = json.dumps(seen.get("selector"), ensure_ascii=False)
    return f" (seed {selector} {SEED_FAILED[seen['outcome']]})"


def describe(article: Article) -> str:
    """The page's fields as a seed writer wants to see them: value and rule, one per line, and
    beside a field, the seed's selector that gave no value for it."""
    lines = [f"{'url':<8} {article.url}"]
    for name in SHOWN:
        value = getattr(article, name)
        rule = article.extracted_by.get(RULE_OF.get(name, name))
        label = RULE_OF.get(name, name)
        if not value or rule is None:
            lines.append(f"{label:<8} -{seed_note(article, label)}")
            continue
        if isinstance(value, datetime):
            shown = value.isoformat()
        elif name == "body_html":
            shown = (
                f"{len(article.text or '')} characters, {len(article.image_urls)} images: "
                f"{' '.join((article.text or '').split())[:200]}"
            )
        else:
            shown = " ".join(str(value).split())
        lines.append(f"{label:<8} [{rule}] {shown}{seed_note(article, label)}")
    return "\n".join(lines)


def emit(text: str) -> None:
    """Print one page's fields; a reader that went away (``| head``) ends the output quietly."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # Python would report the pipe again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def as_json(article: Article) -> str:
    """The article as one JSON object, serialized as the JSON Lines feed writes it."""
    out = io.BytesIO()
    IsoDateJsonLinesItemExporter(out, encoding="utf-8").export_item(article)
    return out.getvalue().decode("utf-8").rstrip("\n")


class ExtractSpider(ArticlePages, Spider):
    """Fetches pages through the engine (robots.txt, headers, encodings as in a crawl), an
    article's next pages too, and prints each article."""

    name = "extract"
    # The [settings] of the seed given with --seed: its pages are asked as its crawl asks them.
    seed_settings: ClassVar[tuple[tuple[str, Any], ...]] = ()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        apply_seed_settings(settings, cls.seed_settings)

    def __init__(self, urls: list[str], source: Source | None, show: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.urls, self.source, self.show = urls, source, show

    async def start(self):
        for url in self.urls:
            yield Request(url, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: Response) -> Iterator[Request]:
        kind = not_a_page(response) or empty_page(response)
        if kind:
            print(f"error: {response.url}: not a page ({kind})", file=sys.stderr)
            self.crawler.stats.set_value("extract/failed", True)
            return
        tracking = tuple(self.crawler.settings.getlist("TRACKING_PARAMS"))
        options = extract_options(self.source, tracking)
        for result in self.article_pages(response, extract_article(response, options), options):
            if isinstance(result, Request):
                yield result
            else:
                emit(self.show(result))

    def parse_next_page(self, response: Response, **kwargs: Any) -> Iterator[Request]:
        for result in super().parse_next_page(response, **kwargs):
            if isinstance(result, Request):
                yield result
            else:
                emit(self.show(result))

    def next_page_failed(self, failure: Any) -> None:
        for article in super().next_page_failed(failure):
            emit(self.show(article))

    def failed(self, failure: Any) -> None:
        print(f"error: {failure.request.url}: {failure_reason(failure)}", file=sys.stderr)
        self.crawler.stats.set_value("extract/failed", True)


class Command(ScrapyCommand):
    requires_project = True
    # Made in run() once the -s settings are checked (see crawler.commands.crawler_process).
    requires_crawler_process = False
    # Above the project's settings: this command writes nothing, and says only what it found.
    QUIET: ClassVar[dict[str, Any]] = {
        "LOG_LEVEL": "WARNING",
        "ITEM_PIPELINES": {},
        # Routine network failures in one line, as in a crawl; no other extension.
        "EXTENSIONS": {"crawler.logfilters.OneLineFailures": 540},
        # One process, never a worker of a distributed crawl.
        "REDIS_URL": None,
    }

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        for name, value in self.QUIET.items():
            if self.settings.getpriority(name) < SETTINGS_PRIORITIES["cmdline"]:
                self.settings.set(name, value, priority="cmdline")

    def syntax(self) -> str:
        return "URL|FILE [URL|FILE ...] [--seed NAME] [--json]"

    def short_desc(self) -> str:
        return "Print every field of each page as a crawl builds it, and the rule that gave it"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--seed", help="read the page with this seed's [article] rules")
        parser.add_argument(
            "--json", action="store_true", help="print the article as its JSON Lines feed would"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give a URL or a file")
        error = cmdline_error(self.settings)
        if error:
            self.exitcode = refuse(error)
            return
        self.crawler_process = crawler_process(self.settings)
        source = None
        if opts.seed:
            loader = self.crawler_process.spider_loader
            error = seed_error(self.settings, opts.seed, loader)
            if error:
                self.exitcode = refuse(f"--seed {opts.seed}: {error}")
                return
            source = getattr(loader.load(opts.seed), "source", None)
            if source is None:
                self.exitcode = refuse(f"--seed {opts.seed}: not a seed's spider")
                return
        show = as_json if opts.json else describe
        files = [Path(target) for target in args if "://" not in target]
        for path in files:
            if not path.is_file():
                what = "not a file" if path.exists() else "no such file"
                self.exitcode = refuse(f"{path}: {what} (or give a URL)")
                return
        tracking = tuple(self.settings.getlist("TRACKING_PARAMS"))
        for path in files:
            response = file_response(path)
            problem = not_a_page(response) or empty_page(response)
            if problem:
                print(f"error: {path}: not a page ({problem})", file=sys.stderr)
                self.exitcode = 1
                continue
            emit(show(extracted(response, source, tracking)))
        urls = [target for target in args if "://" in target]
        if not urls:
            return
        spider = ExtractSpider
        if source is not None and source.settings:
            spider = type("ExtractSpider", (ExtractSpider,), {"seed_settings": source.settings})
        crawler = self.crawler_process.create_crawler(spider)
        self.crawler_process.crawl(crawler, urls=urls, source=source, show=show)
        self.crawler_process.start()
        if crawler.stats.get_value("extract/failed"):
            self.exitcode = 1


def file_response(path: Path) -> Response:
    """The response Scrapy's file handler gives for a file (its class by the file's name and
    first bytes, scrapy.responsetypes), for a ``file://`` address of it."""
    body = path.read_bytes()
    kind = responsetypes.from_args(filename=str(path), body=body)
    return kind(url=path.resolve().as_uri(), body=body)


def empty_page(response: Response) -> str | None:
    """ "empty" for a response of nothing but whitespace and NUL bytes, else None."""
    return None if response.body.strip(b" \t\r\n\f\x00") else "empty"
