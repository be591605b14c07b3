"""A seed's [settings] table: checked like every seed key, applied to its own crawl at Scrapy's
"spider" priority (over settings.py, under -s); the polite defaults a crawl has without it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import LOCAL_IMAGES, crawl, one_channel_seed, scrapy
from crawler import __version__
from crawler.seeds import SeedError, load_seed

SEED = """\
site = "Example"
allowed_domains = ["127.0.0.1"]

[[channels]]
name = "Home"
url = "http://127.0.0.1:1/"
"""


def seed_with(tmp_path: Path, settings: str) -> Path:
    path = tmp_path / "example.toml"
    path.write_text(SEED + "\n[settings]\n" + settings, "utf-8")
    return path


# (the [settings] lines, the key named in the error, words of the reason)
BAD = [
    ("DOWNLOAD_DELY = 2\n", "settings.DOWNLOAD_DELY", "did you mean DOWNLOAD_DELAY?"),
    ("download_delay = 2\n", "settings.download_delay", "upper case: DOWNLOAD_DELAY"),
    ('DOWNLOAD_DELAY = "2"\n', "settings.DOWNLOAD_DELAY", "must be a number >= 0, not '2'"),
    ("DOWNLOAD_DELAY = -1\n", "settings.DOWNLOAD_DELAY", "must be a number >= 0, not -1"),
    ("DOWNLOAD_DELAY = inf\n", "settings.DOWNLOAD_DELAY", "must be a number >= 0, not inf"),
    ("CONCURRENT_REQUESTS_PER_DOMAIN = 0\n", "settings.CONCURRENT_REQUESTS_PER_DOMAIN", ">= 1"),
    ("CONCURRENT_REQUESTS = 2.5\n", "settings.CONCURRENT_REQUESTS", "a whole number"),
    ("AUTOTHROTTLE_TARGET_CONCURRENCY = 0\n", "settings.AUTOTHROTTLE_TARGET_CONCURRENCY", "> 0"),
    ('COOKIES_ENABLED = "no"\n', "settings.COOKIES_ENABLED", "must be true or false"),
    ('USER_AGENT = ""\n', "settings.USER_AGENT", "non-empty string"),
    (
        "DEFAULT_REQUEST_HEADERS = { Accept-Language = 1 }\n",
        "settings.DEFAULT_REQUEST_HEADERS",
        "string values",
    ),
    ("RETRY_HTTP_CODES = [503, 999]\n", "settings.RETRY_HTTP_CODES", "HTTP status codes"),
    (
        'DOWNLOAD_SLOTS = { "img.example" = { delai = 1 } }\n',
        "settings.DOWNLOAD_SLOTS",
        "img.example.delai: unknown key",
    ),
    ('LOG_LEVEL = "LOUD"\n', "settings.LOG_LEVEL", "'LOUD' is not one of DEBUG, INFO"),
    ('ALERT_WEBHOOK = "hooks.example/x"\n', "settings.ALERT_WEBHOOK", "http(s) URL"),
    (
        'TWISTED_REACTOR = "twisted.internet.epollreactor.EPollReactor"\n',
        "settings.TWISTED_REACTOR",
        "read once per process",
    ),
    ('SPIDER_MODULES = ["x"]\n', "settings.SPIDER_MODULES", "read once per process"),
    ('OUTPUT_DIR = "elsewhere"\n', "settings.OUTPUT_DIR", "of the whole project"),
    ("ITEM_PIPELINES = {}\n", "settings.ITEM_PIPELINES", "replace the whole table"),
    ("HEALTH_MIN_EXPORTED = 0.5\n", "settings.HEALTH_MIN_EXPORTED", "[health] table"),
    ('IMAGES_DOMAINS = ["x"]\n', "settings.IMAGES_DOMAINS", "image_domains key"),
    ("DEPTH_PRIORITY = 1\n", "settings.DEPTH_PRIORITY", "a setting a seed cannot set"),
]


@pytest.mark.parametrize(("lines", "key", "reason"), BAD, ids=[b[1] + ":" + b[0] for b in BAD])
def test_bad_settings_are_refused_naming_file_key_and_reason(tmp_path, lines, key, reason):
    path = seed_with(tmp_path, lines)
    with pytest.raises(SeedError) as refused:
        load_seed(path)
    assert str(refused.value).startswith(f"{path}: {key}: ")
    assert reason in refused.value.reason


def test_settings_must_be_a_table(tmp_path):
    path = tmp_path / "example.toml"
    path.write_text('settings = "fast"\n' + SEED, "utf-8")
    with pytest.raises(SeedError, match=r": settings: must be a table"):
        load_seed(path)


def test_good_settings_are_read_in_file_order(tmp_path):
    path = seed_with(
        tmp_path,
        'USER_AGENT = "bot/1 (+https://example.org/bot)"\nDOWNLOAD_DELAY = 2\n'
        "AUTOTHROTTLE_ENABLED = false\n"
        'DEFAULT_REQUEST_HEADERS = { Accept-Language = "zh-CN" }\n'
        'DOWNLOAD_SLOTS = { "img.example" = { concurrency = 2, delay = 0.5 } }\n',
    )
    assert load_seed(path).settings == (
        ("USER_AGENT", "bot/1 (+https://example.org/bot)"),
        ("DOWNLOAD_DELAY", 2),
        ("AUTOTHROTTLE_ENABLED", False),
        ("DEFAULT_REQUEST_HEADERS", {"Accept-Language": "zh-CN"}),
        ("DOWNLOAD_SLOTS", {"img.example": {"concurrency": 2, "delay": 0.5}}),
    )


def small_site(tmp_path: Path, serve, settings: str = "") -> tuple[Path, object]:
    """A listing of two articles, served; its seed (with these [settings] lines) in a folder."""
    root = tmp_path / "site"
    root.mkdir()
    for n in (1, 2):
        (root / f"a{n}.html").write_text(
            f"<html><head><title>Story {n}</title></head><body><h1>Story {n}</h1>"
            f"<div class='c'><p>The text of story {n}, long enough to be read.</p></div>"
            "</body></html>"
        )
    (root / "index.html").write_text(
        "<a class='s' href='/a1.html'>1</a><a class='s' href='/a2.html'>2</a>"
    )
    server = serve(root)
    seeds = one_channel_seed(
        tmp_path, "small", f"{server.base_url}/index.html", '"a.s::attr(href)"', 'body = ".c"'
    )
    if settings:
        seed = seeds / "small.toml"
        seed.write_text(seed.read_text("utf-8") + "[settings]\n" + settings, "utf-8")
    return seeds, server


def overridden_settings(log: str) -> dict:
    """Scrapy's "Overridden settings:" log entry of the crawl: the settings its crawler has that
    differ from Scrapy's defaults."""
    found = re.search(r"Overridden settings:\n(\{.*?\})\n\d{4}-", log, re.S)
    assert found, log[-3000:]
    return ast.literal_eval(found.group(1))


