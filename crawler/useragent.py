"""A warning at crawl start while USER_AGENT is the project's default, which names no contact."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import settings as project

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ContactCheck:
    """Logs one warning when the crawl opens if its USER_AGENT is crawler/settings.py's: a site
    that sees the crawler in its logs cannot tell whom to write to. Left out otherwise."""

    def __init__(self, user_agent: str):
        self.user_agent = user_agent

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        user_agent = crawler.settings.get("USER_AGENT")
        if user_agent != project.USER_AGENT:
            raise NotConfigured("USER_AGENT is set")
        check = cls(user_agent)
        crawler.signals.connect(check.spider_opened, signal=signals.spider_opened)
        return check

    def spider_opened(self) -> None:
        logger.warning(
            "USER_AGENT is the default %r, which names no contact: set it to name you and how to "
            "reach you, e.g. 'crawler (+https://example.org/crawler; news@example.org)', in "
            "settings.py, with -s USER_AGENT=... or in a seed's [settings]",
            self.user_agent,
        )
