"""Distributed crawls: several workers take one seed's requests from a frontier in Redis
(scrapy-redis's scheduler and dupefilter), turned on by REDIS_URL."""

from __future__ import annotations

import os
import re
import socket
from importlib.util import find_spec
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# A worker id names a feed file: letters, digits, dots, hyphens and underscores only.
WORKER_ID = re.compile(r"[\w.-]{1,100}", re.ASCII)
INSTALL_HINT = "pip install 'crawler[distributed]'"


def is_distributed(settings: BaseSettings) -> bool:
    """Whether REDIS_URL (scrapy-redis's own setting) is set: the distributed mode."""
    return bool(settings.get("REDIS_URL"))


def worker_id(settings: BaseSettings) -> str:
    """WORKER_ID, else ``<host name>-<process id>`` (what is not allowed in it made ``_``)."""
    given = settings.get("WORKER_ID")
    if given:
        return str(given)
    return re.sub(r"[^\w.-]", "_", f"{socket.gethostname()}-{os.getpid()}", flags=re.ASCII)


def distributed_error(settings: BaseSettings) -> str | None:
    """Why the distributed mode cannot start, in one line, or None: scrapy-redis missing, a
    bad WORKER_ID or IDLE_CLOSE_SECONDS, a seen-store only this process sees, or a Redis
    server that does not answer. Nothing to say without REDIS_URL."""
    if not is_distributed(settings):
        return None
    if find_spec("scrapy_redis") is None:
        return f"REDIS_URL needs the scrapy-redis package: {INSTALL_HINT}"
    given = settings.get("WORKER_ID")
    if given and not WORKER_ID.fullmatch(str(given)):
        return (
            f"WORKER_ID {given!r}: use letters, digits, '.', '-' and '_' only "
            "(it names the worker's feed file)"
        )
    for name in ("IDLE_CLOSE_SECONDS", "WORKER_LEASE_SECONDS"):
        try:
            value = settings.getfloat(name)
        except ValueError:
            value = -1.0
        if value <= 0:
            return f"{name} must be a number of seconds above 0, not {settings.get(name)!r}"
    from crawler.stores import default_uri

    if default_uri(settings).startswith("memory://"):
        return "DEDUPE_STORE memory:// is seen by one process only: workers need a shared one"
    from crawler.distributed.frontier import redis_error

    return redis_error(settings)
