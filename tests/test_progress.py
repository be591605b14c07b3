"""A crawl's progress: a live display on a terminal (a real pseudo-terminal here), a plain
periodic line in a log."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, crawl, crawl_args, scrapy_env
from sites import changing

FINAL = "1 listing page, 6 articles found, 6 fetched, 6 exported, 0 errors"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def changing_site(tmp_path: Path, serve, delay: float = 0.0) -> Path:
    root = tmp_path / "site"
    server = serve(root)
    server.delay = delay
    changing.build(root, server.base_url, 6)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "changing.toml").write_text(changing.seed(server.base_url), "utf-8")
    return seeds


def crawl_on_terminal(seeds: Path, output: Path, *args: str) -> tuple[int, str]:
    """`scrapy crawl` with stdin, stdout and stderr on a pseudo-terminal; all it wrote there."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", *crawl_args("changing", seeds, output, *args)],
        cwd=ROOT,
        env={**scrapy_env(), "TERM": "xterm", "COLUMNS": "200"},
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    written = b""
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed: the process has exited
                break
            if not chunk:
                break
            written += chunk
        elif process.poll() is not None:
            break
    os.close(master)
    return process.wait(timeout=60), written.decode("utf-8", "replace")


def test_live_progress_on_a_terminal(tmp_path, serve):
    seeds = changing_site(tmp_path, serve, delay=0.3)
    code, written = crawl_on_terminal(seeds, tmp_path / "out")
    assert code == 0, written[-3000:]
    screen = ANSI.sub("", written)
    # The display was redrawn as the crawl went, and ends on the final figures.
    shown = re.findall(r"changing\s+(\d+ listing pages?, .*? errors?) \(\d+ pages/min\)", screen)
    assert len(shown) >= 2, screen[-3000:]
    assert shown[-1] == FINAL
    assert len(set(shown)) >= 2, "the figures moved as the crawl went"
    assert "\x1b[" in written
    # The log still shows, whole lines above the display; no periodic log line on a terminal.
    assert "[scrapy.core.engine] INFO: Spider closed (finished)" in screen
    assert "Progress of changing" not in screen


def test_periodic_line_in_a_log(tmp_path, serve):
    seeds = changing_site(tmp_path, serve, delay=0.3)
    # stderr is a pipe here, as in a log file: plain lines every PROGRESS_INTERVAL seconds.
    result = crawl("changing", seeds, tmp_path / "out", "-s", "PROGRESS_INTERVAL=0.2")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if "Progress of changing:" in line]
    assert len(lines) >= 3, result.stderr[-3000:]
    assert all(
        re.search(r"\[crawler\.progress\] INFO: Progress of changing: ", line) for line in lines
    )
    assert lines[-1].split("Progress of changing: ")[1].startswith(FINAL)
    assert "\x1b[" not in result.stderr


def test_log_file_on_a_terminal_and_progress_off(tmp_path, serve):
    seeds = changing_site(tmp_path, serve)
    log = tmp_path / "crawl.log"
    code, written = crawl_on_terminal(
        seeds, tmp_path / "out", "-s", f"LOG_FILE={log}", "-s", "PROGRESS_INTERVAL=60"
    )
    assert code == 0, written[-3000:]
    # LOG_FILE: no live display on the terminal; the line at the end is in the file.
    assert "pages/min" not in written
    assert f"Progress of changing: {FINAL}" in log.read_text()

    off = crawl("changing", seeds, tmp_path / "out2", "-s", "PROGRESS=off")
    assert off.returncode == 0
    assert "Progress of" not in off.stderr
