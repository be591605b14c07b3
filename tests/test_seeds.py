"""Bad seed files are refused before any request: one line with file, key and reason."""

from __future__ import annotations

import inspect
import shutil

import pytest
from scrapy.settings import Settings

from conftest import ROOT, make_source, scrapy
from crawler.seeds import load_seed

GOOD = """\
site = "Example"
group = "Test"
allowed_domains = ["127.0.0.1"]
timezone = "Asia/Shanghai"
schedule = "*/30 * * * *"

[[channels]]
name = "Home"
url = "{base}/"

[listing]
link = "h2 a::attr(href)"

[article]
body = ".content"
"""

# (name, change to the good seed, key named in the error, words of the reason)
BAD_SEEDS = [
    (
        "unknown_key",
        lambda s: s.replace('group = "Test"', 'group = "Test"\nsection = "x"'),
        "section",
        "unknown key",
    ),
    (
        "missing_channel",
        lambda s: s.split("[[channels]]")[0] + '[listing]\nlink = "a"\n',
        "channels",
        "missing",
    ),
    (
        "bad_selector",
        lambda s: s.replace('body = ".content"', 'body = "div[[x"'),
        "article.body",
        "does not compile",
    ),
    (
        "bad_xpath",
        lambda s: s.replace('link = "h2 a::attr(href)"', 'link = "//a[@href"'),
        "listing.link",
        "XPath selector",
    ),
    (
        "bad_timezone",
        lambda s: s.replace("Asia/Shanghai", "Mars/Olympus"),
        "timezone",
        "unknown timezone 'Mars/Olympus'",
    ),
    (
        "bad_cron",
        lambda s: s.replace("*/30 * * * *", "every half hour"),
        "schedule",
        "not a valid cron expression",
    ),
    (
        "offsite_channel",
        lambda s: s.replace('url = "{base}/"', 'url = "https://example.org/"'),
        "channels[0].url",
        "outside allowed_domains",
    ),
    (
        "invalid_toml",
        lambda s: s.replace('site = "Example"', 'site = "Example'),
        "",
        "invalid TOML",
    ),
    (
        "language_word",
        lambda s: s.replace('group = "Test"', 'group = "Test"\nlanguage = "english"'),
        "language",
        "unknown language code 'english'",
    ),
    (
        "language_unknown",
        lambda s: s.replace('group = "Test"', 'group = "Test"\nlanguage = "xx"'),
        "language",
        "unknown language code",
    ),
    (
        "misspelt_key",
        lambda s: s.replace('group = "Test"', 'group = "Test"\ntimezon = "UTC"'),
        "timezon",
        "unknown key (did you mean timezone? allowed: ",
    ),
    (
        "misspelt_article_key",
        lambda s: s.replace('body = ".content"', 'body = ".content"\ntitel = "h1"'),
        "article.titel",
        "unknown key (did you mean title? allowed: ",
    ),
    (
        "health_unknown_key",
        lambda s: s + "[health]\nmin_export = 0.5\n",
        "health.min_export",
        "unknown key",
    ),
    (
        "health_share",
        lambda s: s + "[health]\nmax_error_rate = 5\n",
        "health.max_error_rate",
        "must be a share between 0 and 1, not 5",
    ),
    (
        "health_coverage_field",
        lambda s: s + "[health.min_coverage]\nbody = 0.5\n",
        "health.min_coverage.body",
        "unknown key (allowed: author, date, headimg, text)",
    ),
    (
        "settings_per_process",
        lambda s: s + '[settings]\nTWISTED_REACTOR = "twisted.internet.pollreactor.PollReactor"\n',
        "settings.TWISTED_REACTOR",
        "read once per process",
    ),
    (
        "settings_ill_typed",
        lambda s: s + '[settings]\nDOWNLOAD_DELAY = "1s"\n',
        "settings.DOWNLOAD_DELAY",
        "must be a number >= 0, not '1s'",
    ),
    (
        "health_count",
        lambda s: s + "[health]\nmin_pages = 0\n",
        "health.min_pages",
        "must be a whole number >= 1",
    ),
]


