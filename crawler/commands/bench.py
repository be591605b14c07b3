"""`scrapy bench`: Scrapy's command, with a bad `-s`/`-L` value refused in one line instead of a
traceback (see SpiderOptionChecked)."""

from __future__ import annotations

from scrapy.commands.bench import Command as ScrapyBenchCommand

from crawler.commands import SpiderOptionChecked


class Command(SpiderOptionChecked, ScrapyBenchCommand):
    pass
