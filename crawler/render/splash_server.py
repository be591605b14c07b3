"""A Splash 3.5 server on this machine without Docker: its Python environment made from Debian's
Qt packages, and the server started in the background, asked how it is, and stopped."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

# What Splash needs from Debian: PyPI has no PyQt5 with QtWebKit, which Splash imports for both
# of its engines. Xvfb gives it a display.
DEBIAN_PACKAGES = (
    "python3-pyqt5",
    "python3-pyqt5.qtwebkit",
    "python3-pyqt5.qtwebengine",
    "python3-venv",
    "xvfb",
)
# Splash 3.5 (its last release) and the versions seen to work with it on Debian 12.
PYPI_PACKAGES = (
    "splash==3.5",
    "qt5reactor==0.6.3",
    "lupa==2.8",
    "Twisted==26.10.0",
    "xvfbwrapper==0.2.37",
)
# Debian's own Python, the one its PyQt5 packages are built for.
SYSTEM_PYTHON = "/usr/bin/python3"
LAUNCHER = Path(__file__).with_name("splash_launcher.py")


class SplashError(RuntimeError):
    """Splash could not be installed, started or stopped; str() is one line for the user."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def install(venv: Path, python: str = SYSTEM_PYTHON) -> None:
    """Make Splash's environment at ``venv``: Debian's Python with its site packages (the Qt
    bindings), and Splash with the versions of PYPI_PACKAGES from PyPI."""
    check = "import PyQt5.QtWebKit, PyQt5.QtWebEngineWidgets"
    if not Path(python).is_file() or subprocess.run([python, "-c", check]).returncode:
        raise SplashError(
            f"{python} lacks Debian's Qt bindings: apt-get install {' '.join(DEBIAN_PACKAGES)}"
        )
    if not (venv / "bin" / "python").is_file():
        subprocess.run([python, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    if subprocess.run([*pip, *PYPI_PACKAGES]).returncode:
        raise SplashError(f"pip could not install {' '.join(PYPI_PACKAGES)} into {venv}")


class SplashServer:
    """One Splash server on ``host:port``, run from the environment at ``venv``; its pid and
    address are kept in ``state_dir/splash-<port>.json`` and its log in
    ``state_dir/splash-<port>.log`` while it runs."""

    def __init__(self, venv: Path, state_dir: Path, port: int = 8050, host: str = "127.0.0.1"):
        self.venv = Path(venv)
        self.state_dir = Path(state_dir)
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def state_file(self) -> Path:
        return self.state_dir / f"splash-{self.port}.json"

    @property
    def log_file(self) -> Path:
        return self.state_dir / f"splash-{self.port}.log"

    def start(self, slots: int = 4, max_timeout: float = 90, wait: float = 60) -> int:
        """Start Splash in its own session and wait until it answers ``/_ping``; its pid.

        The launcher applies the fixes Splash 3.5 needs (crawler/render/splash_launcher.py).
        Raises SplashError: no environment, the port taken, or Splash gone or silent after
        ``wait`` seconds (with the last line of its log).
        """
        python = self.venv / "bin" / "python"
        if not python.is_file():
            raise SplashError(f"no Splash environment at {self.venv}: run `scrapy splash install`")
        if self.port == 0:
            self.port = free_port(self.host)
        if self.running():
            raise SplashError(f"Splash already runs at {self.url} (pid {self.pid()})")
        with socket.socket() as sock:
            if sock.connect_ex((self.host, self.port)) == 0:
                raise SplashError(f"port {self.port} of {self.host} is taken by another program")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        # -I: neither the launcher's folder (our splash.py) nor PYTHONPATH shadows Splash.
        command = [
            str(python),
            "-I",
            str(LAUNCHER),
            "--ip", self.host,
            "--port", str(self.port),
            "--slots", str(slots),
            "--max-timeout", str(max_timeout),
            "--disable-ui",
        ]  # fmt: skip
        # Chromium's sandbox cannot run as root in a container; Splash starts its own Xvfb.
        env = {**os.environ, "QTWEBENGINE_DISABLE_SANDBOX": "1"}
        with self.log_file.open("w") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        self.state_file.write_text(json.dumps({"pid": process.pid, "url": self.url}))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.state_file.unlink(missing_ok=True)
                raise SplashError(f"Splash exited at start: {self.last_log_line()}")
            if self.ping():
                return process.pid
            time.sleep(0.2)
        self.stop()
        raise SplashError(f"Splash did not answer at {self.url} in {wait:.0f} s")

    def ping(self) -> bool:
        """Whether Splash answers ``GET /_ping`` with its status "ok"."""
        try:
            with urllib.request.urlopen(f"{self.url}/_ping", timeout=2) as answer:
                return json.load(answer).get("status") == "ok"
        except (OSError, ValueError):
            return False

    def pid(self) -> int | None:
        """The pid of our Splash on this port, while it runs."""
        try:
            pid = int(json.loads(self.state_file.read_text())["pid"])
        except (OSError, ValueError, KeyError):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        # A pid the system gave to another program since is not ours.
        return pid if LAUNCHER.name.encode() in cmdline else None

    def running(self) -> bool:
        return self.pid() is not None

    def status(self) -> str:
        """One line: where it runs and whether it answers, or that it does not run."""
        pid = self.pid()
        if pid is None:
            return f"Splash is not running on port {self.port}"
        answer = "answers" if self.ping() else "does not answer"
        return f"Splash runs at {self.url} (pid {pid}) and {answer}; log: {self.log_file}"

    def stop(self, wait: float = 15) -> bool:
        """Stop our Splash on this port: SIGTERM to its session (Splash and its Xvfb), SIGKILL
        after ``wait`` seconds. False when it was not running."""
        pid = self.pid()
        self.state_file.unlink(missing_ok=True)
        if pid is None:
            return False
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not alive(pid):
                return True
            time.sleep(0.1)
        os.killpg(pid, signal.SIGKILL)
        return True

    def last_log_line(self) -> str:
        try:
            lines = self.log_file.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1][:300] if lines else "no output"


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie left by its parent does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"