def test_a_seeds_settings_take_effect_and_command_line_settings_win(tmp_path, serve):
    seeds, server = small_site(
        tmp_path,
        serve,
        'USER_AGENT = "smallbot/2.0 (+mailto:desk@small.example)"\n'
        'DEFAULT_REQUEST_HEADERS = { "accept-language" = "zh-CN", X-Seed = "small" }\n'
        "DOWNLOAD_DELAY = 0.3\nRANDOMIZE_DOWNLOAD_DELAY = false\n",
    )
    result = crawl("small", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(result.feed_lines("small")) == 2
    # robots.txt, the listing and two articles, each asked as the seed says.
    assert len(server.hits) == 4
    for hit in server.hits:
        assert hit.headers["User-Agent"] == "smallbot/2.0 (+mailto:desk@small.example)"
        assert hit.headers["X-Seed"] == "small"
        # The seed's header replaces the project's of the same name in any case; the others stay.
        assert hit.headers["Accept-Language"] == "zh-CN"
        assert hit.headers["Accept"].startswith("text/html")
    # DOWNLOAD_DELAY: the crawler has it, and its one downloader slot waited as long.
    settings = overridden_settings(result.stderr)
    assert settings["DOWNLOAD_DELAY"] == 0.3
    assert settings["RANDOMIZE_DOWNLOAD_DELAY"] is False
    # Times are taken as the server handles each request: a busy machine can delay the first of
    # two by a few tens of milliseconds; without the delay the gaps are a few milliseconds.
    gaps = [b.at - a.at for a, b in zip(server.hits, server.hits[1:], strict=False)]
    assert min(gaps) >= 0.2, gaps
    # A user agent that names a contact: no warning.
    assert "USER_AGENT is the default" not in result.stderr

    server.hits.clear()
    again = crawl("small", seeds, tmp_path / "out2", "-s", "USER_AGENT=cli/1", "-a", "refresh=1")
    assert again.returncode == 0, again.stderr[-3000:]
    assert server.hits and {hit.headers["User-Agent"] for hit in server.hits} == {"cli/1"}


def test_polite_by_default_autothrottle_and_a_warning_for_the_default_user_agent(tmp_path, serve):
    """Without -s AUTOTHROTTLE_ENABLED=False (which the other tests' crawls give): AutoThrottle
    is on, waits AUTOTHROTTLE_START_DELAY before a site's second request, and the crawl warns
    that USER_AGENT names no contact."""
    seeds, server = small_site(tmp_path, serve)
    proc = scrapy(
        "crawl", "small", "-s", f"SEEDS_DIR={seeds}", "-s", f"OUTPUT_DIR={tmp_path / 'out'}",
        *LOCAL_IMAGES, "-s", "AUTOTHROTTLE_DEBUG=True",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    enabled = re.search(r"Enabled extensions:\n(\[.*?\])", proc.stderr, re.S)
    assert enabled and "scrapy.extensions.throttle.AutoThrottle" in enabled.group(1)
    assert "slot: 127.0.0.1" in proc.stderr  # AutoThrottle's own lines of its delays
    default = f"crawler/{__version__} (+contact not set)"
    assert {hit.headers["User-Agent"] for hit in server.hits} == {default}
    gaps = [b.at - a.at for a, b in zip(server.hits, server.hits[1:], strict=False)]
    # The start delay (1 s, randomized by 0.5 to 1.5) before the second request.
    assert gaps[0] >= 0.45, gaps
    warnings = [line for line in proc.stderr.splitlines() if "USER_AGENT is the default" in line]
    assert len(warnings) == 1 and "WARNING" in warnings[0] and repr(default) in warnings[0]


def test_extract_with_a_seed_asks_as_its_crawl_does(tmp_path, serve):
    seeds, server = small_site(tmp_path, serve, 'USER_AGENT = "smallbot/2.0"\n')
    proc = scrapy(
        "extract", "--seed", "small", f"{server.base_url}/a1.html", "-s", f"SEEDS_DIR={seeds}"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Story 1" in proc.stdout
    assert {hit.headers["User-Agent"] for hit in server.hits} == {"smallbot/2.0"}
