"""Each source's history read back from OUTPUT_DIR: its runs from reports/<source>/<run>.json
and its latest articles from feeds/<source>/*.jsonl, tolerant of reports written before a key
existed and of damaged files (each one line in ``problems``, never an exception)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from crawler.report import counted
from crawler.runs import RUN_ID_FORMAT

if TYPE_CHECKING:
    from collections.abc import Iterable

# The coverage keys of a run report (share of exported articles with each), in the order shown.
COVERAGE_FIELDS = ("author", "date", "headimg", "text")
# Longer texts from a report or a feed line are cut to this many characters.
MAX_TEXT = 300


@dataclass(frozen=True)
class RunSummary:
    """What the dashboard shows of one run report; a figure the report lacks is None."""

    run: str  # the run's id, YYYYMMDDTHHMMSSZ (else the report file's stem)
    time: datetime  # the run's start, UTC (from its id, else ``started``, else the file's time)
    new: int | None = None
    exported: int | None = None  # new + updated, in every report (older ones lack ``new``)
    updated: int | None = None
    duplicates: int | None = None
    dropped: int | None = None  # all reasons together
    requests: int | None = None
    images_ok: int | None = None
    images_failed: int | None = None
    coverage_articles: int | None = None
    coverage: dict[str, float | None] = field(default_factory=dict)  # share 0..1 per field
    health: str = "unknown"  # "ok", "failed", or "unknown" (a report without ``health``)
    checks: tuple[str, ...] = ()  # the failed checks, one line each
    error: str | None = None  # why the run could not do its job (no channel page fetched)
    log: str | None = None  # its log's address relative to OUTPUT_DIR, when there is one

    @property
    def failed(self) -> bool:
        """A run that failed a health check or could not do its job."""
        return self.health == "failed" or self.error is not None

    @property
    def new_articles(self) -> int:
        """The chart's figure: ``new``, else (older reports) ``exported``, else 0."""
        for value in (self.new, self.exported):
            if value is not None:
                return value
        return 0


@dataclass(frozen=True)
class ArticleLine:
    """One article of a feed, as the dashboard lists it."""

    title: str
    url: str | None  # an http(s) address only, else None (no link is made)
    date: datetime | None
    author: str | None
    status: str | None


@dataclass
class SourceHistory:
    name: str
    runs: list[RunSummary] = field(default_factory=list)  # oldest first, the newest ones only
    older_runs: int = 0  # older reports not read (beyond the newest DASHBOARD_RUNS runs)
    articles: list[ArticleLine] = field(default_factory=list)  # newest first
    seed_error: str | None = None  # why its seed file is refused, if it is

    @property
    def last(self) -> RunSummary | None:
        return self.runs[-1] if self.runs else None


class ReportError(ValueError):
    """A report file that cannot be read as a run report; the message says why."""


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _total(value: Any) -> int | None:
    """A count, or the sum of a {reason: count} table (``dropped``)."""
    if isinstance(value, dict):
        counts = [_count(v) for v in value.values()]
        return sum(c for c in counts if c is not None)
    return _count(value)


