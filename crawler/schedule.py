"""Runs each seed's crawl when its cron ``schedule`` falls due, as a `scrapy crawl` subprocess,
keeping what it did in OUTPUT_DIR/state/schedule.json."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from croniter import croniter

from crawler.commands import SourceLock
from crawler.runs import reserve_run_id
from crawler.seeds import SeedError, Source, load_seeds

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def latest_slot(schedule: str, timezone: str, now: datetime) -> datetime:
    """The last time at or before ``now`` that the cron expression names, read in the seed's
    timezone (croniter; a sixth field gives seconds)."""
    base = now.astimezone(ZoneInfo(timezone)) + timedelta(microseconds=1)
    return croniter(schedule, base).get_prev(datetime).astimezone(UTC)


def next_slot(schedule: str, timezone: str, now: datetime) -> datetime:
    """The first time after ``now`` that the cron expression names."""
    base = now.astimezone(ZoneInfo(timezone))
    return croniter(schedule, base).get_next(datetime).astimezone(UTC)


def stamp(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


class ScheduleState:
    """What the scheduler did, per seed, in one JSON file rewritten atomically on each change:
    ``{seed: {"slot", "run", "started", "finished", "result", "exit_code", "log", "next"}}``
    (times ISO 8601 UTC; ``slot`` the scheduled time the last run was started for; ``result``
    "running", "ok", "failed", "killed" (by a signal not ours) or "stopped" (by the scheduler
    at its stop deadline)). A scheduler started again reads it, and runs a seed
    only at a slot after its last one."""

    def __init__(self, path: Path):
        self.path = path
        self.seeds: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            data = {}
        except (OSError, ValueError) as exc:
            logger.error("Schedule state %s unreadable (%s): every seed is due", path, exc)
            data = {}
        if isinstance(data, dict):
            self.seeds = {k: v for k, v in data.items() if isinstance(v, dict)}

    def last_slot(self, name: str) -> datetime | None:
        slot = self.seeds.get(name, {}).get("slot")
        try:
            return datetime.fromisoformat(slot) if slot else None
        except ValueError:
            return None

    def update(self, name: str, **values: Any) -> None:
        self.seeds.setdefault(name, {}).update(values)
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        temporary.write_text(json.dumps(self.seeds, indent=2, sort_keys=True), "utf-8")
        os.replace(temporary, self.path)


@dataclass
class ScheduledCrawl:
    """One `scrapy crawl NAME` started by the scheduler, in a session of its own (a Ctrl-C
    at the terminal reaches the scheduler only), its output in its log file."""

    name: str
    run_id: str
    log: Path
    process: subprocess.Popen
    started: float = field(default_factory=time.monotonic)
    log_file: IO[bytes] | None = None
    # Sent SIGTERM at the stop deadline.
    terminated: bool = False

    def signal(self, number: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    def outcome(self) -> str:
        """Why the crawl failed, from the end of its log: its closing "error: ..." and
        "unhealthy: ..." lines, else its last line; at most 500 characters."""
        try:
            with self.log.open("rb") as file:
                file.seek(max(0, file.seek(0, os.SEEK_END) - 8192))
                lines = file.read().decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        said = [line for line in lines if line.startswith(("error: ", "unhealthy: "))]
        return "; ".join(said or lines[-1:])[:500]


class Scheduler:
    """Starts the crawls of the seeds of SEEDS_DIR that are due, never two of one seed at
    once (the crawl's own lock on OUTPUT_DIR/state/<seed>.lock, which a dead process frees,
    is asked first), at most SCHEDULE_MAX_CRAWLS at a time; a crawl that fails is logged and
    run again at its next slot. ``arguments`` are passed on to each `scrapy crawl`."""

    STATE = "state/schedule.json"
    # Longest sleep between two looks at the clock, the crawls and the seed files (seconds).
    TICK = 1.0
    # Seconds a crawl sent SIGTERM (stop timeout, or a second signal) has before SIGKILL.
    KILL_AFTER = 10.0

    def __init__(
        self, settings: BaseSettings, arguments: list[str], only: str | None = None
    ) -> None:
        self.seeds_dir = Path(settings.get("SEEDS_DIR"))
        self.output = Path(settings.get("OUTPUT_DIR"))
        self.settings = settings
        self.arguments = arguments
        self.only = only
        self.max_crawls = max(1, settings.getint("SCHEDULE_MAX_CRAWLS"))
        self.stop_timeout = settings.getfloat("SCHEDULE_STOP_TIMEOUT")
        self.state = ScheduleState(self.output / self.STATE)
        self.running: dict[str, ScheduledCrawl] = {}
        self.sources: dict[str, Source] = {}
        self.errors: dict[str, SeedError] = {}
        self.seeds_signature: tuple = ()
        # Seeds to run now whether due or not, with the slot recorded for them (--seed, and
        # with --once the seeds due when it starts).
        self.forced: dict[str, datetime] = {}
        self.once = False
        # Seeds whose lock another process held when due: logged once per slot.
        self.held: dict[str, datetime] = {}
        self.stopping = False
        self.stop_deadline: float | None = None
        # Signals received, not yet acted on.
        self.signals: list[int] = []
        self.failures = 0

    # Seeds

    def load(self) -> None:
        """(Re)reads the seed files when any changed: new seeds are scheduled, bad ones logged
        once in one line each."""
        try:
            signature = tuple(
                (p.name, p.stat().st_mtime_ns, p.stat().st_size)
                for p in sorted(self.seeds_dir.glob("*.toml"))
            )
        except OSError:  # a file removed while listed: read them at the next tick
            return
        if signature == self.seeds_signature:
            return
        self.seeds_signature = signature
        sources, errors = load_seeds(self.seeds_dir)
        if self.only:
            sources = {k: v for k, v in sources.items() if k == self.only}
            errors = {k: v for k, v in errors.items() if k == self.only}
        for name, error in errors.items():
            if str(error) != str(self.errors.get(name)):
                logger.error("Seed not scheduled: %s", error)
        self.sources, self.errors = sources, errors
        scheduled = sorted(name for name, source in sources.items() if source.schedule)
        if self.only:
            logger.info(
                "Seed asked by --seed: %s, run now%s",
                self.only,
                ", then on its schedule" if scheduled else "",
            )
        else:
            logger.info(
                "Scheduled seeds: %s", ", ".join(scheduled) if scheduled else "none (no schedule)"
            )

    # What is due

    def due(self, now: datetime) -> list[tuple[str, datetime]]:
        """Seeds due at ``now`` with the slot each is run for, earliest slot first: a seed is
        due when its schedule names a time after its last run's slot (a seed never run is due
        at once; missed slots give one run, not one per slot) or it was asked by --seed."""
        due = []
        for name, source in self.sources.items():
            if name in self.running:
                continue
            if name in self.forced:
                due.append((name, self.forced[name]))
                continue
            if not source.schedule:
                continue
            slot = latest_slot(source.schedule, source.timezone, now)
            last = self.state.last_slot(name)
            if last is None or slot > last:
                due.append((name, slot))
        return sorted(due, key=lambda pair: pair[1])

    def next_wake(self, now: datetime) -> float:
        """Seconds to sleep: until the next slot of an idle seed, at most TICK."""
        times = [
            next_slot(source.schedule, source.timezone, now)
            for name, source in self.sources.items()
            if source.schedule and name not in self.running
        ]
        wait = min((t - now).total_seconds() for t in times) if times else self.TICK
        return min(self.TICK, max(0.01, wait))

    # Crawls

    def extract_processes(self) -> list[str]:
        """With EXTRACT_PROCESSES = "auto", ``-s EXTRACT_PROCESSES=N`` for each crawl: the
        spare CPUs shared by the SCHEDULE_MAX_CRAWLS crawls that may run at once
        (crawler.extract.workers.default_processes), not one worker a CPU for each. A number
        (0 by default) is passed on as it is."""
        if self.settings.get("EXTRACT_PROCESSES") != "auto":
            return []
        from crawler.extract.workers import default_processes

        return ["-s", f"EXTRACT_PROCESSES={default_processes(self.max_crawls)}"]

    def start(self, name: str, slot: datetime) -> None:
        """Starts the crawl of ``name`` for ``slot``, unless another process crawls it: then
        it stays due (logged once per slot), or with --once it is left for the next run."""
        lock = SourceLock(self.settings, name)
        held = lock.acquire()
        if held:
            if self.once:
                logger.warning("%s is due but not started: %s", name, held)
                self.forced.pop(name, None)
            elif self.held.get(name) != slot:
                logger.warning("%s is due but not started: %s; started once it ends", name, held)
                self.held[name] = slot
            return
        lock.release()
        self.held.pop(name, None)
        self.forced.pop(name, None)
        now = datetime.now(UTC)
        run_id = reserve_run_id(self.output / "state" / "runs", now)
        log = self.output / "logs" / name / f"{run_id}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log_file = log.open("ab")
        command = [
            sys.executable, "-m", "scrapy", "crawl", name, "-s", f"RUN_ID={run_id}",
            *self.extract_processes(), *self.arguments,
        ]  # fmt: skip
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            log_file.close()
            self.failures += 1
            logger.error("%s could not be started: %s", name, exc)
            self.state.update(name, slot=stamp(slot), result="failed", exit_code=None)
            return
        self.running[name] = ScheduledCrawl(name, run_id, log, process, log_file=log_file)
        self.state.update(
            name,
            slot=stamp(slot),
            run=run_id,
            started=stamp(now),
            finished=None,
            result="running",
            exit_code=None,
            log=str(log),
        )
        logger.info(
            "Started %s for %s (run %s, pid %d, log %s)",
            name,
            stamp(slot),
            run_id,
            process.pid,
            log,
        )

    def reap(self) -> None:
        """Records the crawls that ended: ok (exit 0) or failed, with the log's last line."""
        for name, crawl in list(self.running.items()):
            code = crawl.process.poll()
            if code is None:
                continue
            del self.running[name]
            if crawl.log_file:
                crawl.log_file.close()
            seconds = time.monotonic() - crawl.started
            if crawl.terminated:
                result = "stopped"  # ended by the scheduler's stop deadline
            else:
                result = "ok" if code == 0 else "killed" if code < 0 else "failed"
            source = self.sources.get(name)
            upcoming = (
                next_slot(source.schedule, source.timezone, datetime.now(UTC))
                if source and source.schedule
                else None
            )
            self.state.update(
                name,
                finished=stamp(datetime.now(UTC)),
                result=result,
                exit_code=code,
                next=stamp(upcoming),
            )
            if result in ("ok", "stopped"):
                logger.info(
                    "%s %s in %.1f s (run %s)",
                    name,
                    result.replace("ok", "finished"),
                    seconds,
                    crawl.run_id,
                )
                continue
            self.failures += 1
            last = crawl.outcome()
            logger.error(
                "%s %s (exit %d) after %.1f s; %s; log %s%s",
                name,
                result,
                code,
                seconds,
                f"next run at {stamp(upcoming)}" if upcoming else "not scheduled again",
                crawl.log,
                f": {last}" if last else "",
            )

    def start_due(self) -> None:
        for name, slot in self.due(datetime.now(UTC)):
            if len(self.running) >= self.max_crawls:
                break
            self.start(name, slot)

    # Running and stopping

    def signalled(self, number: int, frame: Any = None) -> None:
        """The handler of SIGTERM and SIGINT: noted, and acted on by the loop."""
        self.signals.append(number)

    def stop(self, number: int) -> None:
        """SIGTERM/SIGINT: no new crawl; the running ones may end within
        SCHEDULE_STOP_TIMEOUT. A second signal ends them now (SIGTERM, then SIGKILL)."""
        if self.stopping:
            logger.warning("Second stop signal: ending the running crawls now")
            self.stop_deadline = time.monotonic()
            return
        self.stopping = True
        self.stop_deadline = time.monotonic() + self.stop_timeout
        running = ", ".join(sorted(self.running)) or "none"
        logger.info(
            "Stopping (signal %d): no new crawl; waiting up to %.0f s for the running ones: %s",
            number,
            self.stop_timeout,
            running,
        )

    def end_running(self) -> None:
        """Past the stop deadline: SIGTERM to each running crawl (Scrapy closes it cleanly),
        SIGKILL KILL_AFTER seconds later."""
        assert self.stop_deadline is not None
        late = time.monotonic() - self.stop_deadline
        for crawl in self.running.values():
            if late >= self.KILL_AFTER:
                crawl.signal(signal.SIGKILL)
            elif not crawl.terminated:
                logger.warning("%s still running at the stop deadline: SIGTERM", crawl.name)
                crawl.signal(signal.SIGTERM)
                crawl.terminated = True

    def only_unscheduled(self) -> bool:
        """--seed named a seed without a schedule: it runs once."""
        source = self.sources.get(self.only or "")
        return source is not None and not source.schedule

    def run(self, once: bool = False) -> int:
        """The loop: until stopped by a signal, or with ``once`` until the crawls due at its
        start (and the one asked by --seed) have ended. With --seed, a seed without a schedule
        is run once. The exit status: with ``once`` (or that seed), 1 when a crawl failed or a seed
        is refused; else 0."""
        self.once = once
        previous = {
            number: signal.signal(number, self.signalled)
            for number in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            self.load()
            now = datetime.now(UTC)
            if self.only in self.sources:
                # Run now, due or not: recorded as run at this instant, not at a slot.
                self.forced[self.only] = now
            if once:
                # Only what is due now; not what falls due while these run.
                self.forced.update(self.due(now))
            while True:
                while self.signals:
                    self.stop(self.signals.pop(0))
                self.reap()
                if self.stopping:
                    if not self.running:
                        break
                    if time.monotonic() >= (self.stop_deadline or 0):
                        self.end_running()
                    time.sleep(0.1)
                    continue
                if once or self.only_unscheduled():
                    if not self.forced and not self.running:
                        break
                else:
                    self.load()
                self.start_due()
                time.sleep(0.1 if once else self.next_wake(datetime.now(UTC)))
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        logger.info("Scheduler stopped")
        if once or self.only_unscheduled():
            return 1 if self.failures or self.errors else 0
        return 0  # a clean stop: the failures are in the log and the state
