"""`scrapy schedule`: real scheduler processes starting real crawls of fixture sites on
second-level cron schedules (croniter's sixth field)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from conftest import LOCAL_IMAGES, LOCAL_SITE, ROOT, scrapy, scrapy_env, start_crawl
from crawler.demo.server import SiteServer
from sites import changing

EVERY_2S = "* * * * * */2"
YEARLY = "0 0 1 1 *"
EVENT = re.compile(
    r"^(?P<time>\S+ \S+) \[crawler\.schedule\] \w+: "
    r"(?:Started (?P<started>\S+) for (?P<slot>\S+) \(run (?P<run>\w+), pid (?P<pid>\d+)"
    r"|(?P<ended>\S+) (?P<result>finished|failed|killed|stopped) )"
)


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Polls until ``condition()`` holds; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)


def seed_of(
    tmp_path: Path, serve, name: str, schedule: str, delay: float = 0.0
) -> tuple[Path, SiteServer]:
    """Seed ``name`` of a changing site of three articles (answering after ``delay`` s), in
    the seeds folder of ``tmp_path``."""
    root = tmp_path / f"site-{name}"
    server = serve(root)
    server.delay = delay
    changing.build(root, server.base_url, 3)
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / f"{name}.toml").write_text(
        changing.seed(server.base_url, f'schedule = "{schedule}"'), "utf-8"
    )
    return seeds, server


def schedule_args(seeds: Path, output: Path, *args: str) -> list[str]:
    return [
        "schedule", *args, "-s", f"SEEDS_DIR={seeds}", "-s", f"OUTPUT_DIR={output}",
        *LOCAL_IMAGES, *LOCAL_SITE,
    ]  # fmt: skip


def start_scheduler(seeds: Path, output: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    """A long-running `scrapy schedule` in the background; its log goes to <output>.log."""
    log = output.with_name(f"{output.name}.log")
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", *schedule_args(seeds, output, *args)],
        cwd=ROOT,
        # Log times in UTC, as slots are given.
        env={**scrapy_env(), "TZ": "UTC"},
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    return process, log


def events(log_text: str) -> list[dict[str, str]]:
    """The scheduler's "Started NAME" and "NAME finished/failed" lines, in order."""
    found = []
    for line in log_text.splitlines():
        match = EVENT.match(line)
        if match:
            found.append({k: v for k, v in match.groupdict().items() if v is not None})
    return found


def running(log: Path, name: str) -> bool:
    """Whether the scheduler's log shows a crawl of ``name`` started and not ended."""
    found = events(log.read_text())
    return len(runs_of(name, found)) > len([e for e in found if e.get("ended") == name])


def runs_of(name: str, found: list[dict[str, str]]) -> list[dict[str, str]]:
    return [e for e in found if e.get("started") == name]


def state(output: Path) -> dict:
    return json.loads((output / "state" / "schedule.json").read_text("utf-8"))


