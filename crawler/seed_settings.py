"""The Scrapy settings a seed's ``[settings]`` table may set for its own crawl, each checked;
and the settings given on the command line (``-s NAME=VALUE``, ``-L``), checked by the same rules
once read as their defaults' type."""

from __future__ import annotations

import copy
import difflib
import json
import logging
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.settings import SETTINGS_PRIORITIES, default_settings

from crawler import settings as project

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# A seed's settings are set on its crawler's settings as custom_settings are, at Scrapy's
# "spider" priority: above settings.py, below `-s NAME=VALUE`. A setting is allowed when it
# takes effect per crawl (a crawler reads it from its own settings) and belongs to the source
# rather than the project.


class SettingError(ValueError):
    """A ``[settings]`` entry that cannot be used: the setting's name, and why."""

    def __init__(self, name: str, reason: str):
        self.name, self.reason = name, reason
        super().__init__(f"{name}: {reason}")


Check = Callable[[Any], Any]


def _number(least: float, *, above: bool = False, whole: bool = False) -> Check:
    """A TOML number >= ``least`` (> when ``above``); ``whole``: an integer."""
    kinds = int if whole else int | float
    what = ("a whole number" if whole else "a number") + (" > " if above else " >= ")

    def check(value: Any) -> Any:
        if (
            isinstance(value, bool)
            or not isinstance(value, kinds)
            or not math.isfinite(value)
            or value < least
            or (above and value == least)
        ):
            raise ValueError(f"must be {what}{least:g}, not {value!r}")
        return value

    return check


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {value!r}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty string, not {value!r}")
    return value


def _choice(*choices: str) -> Check:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return check


def _url(value: Any) -> str:
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
        raise ValueError(f"must be an http(s) URL, not {value!r}")
    return value


def _texts(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"must be a list of strings, not {value!r}")
    return value


def _statuses(value: Any) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 100 <= v <= 599 for v in value
    ):
        raise ValueError(f"must be a list of HTTP status codes (100 to 599), not {value!r}")
    return value


def _headers(value: Any) -> dict[str, str]:
    """Request headers, ``{"Accept-Language" = "zh-CN"}``: names and values strings."""
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(f"must be a table of header names and string values, not {value!r}")
    return value


# Keys of a DOWNLOAD_SLOTS entry (Scrapy's downloader slot options).
_SLOT_KEYS = {
    "concurrency": _number(1, whole=True),
    "delay": _number(0),
    "randomize_delay": _flag,
}


def _slots(value: Any) -> dict[str, dict[str, Any]]:
    """DOWNLOAD_SLOTS: ``{"img.example" = {concurrency = 2, delay = 0.5}}``."""
    if not isinstance(value, dict):
        raise ValueError(f"must be a table of slot names (hosts) and their options, not {value!r}")
    for slot, options in value.items():
        if not isinstance(options, dict):
            raise ValueError(f"{slot}: must be a table ({', '.join(_SLOT_KEYS)})")
        for key, option in options.items():
            if key not in _SLOT_KEYS:
                raise ValueError(f"{slot}.{key}: unknown key (allowed: {', '.join(_SLOT_KEYS)})")
            try:
                _SLOT_KEYS[key](option)
            except ValueError as exc:
                raise ValueError(f"{slot}.{key}: {exc}") from None
    return value


_LOG_LEVELS = tuple(logging.getLevelName(n) for n in (10, 20, 30, 40, 50))

