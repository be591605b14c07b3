"""Load and validate seed files (seeds/NAME.toml) into Source objects, refusing bad ones."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from croniter import croniter
from lxml.etree import XPathError
from parsel import Selector
from w3lib.url import safe_url_string

from crawler.css import compiled, css, css_xpath, shared_select
from crawler.health import COVERAGE_FIELDS
from crawler.seed_settings import SettingError, check_settings

# How pages are fetched: as sent, or rendered by Splash or by Chromium through Playwright.
RENDER_MODES = ("none", "splash", "playwright")
# Which pages of a rendered source are rendered.
RENDER_PAGES = ("both", "listing", "article")
SPLASH_ENGINES = ("webkit", "chromium")
CHANNEL_TYPES = ("html", "feed", "sitemap", "auto")
IMAGE_REFERERS = ("none", "page")


class SeedError(ValueError):
    """A seed file that cannot be used; str() is one line: file, key, reason."""

    def __init__(self, path: Path | str, key: str, reason: str):
        self.path, self.key, self.reason = str(path), key, reason
        super().__init__(f"{self.path}: {key}: {reason}" if key else f"{self.path}: {reason}")


def host_in_domains(url: str, domains: tuple[str, ...]) -> bool:
    """Whether the URL's host is one of the domains or below one (Scrapy's offsite rule)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in domains)


def is_xpath(query: str) -> bool:
    """Seed selectors are XPath when they start with "/", "./" or "(", CSS otherwise."""
    return query.startswith(("/", "./", "("))


# A seed field: one selector, or several tried in order (a TOML list).
Query = str | tuple[str, ...]


def select(selector: Selector, query: Query) -> Any:
    """Apply a seed field (CSS or XPath) to a parsel selector. A list of selectors gives the
    results of the first one that matches: unlike a CSS comma list (``.story-body, .story``),
    which is a union in document order and so takes the outer ``.story``."""
    if isinstance(query, tuple):
        result = None
        for one in query:
            result = select(selector, one)
            if result:
                return result
        return result if result is not None else selector.xpath("/..")
    return selector.xpath(query) if is_xpath(query) else css(selector, query)


def select_nodes(
    selector: Selector, query: Query, shared: dict[Any, list[Any]] | None = None
) -> list[Any]:
    """``select(selector, query)`` unwrapped: the root of each of its results, in order (lxml
    elements; str for text and attribute results; a float, bool or str for an XPath of another
    type), without the parsel Selector that ``select`` makes for each. The query is evaluated
    as parsel evaluates it (compiled once: ``crawler.css.compiled``) on an HTML or XML
    selector's element; any other selector's results are ``select``'s own. Raises what
    ``select`` raises (ValueError for a bad XPath, cssselect's SelectorError for bad CSS).

    ``shared``: what the page's other queries found, for a CSS query on an HTML page's root
    to read rather than walk the page again (``crawler.css.shared_select``); a dict the caller
    starts empty for a page and keeps only while the page does not change."""
    if isinstance(query, tuple):
        nodes: list[Any] = []
        for one in query:
            nodes = select_nodes(selector, one, shared)
            if nodes:
                return nodes
        return nodes
    root = selector.root
    if is_xpath(query):
        xpath = query if selector.type in ("html", "xml") else None
    else:
        # An XML document's CSS is parsel's own translation (crawler.css.css).
        xpath = css_xpath(query) if selector.type == "html" else None
    if xpath is None or not hasattr(root, "xpath"):
        return [result.root for result in select(selector, query)]
    try:
        if shared is not None and not is_xpath(query):
            found = shared_select(root, xpath, shared)
            if found is not None:
                return found
        evaluate = compiled(xpath)
        if evaluate is None:
            return [result.root for result in selector.xpath(xpath)]
        nodes = evaluate(root)
    except XPathError as exc:
        raise ValueError(f"XPath error: {exc} in {xpath}")  # parsel's error  # noqa: B904
    return nodes if isinstance(nodes, list) else [nodes]


@dataclass(frozen=True)
class Channel:
    name: str
    url: str
    max_pages: int = 1
    type: str = "html"


@dataclass(frozen=True)
class ListingRules:
    link: Query | None = None
    item: Query | None = None
    title: Query | None = None
    date: Query | None = None
    next: Query | None = None