def _share(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        return None
    return float(value)


def _text(value: Any) -> str | None:
    """A value as one line of text: white space runs made one space, control characters
    removed, cut to MAX_TEXT characters."""
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = "".join(c for c in " ".join(text.split()) if unicodedata.category(c) != "Cc")
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _run_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, RUN_ID_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _iso_time(value: Any) -> datetime | None:
    """An ISO 8601 time; a naive one is read as UTC."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check_line(check: Any) -> str:
    """One failed check in words: its ``message``, else its name, figure and limit."""
    if isinstance(check, dict):
        if isinstance(check.get("message"), str):
            return _text(check["message"]) or ""
        figures = ", ".join(f"{k} {_text(v)}" for k, v in check.items() if k != "check")
        return _text(f"{check.get('check', 'check')}: {figures}") or ""
    return _text(check) or ""


def _health(value: Any) -> tuple[str, tuple[str, ...]]:
    """A report's ``health``: "ok", or the failed checks (a list of them, or one)."""
    if value is None:
        return "unknown", ()
    if value == "ok" or value == []:
        return "ok", ()
    if isinstance(value, list):
        return "failed", tuple(_check_line(check) for check in value)
    if isinstance(value, dict | str):
        return "failed", (_check_line(value),)
    return "unknown", ()


def summarize(report: dict[str, Any], path: Path) -> RunSummary:
    """A run report's figures as the dashboard shows them; what is missing or of the wrong type
    is None (a report older than the key, or damaged)."""
    run = report.get("run") if _run_time(report.get("run")) else path.stem
    time = _run_time(run) or _iso_time(report.get("started"))
    if time is None:
        time = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
    coverage = report.get("coverage")
    coverage = coverage if isinstance(coverage, dict) else {}
    health, checks = _health(report.get("health"))
    error = report.get("error")
    return RunSummary(
        run=str(run),
        time=time,
        new=_count(report.get("new")),
        exported=_count(report.get("exported")),
        updated=_count(report.get("updated")),
        duplicates=_count(report.get("duplicates")),
        dropped=_total(report.get("dropped")),
        requests=_count(report.get("requests")),
        images_ok=_count(report.get("images_ok")),
        images_failed=_total(report.get("images_failed")),
        coverage_articles=_count(coverage.get("articles")),
        coverage={name: _share(coverage.get(name)) for name in COVERAGE_FIELDS},
        health=health,
        checks=checks,
        error=_text(error) if error else None,
    )


def read_report(path: Path) -> RunSummary:
    """The summary of one report file; ReportError saying why it cannot be read."""
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise ReportError("not UTF-8 text") from None
    except OSError as exc:
        raise ReportError(f"unreadable ({exc.strerror or exc})") from None
    try:
        report = json.loads(text)
    except ValueError as exc:
        raise ReportError(f"not JSON ({exc})") from None
    if not isinstance(report, dict):
        raise ReportError(f"a JSON {type(report).__name__}, not an object")
    return summarize(report, path)


def read_runs(
    reports_dir: Path, max_runs: int, problems: list[str]
) -> tuple[list[RunSummary], int]:
    """The newest ``max_runs`` readable runs of a source, oldest first, and how many older
    reports were left unread.

    Reports are named by their run's id, which sorts as time does: files are read newest first
    until ``max_runs`` are read. A file that is not a run report is one line in ``problems``.
    """
    paths = sorted(p for p in reports_dir.glob("*.json") if p.is_file())
    runs: list[RunSummary] = []
    while paths and len(runs) < max_runs:
        path = paths.pop()
        try:
            runs.append(read_report(path))
        except ReportError as exc:
            problems.append(f"{path}: not a run report: {exc}; left out")
    runs.sort(key=lambda r: (r.time, r.run))
    return runs, len(paths)


def safe_url(value: Any) -> str | None:
    """``value`` when it is an http or https address, else None: a link to anything else
    (``javascript:``, ``data:``) is never made."""
    if not isinstance(value, str) or any(c in value for c in "\r\n\t"):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def article_line(line: dict[str, Any]) -> ArticleLine:
    return ArticleLine(
        title=_text(line.get("title")) or "(no title)",
        url=safe_url(line.get("url")),
        date=_iso_time(line.get("date")),
        author=_text(line.get("author")),
        status=_text(line.get("status")),
    )


def latest_articles(feeds_dir: Path, limit: int, problems: list[str]) -> list[ArticleLine]:
    """The articles of the newest feed files of a source, newest run first and, within a run,
    newest date first; at most ``limit``. Lines that are not JSON objects are counted in one
    line of ``problems`` per file."""
    articles: list[ArticleLine] = []
    for path in sorted(feeds_dir.glob("*.jsonl"), reverse=True):
        if len(articles) >= limit:
            break
        try:
            text = path.read_text("utf-8", errors="replace")
        except OSError as exc:
            problems.append(f"{path}: unreadable ({exc.strerror or exc}); left out")
            continue
        batch, bad = [], 0
        for line in text.split("\n"):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                value = None
            if isinstance(value, dict):
                batch.append(article_line(value))
            else:
                bad += 1
        if bad:
            problems.append(f"{path}: {counted(bad, 'line')} left out (not a JSON object)")
        oldest = datetime.min.replace(tzinfo=UTC)
        batch.sort(key=lambda a: a.date or oldest, reverse=True)
        articles += batch
    return articles[:limit]


def with_log(run: RunSummary, output_dir: Path, source: str) -> RunSummary:
    """The run, with the address of OUTPUT_DIR/logs/<source>/<run>.log (written for each run
    `scrapy schedule` starts) when that file is there."""
    if not (output_dir / "logs" / source / f"{run.run}.log").is_file():
        return run
    return replace(run, log=quote(f"logs/{source}/{run.run}.log"))


def subfolders(folder: Path, problems: list[str]) -> set[str]:
    """The names of the folders in ``folder``; none when it is missing or unreadable."""
    try:
        return {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
    except OSError as exc:
        problems.append(f"{folder}: unreadable ({exc.strerror or exc}); left out")
        return set()


def read_history(
    output_dir: Path,
    sources: Iterable[str],
    *,
    max_runs: int,
    max_articles: int,
    seed_errors: dict[str, str] | None = None,
) -> tuple[list[SourceHistory], list[str]]:
    """The history of every source, by name: those given (the seeds), those with reports or
    feeds under ``output_dir``, and those of ``seed_errors`` ({name: why the seed is refused});
    and the problems met, one line each."""
    problems: list[str] = []
    seed_errors = seed_errors or {}
    reports, feeds = output_dir / "reports", output_dir / "feeds"
    names = set(sources) | set(seed_errors)
    names |= subfolders(reports, problems) | subfolders(feeds, problems)
    histories = []
    for name in sorted(names):
        history = SourceHistory(name, seed_error=seed_errors.get(name))
        try:
            runs, history.older_runs = read_runs(reports / name, max_runs, problems)
            history.runs = [with_log(run, output_dir, name) for run in runs]
            history.articles = latest_articles(feeds / name, max_articles, problems)
        except OSError as exc:
            problems.append(f"{exc.filename}: unreadable ({exc.strerror or exc}); left out")
        histories.append(history)
    return histories, problems