@pytest.mark.parametrize(
    ("name", "change", "key", "reason"), BAD_SEEDS, ids=[b[0] for b in BAD_SEEDS]
)
def test_bad_seed_refused_before_any_request(tmp_path, serve, name, change, key, reason):
    server = serve(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    path = seeds / f"{name}.toml"
    path.write_text(change(GOOD).replace("{base}", server.base_url), "utf-8")
    proc = scrapy("crawl", name, "-s", f"SEEDS_DIR={seeds}", "-s", f"OUTPUT_DIR={tmp_path}/out")
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    # The one line alone: no start-up banner of Scrapy's before it.
    assert proc.stderr.splitlines() == errors and len(errors) == 1, proc.stderr
    assert str(path) in errors[0] and reason in errors[0]
    assert f": {key}: " in errors[0] if key else True
    assert server.hits == []


def test_list_shows_good_seeds_and_reports_bad_ones(tmp_path):
    (tmp_path / "good.toml").write_text(GOOD.replace("{base}", "http://127.0.0.1:1"), "utf-8")
    (tmp_path / "bad.toml").write_text(GOOD.replace("Asia/Shanghai", "Nowhere"), "utf-8")
    proc = scrapy("list", "-s", f"SEEDS_DIR={tmp_path}")
    assert proc.stdout.split() == ["good"]
    assert "bad.toml: timezone: unknown timezone 'Nowhere'" in proc.stderr
    assert proc.returncode == 1


def test_list_of_a_seed_folder_that_is_not_there(tmp_path):
    proc = scrapy("list", "-s", f"SEEDS_DIR={tmp_path / 'nowhere'}")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"error: no seed folder at {tmp_path / 'nowhere'}/ (SEEDS_DIR)"
    ]


def test_unknown_seed_name(tmp_path):
    proc = scrapy("crawl", "nothere", "-s", f"SEEDS_DIR={tmp_path}")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"error: no such spider: nothere (no seed nothere.toml in {tmp_path}/)"
    ]


def test_a_seed_name_misspelt_gets_the_closest_one(tmp_path):
    shutil.copy(ROOT / "seeds" / "demo.toml", tmp_path / "demo.toml")
    proc = scrapy("crawl", "dmeo", "-s", f"SEEDS_DIR={tmp_path}")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"error: no such spider: dmeo (no seed dmeo.toml in {tmp_path}/); did you mean demo?"
    ]


def test_shipped_seeds_load(tmp_path):
    proc = scrapy("list")
    assert proc.returncode == 0, proc.stderr
    assert {"demo", "guancha"} <= set(proc.stdout.split())


def test_good_seed_read_into_source(tmp_path):
    path = tmp_path / "example.toml"
    path.write_text(GOOD.replace("{base}", "http://127.0.0.1:8000"), "utf-8")
    source = load_seed(path)
    assert source.name == "example"
    assert source.channels[0].url == "http://127.0.0.1:8000/"
    assert source.channels[0].max_pages == 1
    assert source.listing.link == "h2 a::attr(href)"
    assert source.tzinfo.key == "Asia/Shanghai"


def test_health_table_read_into_settings(tmp_path):
    path = tmp_path / "example.toml"
    table = "[health]\nmin_exported = 0.5\nmin_pages = 3\n[health.min_coverage]\ndate = 0.9\n"
    path.write_text(GOOD.replace("{base}", "http://127.0.0.1:8000") + table, "utf-8")
    assert load_seed(path).health.settings() == {
        "HEALTH_MIN_EXPORTED": 0.5,
        "HEALTH_MIN_PAGES": 3,
        "HEALTH_MIN_COVERAGE": {"date": 0.9},
    }


def test_no_callback_of_a_seed_spider_is_a_generator_returning_a_value():
    """SeedSpider turns off Scrapy's check of each callback at crawl time
    (WARN_ON_GENERATOR_RETURN_VALUE, a cost on every response): the check is made here."""
    from scrapy.utils.misc import is_generator_with_return_value

    from crawler.spiderloader import spider_class
    from crawler.spiders.pages import ArticlePages
    from crawler.spiders.seed import SeedSpider

    settings = Settings()
    spider_class(make_source("checked")).update_settings(settings)
    assert settings.getbool("WARN_ON_GENERATOR_RETURN_VALUE") is False
    callbacks = [
        value
        for cls in (SeedSpider, ArticlePages)
        for value in vars(cls).values()
        if inspect.isgeneratorfunction(value) or inspect.isasyncgenfunction(value)
    ]
    assert len(callbacks) >= 5
    assert not [f.__qualname__ for f in callbacks if is_generator_with_return_value(f)]