@dataclass(frozen=True)
class ArticleRules:
    title: Query | None = None
    date: Query | None = None
    updated: Query | None = None
    author: Query | None = None
    body: Query | None = None
    image: Query | None = None
    exclude: tuple[str, ...] = ()
    # The link to the article's next page, when the generic rule does not find it.
    next: Query | None = None


@dataclass(frozen=True)
class HealthRules:
    """A seed's ``[health]`` table: thresholds of its crawl's health checks (crawler.health);
    None (and a coverage field left out) keeps the project's setting."""

    min_articles_found: int | None = None
    min_exported: float | None = None
    max_error_rate: float | None = None
    max_export_errors: int | None = None
    min_pages: int | None = None
    # {field: floor} over the project's HEALTH_MIN_COVERAGE_BASE, as ((field, floor), ...).
    min_coverage: tuple[tuple[str, float], ...] = ()

    def settings(self) -> dict[str, Any]:
        """The HEALTH_* settings the table gives, for its spider's custom_settings."""
        values: dict[str, Any] = {
            f"HEALTH_{f.name.upper()}": getattr(self, f.name)
            for f in fields(self)
            if f.name != "min_coverage" and getattr(self, f.name) is not None
        }
        if self.min_coverage:
            values["HEALTH_MIN_COVERAGE"] = dict(self.min_coverage)
        return values


@dataclass(frozen=True)
class Source:
    """One news source, as its seed file describes it."""

    name: str
    path: str
    site: str
    allowed_domains: tuple[str, ...]
    channels: tuple[Channel, ...]
    group: str = ""
    timezone: str = "UTC"
    language: str = "en"
    render: str = "none"
    # Rendered pages: "both", or only the "listing" or the "article" pages.
    render_pages: str = "both"
    # Seconds a rendered page is given after it loaded (and showed wait_for).
    wait: float = 0.5
    # What a rendered article page must show before it is read (listing pages wait for the
    # listing's link selector).
    wait_for: Query | None = None
    splash_engine: str = "webkit"
    # Lua statements Splash runs on each rendered page once it has loaded (scroll, click).
    lua_source: str | None = None
    schedule: str | None = None
    image_referer: str = "none"
    # Hosts images may be downloaded from; empty: any host.
    image_domains: tuple[str, ...] = ()
    # Stop a channel's pagination at the first listing page whose articles are all seen.
    stop_on_seen: bool = True
    listing: ListingRules = field(default_factory=ListingRules)
    article: ArticleRules = field(default_factory=ArticleRules)
    health: HealthRules = field(default_factory=HealthRules)
    # The [settings] table: Scrapy settings of this seed's crawl, (name, value) in file order.
    settings: tuple[tuple[str, Any], ...] = ()

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _check_keys(path: Path, prefix: str, table: dict[str, Any], allowed: set[str]) -> None:
    """SeedError for the first key of ``table`` not in ``allowed``: the allowed keys listed,
    the closest one named first when a typo is likely (difflib, ratio at least 0.8)."""
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.8)
            hint = f"did you mean {close[0]}? " if close else ""
            raise SeedError(
                path,
                f"{prefix}{key}",
                f"unknown key ({hint}allowed: {', '.join(sorted(allowed))})",
            )