# What a seed may set, and how its value is checked. Scrapy's own settings mean what Scrapy's
# documentation says; the project's are in crawler/settings.py.
SEED_SETTINGS: dict[str, Check] = {
    # How hard the site is asked: delay, concurrency, AutoThrottle, robots.txt.
    "DOWNLOAD_DELAY": _number(0),
    "RANDOMIZE_DOWNLOAD_DELAY": _flag,
    "CONCURRENT_REQUESTS": _number(1, whole=True),
    "CONCURRENT_REQUESTS_PER_DOMAIN": _number(1, whole=True),
    "DOWNLOAD_SLOTS": _slots,
    "AUTOTHROTTLE_ENABLED": _flag,
    "AUTOTHROTTLE_START_DELAY": _number(0),
    "AUTOTHROTTLE_MAX_DELAY": _number(0),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": _number(0, above=True),
    "AUTOTHROTTLE_DEBUG": _flag,
    "ROBOTSTXT_OBEY": _flag,
    "ROBOTSTXT_USER_AGENT": _text,
    # What each request says: user agent, headers, cookies, Referer.
    "USER_AGENT": _text,
    "DEFAULT_REQUEST_HEADERS": _headers,
    "COOKIES_ENABLED": _flag,
    "COOKIES_DEBUG": _flag,
    "REFERER_ENABLED": _flag,
    "REFERRER_POLICY": _text,
    "HTTPPROXY_ENABLED": _flag,
    # How a page is fetched: timeouts, retries, redirects, sizes, status codes.
    "DOWNLOAD_TIMEOUT": _number(0, above=True),
    "DOWNLOAD_MAXSIZE": _number(0, whole=True),
    "DOWNLOAD_WARNSIZE": _number(0, whole=True),
    "DOWNLOAD_FAIL_ON_DATALOSS": _flag,
    "COMPRESSION_ENABLED": _flag,
    "RETRY_ENABLED": _flag,
    "RETRY_TIMES": _number(0, whole=True),
    "RETRY_HTTP_CODES": _statuses,
    "REDIRECT_ENABLED": _flag,
    "REDIRECT_MAX_TIMES": _number(0, whole=True),
    "METAREFRESH_ENABLED": _flag,
    "HTTPERROR_ALLOWED_CODES": _statuses,
    # When the crawl stops early.
    "CLOSESPIDER_TIMEOUT": _number(0),
    "CLOSESPIDER_PAGECOUNT": _number(0, whole=True),
    "CLOSESPIDER_ITEMCOUNT": _number(0, whole=True),
    "CLOSESPIDER_ERRORCOUNT": _number(0, whole=True),
    "LOG_LEVEL": _choice(*_LOG_LEVELS),
    # The project's settings that are a source's business (crawler/settings.py).
    "ARTICLE_MAX_BYTES": _number(1, whole=True),
    "ARTICLE_MAX_PAGES": _number(1, whole=True),
    "DATE_FALLBACK": _choice("listing", "drop"),
    "TRACKING_PARAMS": _texts,
    "RETRY_FAILED_AFTER": _number(0),
    "IMAGES_ENABLED": _flag,
    "IMAGES_MIN_WIDTH": _number(0, whole=True),
    "IMAGES_MIN_HEIGHT": _number(0, whole=True),
    "ALERT_WEBHOOK": _url,
    "RENDER_TIMEOUT": _number(0, above=True),
}

# Settings a seed cannot set, and what to do instead.
_PROCESS = "read once per process, before any seed's crawl: set it in settings.py or with -s"
_PROJECT = "a setting of the whole project, not of one source: set it in settings.py or with -s"
_COMPONENTS = (
    "the project's components: a seed's value would replace the whole table, leaving out the "
    "project's own; set it in settings.py"
)
REFUSED: dict[str, str] = {
    **dict.fromkeys(
        (
            "TWISTED_REACTOR",
            "TWISTED_REACTOR_ENABLED",
            "ASYNCIO_EVENT_LOOP",
            "FORCE_CRAWLER_PROCESS",
            "REACTOR_THREADPOOL_MAXSIZE",
            "DNS_RESOLVER",
            "TWISTED_DNS_RESOLVER",
            "DNSCACHE_ENABLED",
            "DNSCACHE_SIZE",
            "DNS_TIMEOUT",
            "SPIDER_LOADER_CLASS",
            "SPIDER_LOADER_WARN_ONLY",
            "SPIDER_MODULES",
            "NEWSPIDER_MODULE",
            "COMMANDS_MODULE",
            "TEMPLATES_DIR",
            "BOT_NAME",
            "LOG_FILE",
            "LOG_ENABLED",
            "LOG_STDOUT",
            "LOG_VERSIONS",
        ),
        _PROCESS,
    ),
    **dict.fromkeys(
        (
            "SEEDS_DIR",
            "OUTPUT_DIR",
            "RUN_ID",
            "WRITE_REPORTS",
            "DEDUPE_STORE",
            "DEDUPE_STORES",
            "EXPORTERS",
            "EXPORTERS_ENTRY_POINTS",
            "IMAGES_STORE",
            "IMAGES_URL_PREFIX",
            "SITE_URL",
            "SCHEDULE_MAX_CRAWLS",
            "SCHEDULE_STOP_TIMEOUT",
            "SPLASH_URL",
            "SPLASH_VENV",
            "DASHBOARD_RUNS",
            "DASHBOARD_ARTICLES",
        ),
        _PROJECT,
    ),
    **dict.fromkeys(
        (
            "ITEM_PIPELINES",
            "EXTENSIONS",
            "DOWNLOADER_MIDDLEWARES",
            "SPIDER_MIDDLEWARES",
            "DOWNLOAD_HANDLERS",
            "ADDONS",
        ),
        _COMPONENTS,
    ),
    "CONCURRENT_REQUESTS_PER_IP": "deprecated by Scrapy: use CONCURRENT_REQUESTS_PER_DOMAIN",
    "IMAGES_DOMAINS": "use the seed's image_domains key",
    "IMAGES_REFERER": "use the seed's image_referer key",
}