def logs(output: Path, name: str) -> list[Path]:
    return sorted((output / "logs" / name).glob("*.log"))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_seeds_crawled_on_time_never_overlapping_a_crash_spares_the_others(tmp_path, serve):
    seeds, _ = seed_of(tmp_path, serve, "fast", EVERY_2S)
    # Each of its crawls takes 3 s or more (robots.txt, listing, articles: 1 s each): longer
    # than its schedule's interval.
    seed_of(tmp_path, serve, "slow", EVERY_2S, delay=1.0)
    # A crawl that fails every time: nothing listens on its channel's port.
    (seeds / "broken.toml").write_text(
        changing.seed("http://127.0.0.1:9", f'schedule = "{EVERY_2S}"'), "utf-8"
    )
    output = tmp_path / "out"
    scheduler, log = start_scheduler(seeds, output)
    try:
        wait_for(lambda: len(runs_of("fast", events(log.read_text()))) >= 3)
        wait_for(lambda: len(runs_of("broken", events(log.read_text()))) >= 3)
        wait_for(lambda: len(runs_of("slow", events(log.read_text()))) >= 2)
        # Stopped while a crawl of "slow" runs: it is let finish.
        wait_for(lambda: running(log, "slow"))
    finally:
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=60) == 0
    text = log.read_text()
    assert "Traceback" not in text
    found = events(text)
    for name in ("fast", "slow", "broken"):
        # Each run of a seed ends before its next one starts.
        sequence = [e for e in found if name in (e.get("started"), e.get("ended"))]
        kinds = ["start" if "started" in e else "end" for e in sequence]
        assert kinds == ["start", "end"] * (len(kinds) // 2), (name, kinds)
        # On time: each run for a slot of the schedule (an even second), started at or after
        # it, each slot once.
        slots = [datetime.fromisoformat(e["slot"]) for e in runs_of(name, found)]
        assert slots == sorted(set(slots))
        assert all(slot.second % 2 == 0 for slot in slots)
        for run in runs_of(name, found):
            started = datetime.fromisoformat(run["time"].replace(" ", "T") + "+00:00")
            assert started >= datetime.fromisoformat(run["slot"])
        # Each run's log, named by its run id, is the crawl's own.
        for run in runs_of(name, found):
            path = output / "logs" / name / f"{run['run']}.log"
            assert path.is_file() and "Spider opened" in path.read_text()
    # Never two crawls of "slow" at once: none was ever refused by the seed's lock.
    assert not any("another crawl" in p.read_text() for p in logs(output, "slow"))
    # The failing seed failed every time, was retried at its next slots, and spared the others.
    results = [e["result"] for e in found if e.get("ended") == "broken"]
    assert results and set(results) == {"failed"}
    assert "no channel page of broken could be fetched" in text
    assert {e["result"] for e in found if e.get("ended") in ("fast", "slow")} == {"finished"}
    # SIGTERM: the running crawl of "slow" ended by itself, and none is left behind.
    assert "Stopping (signal 15)" in text
    last_slow = logs(output, "slow")[-1].read_text()
    assert "Spider closed (finished)" in last_slow
    kept = state(output)
    assert {name: kept[name]["result"] for name in kept} == {
        "fast": "ok",
        "slow": "ok",
        "broken": "failed",
    }
    assert kept["broken"]["exit_code"] == 1
    assert not any(alive(int(run["pid"])) for run in found if "pid" in run)


def test_state_survives_a_restart(tmp_path, serve):
    seeds, _ = seed_of(tmp_path, serve, "yearly", YEARLY)
    output = tmp_path / "out"
    # Never run: due at once.
    first = scrapy(*schedule_args(seeds, output, "--once"))
    assert first.returncode == 0, first.stderr[-3000:]
    assert len(logs(output, "yearly")) == 1
    run = state(output)["yearly"]
    assert run["result"] == "ok" and run["exit_code"] == 0
    assert (output / "reports" / "yearly" / f"{run['run']}.json").is_file()

    # Started again: its next slot is months away; nothing runs.
    again = scrapy(*schedule_args(seeds, output, "--once"))
    assert again.returncode == 0
    assert "Started" not in again.stderr
    assert len(logs(output, "yearly")) == 1
    scheduler, log = start_scheduler(seeds, output)
    try:
        wait_for(lambda: "Scheduled seeds: yearly" in log.read_text())
        time.sleep(2)
    finally:
        scheduler.send_signal(signal.SIGINT)
        assert scheduler.wait(timeout=30) == 0
    assert "Started" not in log.read_text()
    assert len(logs(output, "yearly")) == 1

    # --seed runs it now, due or not.
    forced = scrapy(*schedule_args(seeds, output, "--once", "--seed", "yearly"))
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert len(logs(output, "yearly")) == 2
    said = forced.stderr + forced.stdout
    assert "Seed asked by --seed: yearly, run now, then on its schedule" in said, said[-2000:]
    assert "Scheduled seeds:" not in said


def test_a_crawl_running_elsewhere_is_not_doubled_and_a_dead_one_does_not_block(tmp_path, serve):
    seeds, server = seed_of(tmp_path, serve, "held", YEARLY, delay=2.0)
    output = tmp_path / "out"
    manual = start_crawl("held", seeds, output)
    try:
        # Its first request is answered 2 s after it arrives; the crawl lasts 6 s or more.
        wait_for(lambda: bool(server.hits) or manual.poll() is not None)
        assert manual.poll() is None
        busy = scrapy(*schedule_args(seeds, output, "--once", "--seed", "held"))
        assert busy.returncode == 0, busy.stderr[-3000:]
        assert "held is due but not started: another crawl of held is running" in busy.stderr
        assert logs(output, "held") == []
    finally:
        # The holder crashes (SIGKILL): its lock goes with it.
        manual.send_signal(signal.SIGKILL)
        manual.wait()
    after = scrapy(*schedule_args(seeds, output, "--once", "--seed", "held"))
    assert after.returncode == 0, after.stderr[-3000:]
    assert len(logs(output, "held")) == 1
    assert state(output)["held"]["result"] == "ok"


def test_stop_deadline_ends_a_long_crawl(tmp_path, serve):
    seeds, _ = seed_of(tmp_path, serve, "long", YEARLY, delay=3.0)
    output = tmp_path / "out"
    scheduler, log = start_scheduler(
        seeds, output, "--seed", "long", "-s", "SCHEDULE_STOP_TIMEOUT=0.5"
    )
    try:
        wait_for(lambda: any("Spider opened" in p.read_text() for p in logs(output, "long")))
    finally:
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=60) == 0
    text = log.read_text()
    assert "long still running at the stop deadline: SIGTERM" in text
    assert state(output)["long"]["result"] == "stopped"
    crawl_log = logs(output, "long")[0].read_text()
    assert "shutting down gracefully" in crawl_log
    [run] = runs_of("long", events(text))
    assert not alive(int(run["pid"]))


