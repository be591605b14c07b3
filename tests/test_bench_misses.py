"""bench/extraction.py --misses A: the htmldate benchmark's pages of half A an extractor dated
wrong or not at all, with the rule that gave ours; never a page of half B."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

STORY = "<p>" + "The harbour promenade will be extended by four hundred metres. " * 8 + "</p>"


def page(published: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Harbour</title>"
        f"<meta property='article:published_time' content='{published}'></head>"
        f"<body><h1>Harbour</h1><div class='story'>{STORY}</div></body></html>"
    )


def test_misses_lists_half_a_pages_dated_wrong_with_the_rule(tmp_path):
    # hdate-page0 and hdate-page2 fall in half A, hdate-page1 in half B (SHA-256 of the id).
    pages = {
        "hdate-page0": ("2021-03-04T10:00:00+01:00", "2021-03-05"),  # A, wrong
        "hdate-page1": ("2021-03-04T10:00:00+01:00", "2021-03-06"),  # B, wrong: not listed
        "hdate-page2": ("2021-03-04T10:00:00+01:00", "2021-03-04"),  # A, right
    }
    (tmp_path / "hdate").mkdir()
    manifest = []
    for name, (published, truth) in pages.items():
        (tmp_path / "hdate" / f"{name}.html").write_text(page(published), "utf-8")
        (tmp_path / "hdate" / f"{name}.json").write_text(json.dumps({"date": truth}), "utf-8")
        manifest.append(
            {
                "id": name,
                "source": "hdate",
                "lang": "en",
                "url": f"https://example.com/{name}",
                "html": f"hdate/{name}.html",
                "json": f"hdate/{name}.json",
            }
        )
    (tmp_path / "manifest.jsonl").write_text("".join(json.dumps(m) + "\n" for m in manifest))
    command = [sys.executable, str(ROOT / "bench" / "extraction.py"), str(tmp_path)]
    result = subprocess.run(
        [*command, "--only", "ours", "--sources", "hdate", "--misses", "A"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "hdate misses of half A: 1" in result.stdout
    assert (
        "  hdate-page0 got 2021-03-04 want 2021-03-05 by meta https://example.com/hdate-page0"
        in result.stdout
    )
    assert "hdate-page1" not in result.stdout and "hdate-page2 got" not in result.stdout
    refused = subprocess.run([*command, "--misses", "B"], capture_output=True, text=True)
    assert refused.returncode != 0 and "invalid choice" in refused.stderr
