"""Settings given on the command line (``-s NAME=VALUE``, ``-L LEVEL``) are checked before
anything is made: a value the crawl could not read (by the type of the setting's default, as
Scrapy's getters read it) or that breaks a seed's rule for it is refused in one line, exit
status 1, by every command that crawls; values Scrapy reads are taken."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import scrapy as scrapy_package
from scrapy.settings import Settings

from conftest import ROOT, scrapy
from crawler.seed_settings import FRACTIONAL, SettingError, cmdline_error, default_of, read_cmdline

# (-s NAME=VALUE, the one line printed)
BAD = [
    ("DOWNLOAD_DELAY=abc", "DOWNLOAD_DELAY must be a number, not 'abc'"),
    ("CONCURRENT_REQUESTS=x", "CONCURRENT_REQUESTS must be a whole number, not 'x'"),
    ("CONCURRENT_REQUESTS=1.5", "CONCURRENT_REQUESTS must be a whole number, not '1.5'"),
    ("ROBOTSTXT_OBEY=maybe", "ROBOTSTXT_OBEY must be true or false (or 1 or 0), not 'maybe'"),
    ("EXPORT_BATCH_WAIT=abc", "EXPORT_BATCH_WAIT must be a number, not 'abc'"),
    ("EXPORTERS={bad", """EXPORTERS must be a JSON object ({"name": value, ...}), not '{bad'"""),
    ("LOG_LEVEL=LOUD", "LOG_LEVEL: 'LOUD' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    (
        "RETRY_HTTP_CODES=500,x",
        "RETRY_HTTP_CODES must be whole numbers separated by commas, not '500,x'",
    ),
    # A seed's rule for the setting holds on the command line too.
    ("CONCURRENT_REQUESTS=0", "CONCURRENT_REQUESTS must be a whole number >= 1, not 0"),
    ("DOWNLOAD_TIMEOUT=0", "DOWNLOAD_TIMEOUT must be a number > 0, not 0.0"),
    # Settings a seed cannot set, whose default (None) does not tell their type, or whose
    # range matters: the command line's own rules.
    ("EXTRACT_PROCESSES=x", "EXTRACT_PROCESSES must be a whole number >= 0 or auto, not 'x'"),
    ("EXTRACT_PROCESSES=-1", "EXTRACT_PROCESSES must be a whole number >= 0 or auto, not '-1'"),
    ("EXTRACT_PROCESSES=1.5", "EXTRACT_PROCESSES must be a whole number >= 0 or auto, not '1.5'"),
    ("EXTRACT_PROCESSES_AFTER=-5", "EXTRACT_PROCESSES_AFTER must be a whole number >= 0, not -5"),
    ("EXTRACT_PROCESSES_BUSY=-0.5", "EXTRACT_PROCESSES_BUSY must be a number >= 0, not -0.5"),
    ("PROGRESS=loud", "PROGRESS: 'loud' is not one of auto, log, off"),
    ("EXPORT_BATCH_MAX=0", "EXPORT_BATCH_MAX must be a whole number >= 1, not 0"),
]


@pytest.mark.parametrize(("setting", "line"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_setting_is_refused_in_one_line_before_any_request(
    news_site, tmp_path, setting, line
):
    proc = scrapy(
        "crawl", "news", "-s", f"SEEDS_DIR={news_site.seeds}",
        "-s", f"OUTPUT_DIR={tmp_path / 'out'}", "-s", setting,
    )  # fmt: skip
    assert proc.returncode == 1
    # The one line alone: no traceback, no start-up banner before it.
    assert proc.stderr.splitlines() == [f"error: {line}"], proc.stderr[-3000:]
    assert news_site.server.paths() == []
    assert not (tmp_path / "out").exists()


def test_a_bad_log_level_given_with_dash_l_is_refused_too(news_site, tmp_path):
    proc = scrapy(
        "crawl", "news", "-L", "LOUD", "-s", f"SEEDS_DIR={news_site.seeds}",
        "-s", f"OUTPUT_DIR={tmp_path / 'out'}",
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "error: LOG_LEVEL: 'LOUD' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
    ]


@pytest.mark.parametrize(
    "command",
    [
        ("demo",),
        ("parse", "--spider", "news", "URL"),
        ("parse", "URL"),
        ("shell", "--spider", "news", "URL"),
        ("check",),
        ("schedule", "--once"),
        ("extract", "URL"),
        ("seed-frontier", "news", "-s", "REDIS_URL=redis://127.0.0.1:1"),
        # Scrapy's own commands, and ours that crawl nothing.
        ("fetch", "URL"),
        ("fetch", "--spider", "news", "URL"),
        ("view", "URL"),
        ("runspider", "spider.py"),
        ("bench",),
        ("report",),
        ("splash", "status"),
    ],
    ids=lambda command: " ".join(command),
)
def test_every_command_refuses_a_bad_setting(news_site, tmp_path, command):
    url = f"{news_site.server.base_url}/a/a01.html"
    command = tuple(url if part == "URL" else part for part in command)
    for bad in ("DOWNLOAD_DELAY=abc", "LOG_LEVEL=LOUD"):
        proc = scrapy(
            *command, "-s", f"SEEDS_DIR={news_site.seeds}", "-s", f"OUTPUT_DIR={tmp_path}",
            "-s", bad,
        )  # fmt: skip
        assert proc.returncode == 1, proc.stderr[-3000:]
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {bad.split('=')[0]}"), lines[-5:]
    assert news_site.server.paths() == []


def test_good_command_line_values_are_taken(news_site, tmp_path):
    """Values in the forms Scrapy's getters read: a crawl runs with them."""
    proc = scrapy(
        "crawl", "news", "-s", f"SEEDS_DIR={news_site.seeds}", "-s", f"OUTPUT_DIR={tmp_path}",
        "-s", "DOWNLOAD_TIMEOUT=2.5", "-s", "ROBOTSTXT_OBEY=false", "-s", "AUTOTHROTTLE_ENABLED=0",
        "-s", "IMAGES_ENABLED=False", "-s", "RETRY_HTTP_CODES=500,503", "-s", "ALERT_WEBHOOK=",
        "-s", 'EXPORTERS={"crawler.exporters.jsonl.JsonLinesExporter": {}}',
        "-s", "CLOSESPIDER_PAGECOUNT=3", "-L", "WARNING",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "error:" not in proc.stderr and "Traceback" not in proc.stderr
    assert news_site.server.paths()


def given(**values: str) -> Settings:
    """The project's settings with ``values`` given on the command line, as `scrapy` sets them."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(values, priority="cmdline")
    return settings


# (setting, text, Scrapy's getter of it): each text in GOOD is read, each in BAD_READ fails.
READERS = {
    "CONCURRENT_ITEMS": "getint",
    "PROGRESS_INTERVAL": "getfloat",
    "DOWNLOAD_DELAY": "getfloat",
    "COOKIES_DEBUG": "getbool",
    "EXPORTERS": "getdict",
    "TRACKING_PARAMS": "getlist",
}
GOOD = [
    ("CONCURRENT_ITEMS", " 12 "),
    ("PROGRESS_INTERVAL", "1e1"),
    ("DOWNLOAD_DELAY", "0.25"),
    ("COOKIES_DEBUG", "1"),
    ("COOKIES_DEBUG", "true"),
    ("COOKIES_DEBUG", "False"),
    ("EXPORTERS", "{}"),
    ("EXPORTERS", '[["crawler.exporters.jsonl.JsonLinesExporter", {}]]'),
    ("TRACKING_PARAMS", "utm_source,ref"),
    ("TRACKING_PARAMS", ""),
]
BAD_READ = [
    ("CONCURRENT_ITEMS", "2.0"),
    ("CONCURRENT_ITEMS", ""),
    ("PROGRESS_INTERVAL", "soon"),
    ("COOKIES_DEBUG", "yes"),
    ("COOKIES_DEBUG", "TRUE"),
    ("EXPORTERS", "{'single': 'quotes'}"),
    ("EXPORTERS", "3"),
]


@pytest.mark.parametrize(("name", "text"), GOOD)
def test_what_scrapy_reads_is_taken(name, text):
    getattr(given(**{name: text}), READERS[name])(name)  # Scrapy reads it
    assert cmdline_error(given(**{name: text})) is None


@pytest.mark.parametrize(("name", "text"), BAD_READ)
def test_what_scrapy_cannot_read_is_refused(name, text):
    with pytest.raises((ValueError, TypeError)):
        getattr(given(**{name: text}), READERS[name])(name)
    error = cmdline_error(given(**{name: text}))
    assert error is not None and error.startswith(name) and repr(text) in error
    with pytest.raises(SettingError):
        read_cmdline(name, text)


def test_values_a_command_sets_itself_and_unknown_settings_are_left_alone():
    settings = given(MY_OWN_SETTING="anything", REDIS_URL="redis://x")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("LOG_ENABLED", False, priority="cmdline")
    assert cmdline_error(settings) is None


def test_fractional_holds_every_whole_number_default_read_as_a_float():
    """Each setting read with getfloat (in Scrapy, its plug-ins here, or this project) whose
    default is a whole number is in FRACTIONAL: "2.5" is not refused as "a whole number"."""
    roots = [Path(scrapy_package.__file__).parent, ROOT / "crawler"]
    roots += sorted(Path(scrapy_package.__file__).parent.parent.glob("scrapy_*/"))
    read_as_float = set()
    for root in roots:
        for path in root.rglob("*.py"):
            text = path.read_text("utf-8", errors="replace")
            read_as_float |= set(re.findall(r'\.getfloat\(\s*"([A-Z0-9_]+)"', text))
    assert "DOWNLOAD_DELAY" in read_as_float  # the scan finds them
    whole = {
        name
        for name in read_as_float
        if isinstance(default_of(name), int) and not isinstance(default_of(name), bool)
    }
    assert whole == FRACTIONAL


def test_the_progress_rule_names_the_modes_progress_takes():
    """The command line's rule for PROGRESS is written out (crawler.progress imports what
    imports the rules): it must name exactly the modes crawler.progress takes."""
    from crawler.progress import MODES

    for mode in MODES:
        assert read_cmdline("PROGRESS", mode) == mode
    with pytest.raises(SettingError):
        read_cmdline("PROGRESS", "loud")
    assert read_cmdline("EXTRACT_PROCESSES", "auto") == "auto"  # one a spare CPU
    assert read_cmdline("EXTRACT_PROCESSES", "2") == "2"  # as getint will read it


def test_a_misspelt_setting_gets_a_warning_and_a_plugins_own_none(capsys):
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("DOWNLOAD_DELY", "1", priority="cmdline")
    settings.set("PLAYWRIGHT_BROWSER_TYPE", "firefox", priority="cmdline")  # scrapy-playwright's
    assert cmdline_error(settings) is None  # a warning, not a refusal
    assert capsys.readouterr().err.splitlines() == [
        "warning: DOWNLOAD_DELY is no setting of Scrapy's or this project's "
        "(did you mean DOWNLOAD_DELAY?)"
    ]
