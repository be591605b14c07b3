"""`scrapy fetch`: Scrapy's command, with a bad `-s`/`-L` value (and, given `--spider NAME`, a bad
or unknown seed) refused in one line instead of a traceback (see SpiderOptionChecked)."""

from __future__ import annotations

from scrapy.commands.fetch import Command as ScrapyFetchCommand

from crawler.commands import SpiderOptionChecked


class Command(SpiderOptionChecked, ScrapyFetchCommand):
    pass
