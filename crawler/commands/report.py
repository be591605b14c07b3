"""`scrapy report`: writes OUTPUT_DIR/report.html, the dashboard of every source."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from crawler.commands import refuse
from crawler.dashboard.history import read_history
from crawler.dashboard.page import render_page
from crawler.report import counted
from crawler.seed_settings import cmdline_error

if TYPE_CHECKING:
    import argparse


def write_atomically(path: Path, text: str) -> None:
    """``text`` in ``path``, written to a temporary file and renamed: a browser reading the
    page while it is rewritten sees the old page or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(ScrapyCommand):
    requires_project = True
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}
    # No crawl: no crawler process, whose logging set-up would fail on a bad -L with a
    # traceback; the -s and -L values are checked in run().
    requires_crawler_process = False

    def syntax(self) -> str:
        return ""

    def short_desc(self) -> str:
        return "Write OUTPUT_DIR/report.html: each source's health, runs, coverage and articles"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("scrapy report takes no arguments")
        assert self.settings is not None
        error = cmdline_error(self.settings)
        if error:
            self.exitcode = refuse(error)
            return
        output_dir = Path(self.settings.get("OUTPUT_DIR"))
        loader = get_spider_loader(self.settings)
        seed_errors = {name: str(error) for name, error in getattr(loader, "errors", {}).items()}
        histories, problems = read_history(
            output_dir,
            loader.list(),
            max_runs=self.settings.getint("DASHBOARD_RUNS"),
            max_articles=self.settings.getint("DASHBOARD_ARTICLES"),
            seed_errors=seed_errors,
        )
        for error in seed_errors.values():
            print(f"warning: bad seed: {error}", file=sys.stderr)
        for problem in problems:
            print(f"warning: {problem}", file=sys.stderr)
        page = render_page(
            histories, problems, generated=datetime.now(UTC), output_dir=str(output_dir)
        )
        path = output_dir / "report.html"
        try:
            write_atomically(path, page)
        except OSError as exc:
            self.exitcode = refuse(f"cannot write {path}: {exc.strerror or exc}")
            return
        runs = sum(len(history.runs) for history in histories)
        print(
            f"Wrote {path}: {counted(len(histories), 'source')}, {counted(runs, 'run')} shown",
            file=sys.stderr,
        )
