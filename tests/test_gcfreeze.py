"""The objects a crawl starts with are frozen out of the garbage collector's passes
(crawler.gcfreeze), once per process: checked in a process of its own, as a crawl's."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHECK = textwrap.dedent(
    """
    import gc, sys
    from scrapy.settings import Settings
    from scrapy.utils.test import get_crawler
    from crawler.gcfreeze import FreezeStartupObjects

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("TWISTED_REACTOR_ENABLED", False)
    for name, value in (arg.split("=", 1) for arg in sys.argv[1:]):
        settings.set(name, value)
    crawler = get_crawler(settings_dict=settings.copy_to_dict())
    crawler._apply_settings()
    found = [e for e in crawler.extensions.middlewares if isinstance(e, FreezeStartupObjects)]
    print("enabled", bool(found))
    print("before", gc.get_freeze_count())
    for extension in found:
        extension.engine_started()
    first = gc.get_freeze_count()
    print("frozen", first)
    garbage = [[]]
    garbage[0].append(garbage)  # a cycle made after the start
    del garbage
    for extension in found:
        extension.engine_started()  # a second engine's start freezes nothing more
    print("again", gc.get_freeze_count() - first)
    print("collected", gc.collect() > 0)
    """
)


def run_check(*settings: str) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", CHECK, *settings],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


def test_the_first_engine_start_freezes_what_the_process_holds_and_no_later_one():
    found = run_check()
    assert found["enabled"] == "True"
    assert found["before"] == "0"
    assert int(found["frozen"]) > 10_000  # modules, settings, components...
    assert found["again"] == "0"
    assert found["collected"] == "True"  # garbage made later is still collected


def test_gc_freeze_false_leaves_the_collector_alone():
    found = run_check("GC_FREEZE=False")
    assert found["enabled"] == "False"
    assert found["frozen"] == "0"
