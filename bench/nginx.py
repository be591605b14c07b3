"""Serve a folder with Debian's nginx on 127.0.0.1, under a config of ours, stopped by its PID.

    python bench/nginx.py ROOT [--port 0]      # serves until Ctrl-C

Needs the ``nginx`` binary (``apt-get install nginx``); nothing of the system's nginx config or
service is used: the config, PID file, logs and temporary folders live in a folder of our own.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

CONFIG = """\
{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        location / {{ try_files $uri =404; }}
    }}
}}
"""
MIME_TYPES = "/etc/nginx/mime.types"


def nginx_binary() -> str | None:
    """The nginx binary's path, or None when it is not installed."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    """nginx serving ``root`` on 127.0.0.1:``port`` (a free one when 0) until ``stop()``."""

    def __init__(self, root: Path | str, port: int = 0):
        self.root = Path(root).resolve()
        self.port = port or free_port()
        self.prefix = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> str:
        mime_types = MIME_TYPES if Path(MIME_TYPES).exists() else os.devnull
        # Started as root, the worker would run as nobody, who cannot read a private folder.
        user = "user root;\n" if os.geteuid() == 0 else ""
        return CONFIG.format(
            user=user, prefix=self.prefix, port=self.port, root=self.root, mime_types=mime_types
        )

    def start(self, timeout: float = 10) -> Nginx:
        """Start nginx and wait until it answers; RuntimeError with its log if it does not."""
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed: apt-get install nginx")
        conf = self.prefix / "nginx.conf"
        conf.write_text(self.config())
        self.proc = subprocess.Popen(
            [binary, "-p", str(self.prefix), "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=(self.prefix / "stderr.log").open("w"),
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    log = (self.prefix / "stderr.log").read_text()
                    raise RuntimeError(f"nginx did not start: {log.strip()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop nginx by its PID (fast shutdown) and remove our folder."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def interrupted(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    # Stopped by SIGTERM too (a bench script, `timeout`): nginx is stopped with it.
    signal.signal(signal.SIGTERM, interrupted)
    with Nginx(args.root, args.port) as server:
        print(f"serving {args.root} at {server.base_url} (nginx PID {server.proc.pid})", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
