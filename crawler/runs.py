"""The run: its id (the UTC start, to the second, unique among the runs writing under one
OUTPUT_DIR) and the values that fill output path templates, as Scrapy fills FEEDS URIs."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

# The run id's form: the contract's <run-start UTC, YYYYMMDDTHHMMSSZ>.
RUN_ID_FORMAT = "%Y%m%dT%H%M%SZ"
# Reservations older than this are removed when a run starts.
KEEP_RESERVATIONS = timedelta(days=2)


def reserve_run_id(runs_dir: Path, started: datetime) -> str:
    """The stamp of ``started``, or of the first later second that no other run holds.

    Each run reserves its id by creating ``runs_dir/<id>`` (O_CREAT|O_EXCL, atomic on a local
    file system), so two runs started in the same second get two ids, and two files.
    """
    runs_dir.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_RESERVATIONS.total_seconds()
    for old in runs_dir.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass
    stamp = started.astimezone(UTC).replace(microsecond=0)
    while True:
        run_id = stamp.strftime(RUN_ID_FORMAT)
        try:
            os.close(os.open(runs_dir / run_id, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            stamp += timedelta(seconds=1)
            continue
        return run_id


def run_id_error(run_id: str | None) -> str | None:
    """Why RUN_ID cannot be a run's id, in one line, or None."""
    if not run_id:
        return None
    try:
        datetime.strptime(run_id, RUN_ID_FORMAT)
    except ValueError:
        return f"RUN_ID {run_id!r} is not a run id (YYYYMMDDTHHMMSSZ, UTC)"
    return None


class Run:
    """An extension holding the run's id and start; components reach it with
    ``crawler.get_extension(Run)`` (or ``Run.of(crawler)``) and fill their path templates with
    ``fill``: ``%(output_dir)s``, ``%(run_id)s``, ``%(time)s`` (the same stamp) and the values
    they give (an item's ``%(source)s``)."""

    def __init__(self, crawler: Crawler):
        self.output_dir = Path(crawler.settings.get("OUTPUT_DIR"))
        self.started = datetime.now(UTC)
        # RUN_ID: an id `scrapy schedule` reserved for this run (it names the run's log too).
        self.id = crawler.settings.get("RUN_ID") or reserve_run_id(
            self.output_dir / "state" / "runs", self.started
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @classmethod
    def of(cls, crawler: Crawler) -> Run:
        """The crawl's Run; RuntimeError when the extension is not enabled."""
        run = crawler.get_extension(cls)
        if run is None:
            raise RuntimeError(f"{cls.__module__}.{cls.__name__} is not in EXTENSIONS")
        return run

    def values(self, **values: Any) -> dict[str, Any]:
        return {"output_dir": self.output_dir, "run_id": self.id, "time": self.id, **values}

    def fill(self, template: str, **values: Any) -> Path:
        """A path template filled with the run's values and ``values``; a value that would
        leave its folder (a source named "../x") is refused with ValueError."""
        for name, value in values.items():
            text = str(value)
            if not text or "/" in text or "\\" in text or text in (".", ".."):
                raise ValueError(f"{name} {value!r} cannot name a file or folder")
        return Path(template % self.values(**values))
