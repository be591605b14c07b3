"""The crawl benchmark's tools on a tiny site: the generator is deterministic and writes what
the benchmark needs, nginx serves it and stops, and bench/run.py prints every figure."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import urllib.request

from PIL import Image

from conftest import ROOT, require

sys.path.insert(0, str(ROOT / "bench"))
import newssite
from nginx import Nginx, nginx_binary


def digest(root) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_generator_is_deterministic_and_a_small_site_starts_a_large_one(tmp_path):
    small, again, large = tmp_path / "small", tmp_path / "again", tmp_path / "large"
    built = newssite.build(small, 30)
    assert built["articles"] == 30 and built["listing_pages"] == 2
    newssite.build(again, 30)
    assert digest(small) == digest(again)
    newssite.build(large, 45)
    small_pages, large_pages = digest(small / "a"), digest(large / "a")
    assert all(large_pages[name] == sha for name, sha in small_pages.items())


def test_generated_pages_are_what_the_benchmark_needs(tmp_path):
    newssite.build(tmp_path, 30)
    pages = sorted((tmp_path / "a").rglob("*.html"))
    assert len(pages) == 30
    encodings = set()
    for page in pages:
        raw = page.read_bytes()
        assert 28_000 <= len(raw) <= 62_000, page
        charset = re.search(rb'<meta charset="([\w-]+)">', raw)[1].decode()
        encodings.add(charset)
        text = raw.decode(charset)
        for part in ('class="nav"', "sidebar-left", "sidebar-right", "<footer>", "<script>"):
            assert part in text
        assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[A-Za-z]{4,}", text)
    assert encodings == {"utf-8", "gbk"}
    first = (tmp_path / "list" / "1.html").read_text("utf-8")
    assert first.count('class="title"') == newssite.PER_PAGE
    assert '<link rel="next" href="/list/2.html">' in first
    assert 'rel="next"' not in (tmp_path / "list" / "2.html").read_text("utf-8")
    images = sorted((tmp_path / "img").glob("*.png"))
    assert any(path.name.startswith("s") for path in images)  # shared between articles
    sums = {hashlib.sha256(path.read_bytes()).hexdigest() for path in images}
    assert len(sums) == len(images)  # distinct
    assert Image.open(io.BytesIO(images[0].read_bytes())).size == (48, 32)


def test_nginx_serves_the_site_and_stops_by_its_pid(tmp_path):
    require(nginx_binary() is not None, "nginx is not installed (apt-get install nginx)")
    newssite.build(tmp_path / "site", 3)
    server = Nginx(tmp_path / "site").start()
    try:
        with urllib.request.urlopen(f"{server.base_url}/list/1.html") as response:
            assert response.status == 200
            assert b'class="title"' in response.read()
        pid = server.proc.pid
    finally:
        server.stop()
    assert server.proc.poll() is not None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pass
    else:
        raise AssertionError(f"nginx {pid} still runs")


def test_runner_prints_every_figure():
    require(nginx_binary() is not None, "nginx is not installed (apt-get install nginx)")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--articles", "20", "--pairs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "20 articles, 1 listing pages" in out
    assert out.count("pages/s") >= 4 and "CPU ms" in out and "RSS MB" in out and "load" in out
    for name in ("images", "no-images", "generic"):
        assert re.search(rf"^{name} +[\d.]+ +[\d.]+ +[\d.]+ +(yes|NO)$", out, re.M), name
    assert re.search(r"^re-run of the unchanged site: \d+ requests", out, re.M)
    assert "load average at the end" in out
