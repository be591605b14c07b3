"""`scrapy splash status|stop` on a port where no Splash runs: one line each, Scrapy's start-up
banner left out, and the exit status a script can test (3: not running, as `systemctl status`;
1: nothing to stop). Starting and stopping a real Splash is tested through conftest's
``splash_url``."""

from __future__ import annotations

import socket

from conftest import scrapy


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_status_and_stop_where_no_splash_runs(tmp_path):
    port = str(free_port())
    out = ("-s", f"OUTPUT_DIR={tmp_path}")
    status = scrapy("splash", "status", "--port", port, *out)
    assert status.returncode == 3, status.stderr[-2000:]
    assert status.stdout == f"Splash is not running on port {port}\n"
    assert status.stderr == ""
    stop = scrapy("splash", "stop", "--port", port, *out)
    assert stop.returncode == 1
    assert stop.stderr == f"error: Splash is not running on port {port}\n"
    assert stop.stdout == ""