def _known(name: str) -> bool:
    """Whether Scrapy or this project defines the setting."""
    return name in vars(default_settings) or name in vars(project)


def _refusal(name: str) -> str:
    """Why a name that is not in SEED_SETTINGS cannot be set, in one line."""
    if name in REFUSED:
        return REFUSED[name]
    if name.startswith("HEALTH_"):
        return "use the seed's [health] table"
    if name.endswith("_BASE"):
        return f"{name} holds Scrapy's defaults: set {name.removesuffix('_BASE')} in settings.py"
    if name != name.upper() and name.upper() in SEED_SETTINGS:
        return f"setting names are upper case: {name.upper()}"
    if name.isupper() and _known(name):
        return "a setting a seed cannot set (the README's seeds section lists those it can)"
    close = difflib.get_close_matches(name, SEED_SETTINGS, n=1)
    hint = f": did you mean {close[0]}?" if close else ""
    return f"no such setting a seed can set{hint}"


def check_settings(table: Any) -> tuple[tuple[str, Any], ...]:
    """A seed's ``[settings]`` table as (name, value) pairs in file order, each value checked.

    Raises SettingError naming the first setting that cannot be set, or whose value is wrong.
    """
    if not isinstance(table, dict):
        raise SettingError("", "must be a table of Scrapy settings ([settings])")
    checked = []
    for name, value in table.items():
        check = SEED_SETTINGS.get(name)
        if check is None:
            raise SettingError(name, _refusal(name))
        try:
            checked.append((name, check(value)))
        except ValueError as exc:
            raise SettingError(name, str(exc)) from None
    return tuple(checked)


def apply_seed_settings(settings: BaseSettings, seed_settings: tuple[tuple[str, Any], ...]) -> None:
    """Set a seed's checked settings on its crawler's settings at Scrapy's "spider" priority (a
    ``-s NAME=VALUE`` stays). DEFAULT_REQUEST_HEADERS are added to the headers already there,
    a name given in any case replacing theirs, rather than put in their place."""
    for name, value in seed_settings:
        value = copy.deepcopy(value)
        if name == "DEFAULT_REQUEST_HEADERS":
            names = {header.lower() for header in value}
            kept = settings.getdict(name)
            value = {**{k: v for k, v in kept.items() if k.lower() not in names}, **value}
        settings.set(name, value, priority="spider")


# Settings whose default is a whole number but that are read as a number of seconds (getfloat),
# so 2.5 is theirs to take (tests/test_cmdline_settings.py finds each in Scrapy's and our code).
FRACTIONAL = frozenset(
    {
        "DNS_TIMEOUT",
        "DOWNLOAD_DELAY",
        "DOWNLOAD_TIMEOUT",
        "IDLE_CLOSE_SECONDS",
        "RENDER_TIMEOUT",
        "RETRY_FAILED_AFTER",
        "WORKER_LEASE_SECONDS",
    }
)


def _processes(value: Any) -> int | str:
    """EXTRACT_PROCESSES: "auto", or a whole number >= 0 (given as text on the command line)."""
    if value == "auto":
        return value
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if isinstance(value, bool) or number < 0 or str(number) != str(value).strip():
        raise ValueError(f"must be a whole number >= 0 or auto, not {value!r}")
    return number


# Settings only the command line or settings.py sets (not a seed), with their rule: those
# whose range matters, and those read as text by their rule (TEXT_RULED). Checked as a seed's
# settings are (read_cmdline).
CMDLINE_SETTINGS: dict[str, Check] = {
    "EXTRACT_PROCESSES": _processes,
    "EXTRACT_PROCESSES_AFTER": _number(0, whole=True),
    "EXTRACT_PROCESSES_BUSY": _number(0),
    "PROGRESS": _choice("auto", "log", "off"),  # crawler.progress.MODES (it imports seeds)
    "PROGRESS_INTERVAL": _number(0, above=True),
    "EXPORT_BATCH_MAX": _number(1, whole=True),
    "EXPORT_BATCH_WAIT": _number(0),
    "SCHEDULE_MAX_CRAWLS": _number(1, whole=True),
    "SCHEDULE_STOP_TIMEOUT": _number(0),
}
# Settings whose rule reads the text given itself (a number or a word).
TEXT_RULED = frozenset({"EXTRACT_PROCESSES"})


