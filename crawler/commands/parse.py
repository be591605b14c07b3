"""`scrapy parse --spider NAME URL`: Scrapy's command, with a bad or unknown seed refused in one
line (see SpiderOptionChecked)."""

from __future__ import annotations

from scrapy.commands.parse import Command as ScrapyParseCommand

from crawler.commands import SpiderOptionChecked


class Command(SpiderOptionChecked, ScrapyParseCommand):
    pass
