"""Exporters: the interface every exporter follows, and the registry that finds and checks them.

An exporter is any class with ``from_crawler(crawler, **options)``, ``open()``,
``export(article)`` and ``close()``, and optionally ``flush()``: ``export`` must have written
the article durably when it returns, unless the exporter has ``flush``, which then makes
durable everything exported since the last call (ExportPipeline calls it once per batch of
articles, before they are recorded as seen); and optionally ``prepare(articles)``, called once
per batch before its exports with the articles the exporter is about to be asked to export,
in order, to look up or reserve what they need in one go. It is enabled by its dotted path
in EXPORTERS (``{path: {options}}``, None disables one), or by installing a package that
declares it in the ``crawler.exporters`` entry-point group. Optional: a classmethod
``check_target(settings, options)`` that the crawl command calls before any request (raise
ExporterError when the target cannot be reached), and a ``ledger`` attribute, which
ExportPipeline sets to the exporter's ExportLedger (what it wrote of each article).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.utils.misc import build_from_crawler, load_object

from crawler.runs import Run

if TYPE_CHECKING:
    from typing import Self

    from itemadapter import ItemAdapter
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

    from crawler.stores.ledger import ExportLedger

ENTRY_POINT_GROUP = "crawler.exporters"
# Longest error text kept from an exporter's exception in a log or error line.
ERROR_LENGTH = 300


def exporter_label(name: str) -> str:
    """An EXPORTERS name as stats and messages give it: a dotted path's class name."""
    return name.rsplit(".", 1)[-1]


def one_line(exc: BaseException) -> str:
    """An exception as one short line: its type and the first line of its message (database
    drivers' messages run over several lines, SQLAlchemy's repeat the statement); an
    ExporterError's message alone."""
    lines = str(exc).strip().splitlines()
    text = lines[0].strip() if lines else ""
    if not isinstance(exc, ExporterError):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if len(text) <= ERROR_LENGTH else text[: ERROR_LENGTH - 1] + "…"


class ExporterError(ValueError):
    """An exporter that cannot be used as configured; str() is one line."""


class Exporter:
    """Base class of our exporters: declared options, checked before the crawl starts.

    Subclasses set OPTIONS (name -> default; the default's type is the option's type) and
    REQUIRES (module -> install hint), and override ``export`` and, as needed, ``open``,
    ``flush``, ``close`` and ``check_target``. ``export`` must have written the article durably
    when it returns, or ``flush`` everything exported since its last call; it may return where
    it wrote it (a file name), which ``ledger`` then keeps.
    """

    OPTIONS: ClassVar[dict[str, Any]] = {}
    REQUIRES: ClassVar[dict[str, str]] = {}
    # Set by ExportPipeline: what this exporter wrote of each article, in the seen-store.
    ledger: ExportLedger | None = None

    def __init__(self, crawler: Crawler, **options: Any):
        self.crawler = crawler
        self.settings = crawler.settings
        self.output_dir = Path(crawler.settings.get("OUTPUT_DIR"))
        # The run's id and path templates: exporters read the item and the run, no spider.
        self.run = Run.of(crawler)
        self.options = self.check_options(options)

    @classmethod
    def from_crawler(cls, crawler: Crawler, **options: Any) -> Self:
        return cls(crawler, **options)

    @classmethod
    def check_requirements(cls) -> None:
        for module, hint in cls.REQUIRES.items():
            if importlib.util.find_spec(module) is None:
                raise ExporterError(f"needs the {module} package: {hint}")

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        """The options with their defaults filled in; ExporterError for a bad one."""
        for name, value in options.items():
            if name not in cls.OPTIONS:
                known = ", ".join(sorted(cls.OPTIONS)) or "none"
                raise ExporterError(f"unknown option {name!r} (options: {known})")
            default = cls.OPTIONS[name]
            if default is not None and value is not None and type(value) is not type(default):
                raise ExporterError(
                    f"option {name!r} must be of type {type(default).__name__}, not {value!r}"
                )
        return {**cls.OPTIONS, **options}

    @classmethod
    def check_target(cls, settings: BaseSettings, options: dict[str, Any]) -> None:
        """Called before any request with the options (defaults filled in): ExporterError,
        naming the target, when what the exporter writes to cannot be reached."""

    def open(self) -> None:
        """Called once before the first request; what it raises stops the crawl."""

    def export(self, article: ItemAdapter) -> str | None:
        """Write the article durably; where it went (a file name), or None."""
        raise NotImplementedError

    def prepare(self, articles: list[ItemAdapter]) -> None:
        """Called once per batch before its exports, with the articles (in order) that
        ``export`` is about to be given: what they need looked up or reserved in one go.
        What it raises is logged, and the exports go on without it."""

    def flush(self) -> None:
        """Make durable what ``export`` wrote since the last call; called after each batch of
        articles, before they are recorded as seen. Nothing to do when ``export`` is durable
        itself."""

    def close(self) -> None:
        """Called once after the last article."""


def configured_exporters(settings: BaseSettings) -> Iterator[tuple[str, type, dict[str, Any]]]:
    """(name, class, options) of every enabled exporter, each checked; ExporterError if not."""
    found = {}
    if settings.getbool("EXPORTERS_ENTRY_POINTS"):
        found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    configured = settings.getdict("EXPORTERS")
    enabled = {**configured, **{name: {} for name in found if name not in configured}}
    for name, options in enabled.items():
        if options is None:
            continue
        if not isinstance(options, dict):
            raise ExporterError(f"EXPORTERS[{name!r}]: options must be a dict, not {options!r}")
        try:
            cls = found[name].load() if name in found else load_object(name)
        except (ImportError, AttributeError, ValueError, NameError) as exc:
            raise ExporterError(f"EXPORTERS[{name!r}]: cannot load it: {exc}") from None
        missing = [m for m in ("from_crawler", "open", "export", "close") if not hasattr(cls, m)]
        if missing:
            raise ExporterError(f"EXPORTERS[{name!r}]: not an exporter, it lacks {missing}")
        try:
            if hasattr(cls, "check_requirements"):
                cls.check_requirements()
            if hasattr(cls, "check_options"):
                cls.check_options(options)
        except ExporterError as exc:
            raise ExporterError(f"EXPORTERS[{name!r}]: {exc}") from None
        yield name, cls, options


def check_exporters(settings: BaseSettings, reach: bool = True) -> str | None:
    """The first configuration error among the exporters, as one line, or None; with
    ``reach``, also the first target that cannot be reached (``check_target``)."""
    try:
        for name, cls, options in configured_exporters(settings):
            if not reach or not hasattr(cls, "check_target"):
                continue
            filled = cls.check_options(options) if hasattr(cls, "check_options") else options
            try:
                cls.check_target(settings, filled)
            except ExporterError as exc:
                raise ExporterError(f"exporter {exporter_label(name)}: {exc}") from None
    except ExporterError as exc:
        return str(exc)
    return None


def build_exporters(crawler: Crawler) -> list[tuple[str, Any]]:
    """(name, exporter) for every enabled exporter, built with its options."""
    return [
        (name, build_from_crawler(cls, crawler, **options))
        for name, cls, options in configured_exporters(crawler.settings)
    ]
