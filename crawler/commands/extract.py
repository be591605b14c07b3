"""`scrapy extract URL|FILE [--seed NAME]`: every field of one page and the rule that gave it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from scrapy import Request, Spider
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse
from scrapy.settings import SETTINGS_PRIORITIES

from crawler.cleaning import clean_body
from crawler.commands import refuse
from crawler.extract import FIELDS, extract_article
from crawler.extract.dates import parse_date
from crawler.seeds import ArticleRules, SeedError, Source

if TYPE_CHECKING:
    import argparse

    from scrapy.http import Response


def describe(response: Response, source: Source | None) -> str:
    """The page's fields as a seed writer wants to see them: value and rule, one per line."""
    rules = source.article if source else ArticleRules()
    language = source.language if source else "en"
    found = extract_article(response.selector, rules, url=response.url, language=language)
    lines = [f"{'url':<8} {response.url}"]
    for name in FIELDS:
        if name not in found:
            lines.append(f"{name:<8} -")
            continue
        value, rule = found[name]
        shown = " ".join(value.split())
        if name in ("date", "updated"):
            parsed = parse_date(value, source.tzinfo if source else ZoneInfo("UTC"), language)
            shown = f"{parsed.isoformat() if parsed else 'NOT A DATE'}  (from {shown[:60]!r})"
        elif name == "body":
            body = clean_body(value, response.url)
            shown = (
                f"{len(body.text)} characters, {len(body.images)} images: "
                f"{' '.join(body.text.split())[:200]}"
            )
        lines.append(f"{name:<8} [{rule}] {shown}")
    return "\n".join(lines)


class ExtractSpider(Spider):
    """Fetches one page through the engine (robots.txt, headers, encodings as in a crawl)."""

    name = "extract"

    def __init__(self, url: str, source: Source | None, **kwargs: Any):
        super().__init__(**kwargs)
        self.url, self.source = url, source

    async def start(self):
        yield Request(self.url, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: Response) -> None:
        print(describe(response, self.source))

    def failed(self, failure: Any) -> None:
        print(f"error: {self.url}: {failure.value!r}", file=sys.stderr)
        self.crawler.stats.set_value("extract/failed", True)


class Command(ScrapyCommand):
    requires_project = True
    # Above the project's settings: this command writes nothing, and says only what it found.
    QUIET: ClassVar[dict[str, Any]] = {
        "LOG_LEVEL": "WARNING",
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {},
    }

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        for name, value in self.QUIET.items():
            if self.settings.getpriority(name) < SETTINGS_PRIORITIES["cmdline"]:
                self.settings.set(name, value, priority="cmdline")

    def syntax(self) -> str:
        return "URL|FILE [--seed NAME]"

    def short_desc(self) -> str:
        return "Print every field of one page and the rule (seed, JSON-LD, meta, …) that gave it"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--seed", help="read the page with this seed's [article] rules")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one URL or file")
        source = None
        if opts.seed:
            try:
                source = self.crawler_process.spider_loader.load(opts.seed).source
            except (SeedError, KeyError, AttributeError) as exc:
                self.exitcode = refuse(f"--seed {opts.seed}: {exc}")
                return
        target = args[0]
        if "://" not in target:
            path = Path(target)
            if not path.is_file():
                self.exitcode = refuse(f"{target}: no such file (or give a URL)")
                return
            response = HtmlResponse(url=path.resolve().as_uri(), body=path.read_bytes())
            print(describe(response, source))
            return
        crawler = self.crawler_process.create_crawler(ExtractSpider)
        self.crawler_process.crawl(crawler, url=target, source=source)
        self.crawler_process.start()
        if crawler.stats.get_value("extract/failed"):
            self.exitcode = 1