def default_of(name: str) -> Any:
    """The setting's default: this project's (crawler/settings.py), else Scrapy's; None when
    neither has one."""
    if name in vars(project):
        return vars(project)[name]
    return vars(default_settings).get(name)


def _as_bool(text: str) -> bool:
    """As Scrapy's getbool reads a string: an integer (0 is false), True, true, False, false."""
    try:
        return bool(int(text))
    except ValueError:
        if text in ("True", "true", "False", "false"):
            return text.lower() == "true"
        raise ValueError("must be true or false (or 1 or 0)") from None


def _as_number(text: str, *, whole: bool) -> float:
    """As getint (``whole``) or getfloat reads a string; not NaN or infinite."""
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError("must be a whole number" if whole else "must be a number")
    return value


def _as_dict(text: str) -> dict[Any, Any]:
    """As getdict reads a string: JSON, of an object (or of name/value pairs)."""
    try:
        return dict(json.loads(text))
    except (ValueError, TypeError):
        raise ValueError('must be a JSON object ({"name": value, ...})') from None


def _as_list(text: str, default: list[Any]) -> list[Any]:
    """As getlist reads a string (split at commas, nothing when empty), each part a whole
    number when the default's are (RETRY_HTTP_CODES)."""
    parts = text.split(",") if text else []
    if default and all(isinstance(v, int) and not isinstance(v, bool) for v in default):
        try:
            return [int(part) for part in parts]
        except ValueError:
            raise ValueError("must be whole numbers separated by commas") from None
    return parts


def read_cmdline(name: str, text: str) -> Any:
    """A setting given on the command line as ``text``, read as its reader reads it (Scrapy's
    getbool, getint, getfloat, getdict, getlist, by the type of its default; see FRACTIONAL),
    then checked by the rule a seed's ``[settings]`` has for it (SEED_SETTINGS: ranges, choices
    such as LOG_LEVEL's) or the command line's (CMDLINE_SETTINGS). An empty value given to a
    setting whose default is empty or unset leaves it so. A setting with neither a default nor
    a rule is taken as it is.

    Raises SettingError (name and reason: "must be ..., not VALUE", or the rule's)."""
    default = None if name in TEXT_RULED else default_of(name)
    try:
        if isinstance(default, bool):
            value: Any = _as_bool(text)
        elif isinstance(default, int | float):
            whole = isinstance(default, int) and name not in FRACTIONAL
            value = _as_number(text, whole=whole)
        elif isinstance(default, dict):
            value = _as_dict(text)
        elif isinstance(default, list | tuple):
            value = _as_list(text, list(default))
            if not default:  # parts of an unknown kind: Scrapy's reader takes any
                return value
        else:
            value = text
            if not text and not default:
                return value
    except ValueError as exc:
        raise SettingError(name, f"{exc}, not {text!r}") from None
    check = SEED_SETTINGS.get(name) or CMDLINE_SETTINGS.get(name)
    if check is not None:
        try:
            check(value)
        except ValueError as exc:
            raise SettingError(name, str(exc)) from None
    return value


def unknown_setting(name: str) -> str | None:
    """For a setting name neither Scrapy nor this project defines that is one letter or two
    from one they do (``DOWNLOAD_DELY``), a warning naming it; else None. A name far from
    every known one may be a plug-in's own setting: no warning."""
    if _known(name) or name in CMDLINE_SETTINGS:
        return None
    names = [n for n in (*vars(default_settings), *vars(project)) if n.isupper()]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.85)
    if not close:
        return None
    return f"{name} is no setting of Scrapy's or this project's (did you mean {close[0]}?)"


def cmdline_error(settings: BaseSettings) -> str | None:
    """The first setting given on the command line (``-s NAME=VALUE``, ``-L LEVEL``: Scrapy's
    "cmdline" priority) that its reader would fail on, or that breaks its seed rule, as one
    line naming the setting, what it must be and the value given; None when all are good.
    Values that are not strings (a command's own, such as the FEEDS of ``-o``) are not checked.
    A name that looks like a known setting misspelt gets a warning line on stderr
    (``unknown_setting``)."""
    cmdline = SETTINGS_PRIORITIES["cmdline"]
    for name in settings:
        text = settings[name]
        if settings.getpriority(name) != cmdline or not isinstance(text, str):
            continue
        typo = unknown_setting(name)
        if typo:
            # A warning only: the value may be meant for a plug-in of the user's.
            print(f"warning: {typo}", file=sys.stderr)
        try:
            read_cmdline(name, text)
        except SettingError as exc:
            joiner = " " if exc.reason.startswith("must ") else ": "
            return f"{name}{joiner}{exc.reason}"
    return None