def _string(path: Path, key: str, value: Any, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise SeedError(path, key, "missing")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise SeedError(path, key, f"must be a non-empty string, not {value!r}")
    return value


def _language(path: Path, value: Any) -> str:
    """A language code that Babel (CLDR) knows: "en", "zh", "pt-BR", "zh-Hans"."""
    code = _string(path, "language", value, required=True)
    try:
        Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        raise SeedError(
            path, "language", f"unknown language code {code!r} (a code such as en, zh, pt-BR)"
        ) from None
    return code


def _domains(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(d, str) and d for d in value):
        raise SeedError(path, key, "must be a list of domain names")
    return tuple(value)


def _bool(path: Path, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SeedError(path, key, f"must be true or false, not {value!r}")
    return value


def _choice(path: Path, key: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise SeedError(path, key, f"{value!r} is not one of {', '.join(choices)}")
    return value


def _field(path: Path, key: str, value: Any) -> Query | None:
    """One selector, or a non-empty list of selectors tried in order."""
    if isinstance(value, list):
        if not value:
            raise SeedError(path, key, "an empty list of selectors")
        return tuple(_selector(path, f"{key}[{i}]", v) for i, v in enumerate(value))
    return _selector(path, key, value)


def _selector(path: Path, key: str, value: Any) -> str | None:
    query = _string(path, key, value)
    if query is None:
        return None
    try:
        select(Selector(text="<html><body></body></html>"), query)
    except Exception as exc:  # parsel raises several types for bad CSS and XPath
        kind = "XPath" if is_xpath(query) else "CSS"
        raise SeedError(path, key, f"{kind} selector {query!r} does not compile: {exc}") from None
    return query


def _rules(path: Path, name: str, table: Any, cls: type) -> Any:
    if table is None:
        return cls()
    if not isinstance(table, dict):
        raise SeedError(path, name, "must be a table")
    allowed = {f.name for f in fields(cls)}
    _check_keys(path, f"{name}.", table, allowed)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "exclude":
            if not isinstance(value, list):
                raise SeedError(path, f"{name}.exclude", "must be a list of selectors")
            values[key] = tuple(
                _selector(path, f"{name}.exclude[{i}]", v) for i, v in enumerate(value)
            )
        else:
            values[key] = _field(path, f"{name}.{key}", value)
    return cls(**values)


def _share(path: Path, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise SeedError(path, key, f"must be a share between 0 and 1, not {value!r}")
    return float(value)


def _count(path: Path, key: str, value: Any, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise SeedError(path, key, f"must be a whole number >= {least}, not {value!r}")
    return value


def _health(path: Path, table: Any) -> HealthRules:
    if table is None:
        return HealthRules()
    if not isinstance(table, dict):
        raise SeedError(path, "health", "must be a table")
    _check_keys(path, "health.", table, {f.name for f in fields(HealthRules)})
    values: dict[str, Any] = {}
    for key in ("min_exported", "max_error_rate"):
        if key in table:
            values[key] = _share(path, f"health.{key}", table[key])
    if "min_articles_found" in table:
        values["min_articles_found"] = _count(
            path, "health.min_articles_found", table["min_articles_found"], 0
        )
    if "min_pages" in table:
        values["min_pages"] = _count(path, "health.min_pages", table["min_pages"], 1)
    if "max_export_errors" in table:
        values["max_export_errors"] = _count(
            path, "health.max_export_errors", table["max_export_errors"], 0
        )
    coverage = table.get("min_coverage", {})
    if not isinstance(coverage, dict):
        raise SeedError(path, "health.min_coverage", "must be a table")
    _check_keys(path, "health.min_coverage.", coverage, set(COVERAGE_FIELDS))
    values["min_coverage"] = tuple(
        (name, _share(path, f"health.min_coverage.{name}", floor))
        for name, floor in coverage.items()
    )
    return HealthRules(**values)


def _settings(path: Path, table: Any) -> tuple[tuple[str, Any], ...]:
    try:
        return check_settings(table)
    except SettingError as exc:
        raise SeedError(path, f"settings.{exc.name}".rstrip("."), exc.reason) from None


def _channels(path: Path, raw: Any, domains: tuple[str, ...]) -> tuple[Channel, ...]:
    if not raw:
        raise SeedError(path, "channels", "missing: give at least one [[channels]] table")
    if not isinstance(raw, list):
        raise SeedError(path, "channels", "must be an array of tables ([[channels]])")
    channels = []
    for i, table in enumerate(raw):
        key = f"channels[{i}]"
        if not isinstance(table, dict):
            raise SeedError(path, key, "must be a table")
        _check_keys(path, f"{key}.", table, {f.name for f in fields(Channel)})
        name = _string(path, f"{key}.name", table.get("name"), required=True)
        url = _string(path, f"{key}.url", table.get("url"), required=True)
        url = safe_url_string(url)
        if not url.startswith(("http://", "https://")):
            raise SeedError(path, f"{key}.url", f"{url!r} is not an http(s) URL")
        if not host_in_domains(url, domains):
            raise SeedError(
                path, f"{key}.url", f"{url!r} is outside allowed_domains {list(domains)}"
            )
        max_pages = table.get("max_pages", 1)
        if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
            raise SeedError(path, f"{key}.max_pages", f"must be an integer >= 1, not {max_pages!r}")
        kind = _choice(path, f"{key}.type", table.get("type", "html"), CHANNEL_TYPES)
        channels.append(Channel(name=name, url=url, max_pages=max_pages, type=kind))
    return tuple(channels)


def _rendering(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The seed's rendering keys, checked together: each key that only a renderer reads is
    refused when that renderer is not the seed's."""
    render = _choice(path, "render", data.get("render", "none"), RENDER_MODES)
    values: dict[str, Any] = {"render": render}
    for key in ("render_pages", "wait", "wait_for", "splash_engine", "lua_source"):
        if key in data and render == "none":
            raise SeedError(path, key, 'has no effect without render = "splash" or "playwright"')
    values["render_pages"] = _choice(
        path, "render_pages", data.get("render_pages", "both"), RENDER_PAGES
    )
    wait = data.get("wait", 0.5)
    if isinstance(wait, bool) or not isinstance(wait, int | float) or not 0 <= wait <= 30:
        raise SeedError(path, "wait", f"must be a number of seconds from 0 to 30, not {wait!r}")
    values["wait"] = float(wait)
    values["wait_for"] = _field(path, "wait_for", data.get("wait_for"))
    engine = _choice(path, "splash_engine", data.get("splash_engine", "webkit"), SPLASH_ENGINES)
    for key in ("splash_engine", "lua_source"):
        if key in data and render != "splash":
            raise SeedError(path, key, 'is read by Splash only: give render = "splash"')
    values["splash_engine"] = engine
    values["lua_source"] = _string(path, "lua_source", data.get("lua_source"))
    if engine == "chromium":
        # Splash's Chromium engine has render.html only: no Lua, so nothing to wait for.
        for key in ("wait_for", "lua_source"):
            if key in data:
                raise SeedError(
                    path, key, 'needs Lua, which splash_engine = "chromium" lacks: use "webkit"'
                )
    return values


def load_seed(path: Path | str) -> Source:
    """Read one seed file; raise SeedError naming the file, the key and the reason."""
    path = Path(path)
    try:
        # A UTF-8 byte order mark, as some editors write one, is not TOML: it is skipped.
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(path, "", f"invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise SeedError(path, "", f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    except OSError as exc:
        raise SeedError(path, "", f"cannot read: {exc.strerror}") from None

    top = {f.name for f in fields(Source)} - {"name", "path"}
    _check_keys(path, "", data, top)
    site = _string(path, "site", data.get("site"), required=True)
    domains = data.get("allowed_domains")
    if (
        not domains
        or not isinstance(domains, list)
        or not all(isinstance(d, str) and d for d in domains)
    ):
        raise SeedError(path, "allowed_domains", "missing: give a list of domain names")
    domains = tuple(domains)
    timezone = _string(path, "timezone", data.get("timezone", "UTC"), required=True)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SeedError(path, "timezone", f"unknown timezone {timezone!r}") from None
    schedule = _string(path, "schedule", data.get("schedule"))
    if schedule is not None and not croniter.is_valid(schedule):
        raise SeedError(path, "schedule", f"{schedule!r} is not a valid cron expression")

    return Source(
        name=path.stem,
        path=str(path),
        site=site,
        group=_string(path, "group", data.get("group", "")) or "",
        allowed_domains=domains,
        timezone=timezone,
        language=_language(path, data.get("language", "en")),
        **_rendering(path, data),
        schedule=schedule,
        image_referer=_choice(
            path, "image_referer", data.get("image_referer", "none"), IMAGE_REFERERS
        ),
        image_domains=_domains(path, "image_domains", data.get("image_domains", [])),
        stop_on_seen=_bool(path, "stop_on_seen", data.get("stop_on_seen", True)),
        channels=_channels(path, data.get("channels"), domains),
        listing=_rules(path, "listing", data.get("listing"), ListingRules),
        article=_rules(path, "article", data.get("article"), ArticleRules),
        health=_health(path, data.get("health")),
        settings=_settings(path, data.get("settings", {})),
    )


def load_seeds(directory: Path | str) -> tuple[dict[str, Source], dict[str, SeedError]]:
    """Read every seeds/*.toml: the good ones by name, and the refused ones with their error."""
    sources: dict[str, Source] = {}
    errors: dict[str, SeedError] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            sources[path.stem] = load_seed(path)
        except SeedError as exc:
            errors[path.stem] = exc
    return sources, errors
