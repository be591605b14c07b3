"""`scrapy runspider`: Scrapy's command, with a bad `-s`/`-L` value refused in one line instead
of a traceback (see SpiderOptionChecked)."""

from __future__ import annotations

from scrapy.commands.runspider import Command as ScrapyRunspiderCommand

from crawler.commands import SpiderOptionChecked


class Command(SpiderOptionChecked, ScrapyRunspiderCommand):
    pass
