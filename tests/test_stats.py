"""The crawl's stats collector (crawler.stats): Scrapy's MemoryStatsCollector's behaviour,
without Scrapy's per-call wrapper."""

from __future__ import annotations

import warnings

import pytest
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.stats import StatsCollector


def project_crawler():
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("TWISTED_REACTOR_ENABLED", False)  # no engine runs here
    return get_crawler(settings_dict=settings.copy_to_dict())


def test_the_crawl_collects_its_stats_with_ours_and_calls_no_wrapper():
    stats = project_crawler().stats
    assert type(stats) is StatsCollector
    # A plain bound method: no wrapper built or run per call, no __getattribute__ of Scrapy's.
    assert stats.inc_value.__func__ is StatsCollector.inc_value


def test_it_keeps_scrapys_stats_and_their_rules():
    stats = project_crawler().stats
    stats.open_spider()
    stats.inc_value("pages")
    stats.inc_value("pages", 2)
    stats.inc_value("started_at_ten", start=10)
    stats.max_value("max", 3)
    stats.max_value("max", 1)
    stats.min_value("min", 3)
    stats.min_value("min", 1)
    stats.set_value("reason", "finished")
    assert stats.get_stats() == {
        "pages": 3,
        "started_at_ten": 11,
        "max": 3,
        "min": 1,
        "reason": "finished",
    }
    assert stats.get_value("missing", "default") == "default"
    stats.set_stats({"a": 1})
    assert stats.get_stats() == {"a": 1}
    stats.clear_stats()
    assert stats.get_stats() == {}


def test_a_spider_argument_is_still_deprecated():
    stats = project_crawler().stats
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.inc_value("quiet")  # no warning without one
    with pytest.warns(ScrapyDeprecationWarning, match=r"inc_value\(\) is deprecated"):
        stats.inc_value("pages", spider=object())
    assert stats.get_value("pages") == 1