def test_bad_input_is_one_line(tmp_path, serve):
    seeds, _ = seed_of(tmp_path, serve, "good", YEARLY)
    output = tmp_path / "out"
    unknown = scrapy(*schedule_args(seeds, output, "--once", "--seed", "nothere"))
    assert unknown.returncode == 1
    assert unknown.stderr.strip().splitlines() == [
        f"error: no such spider: nothere (no seed nothere.toml in {seeds}/)"
    ]

    (seeds / "bad.toml").write_text('site = "x"\nschedule = "every hour"\n', "utf-8")
    refused = scrapy(*schedule_args(seeds, output, "--seed", "bad"))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert refused.stderr.startswith("error: bad seed: ")

    # A refused seed does not stop the others; --once then exits 1.
    proc = scrapy(*schedule_args(seeds, output, "--once"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "Seed not scheduled:" in proc.stderr and "bad.toml" in proc.stderr
    assert len(logs(output, "good")) == 1 and state(output)["good"]["result"] == "ok"


@pytest.mark.parametrize(
    ("cpus", "max_crawls", "given", "passed"),
    [
        (2, 4, "auto", ["-s", "EXTRACT_PROCESSES=0"]),  # 4 crawls keep 2 CPUs busy already
        (16, 4, "auto", ["-s", "EXTRACT_PROCESSES=3"]),  # 12 spare CPUs for 4 crawls
        (16, 1, "auto", ["-s", "EXTRACT_PROCESSES=4"]),  # at most 4 a crawl
        (2, 1, "auto", ["-s", "EXTRACT_PROCESSES=1"]),  # as one crawl alone would take
        (16, 4, "2", []),  # a number, passed on as given
        (16, 4, None, ["-s", "EXTRACT_PROCESSES=3"]),  # the default, auto
    ],
)
def test_scheduled_crawls_share_the_spare_cpus_between_them(
    tmp_path, monkeypatch, cpus, max_crawls, given, passed
):
    """With EXTRACT_PROCESSES = "auto", each crawl of `scrapy schedule` gets its share of the
    CPUs beside the reactors of the SCHEDULE_MAX_CRAWLS crawls that may run at once, not one
    extraction worker a CPU each."""
    from scrapy.settings import Settings

    from crawler.schedule import Scheduler

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("SEEDS_DIR", str(tmp_path / "seeds"))
    settings.set("OUTPUT_DIR", str(tmp_path / "output"))
    settings.set("SCHEDULE_MAX_CRAWLS", max_crawls)
    if given is not None:
        settings.set("EXTRACT_PROCESSES", given, priority="cmdline")
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    # The CPUs the process may run on, where the system tells them (crawler.extract.workers).
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)), raising=False)
    assert Scheduler(settings, []).extract_processes() == passed
