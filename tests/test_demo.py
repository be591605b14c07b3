"""`scrapy demo` on a fresh output directory: posts, a feed, a report, and no error."""

from __future__ import annotations

import json

from conftest import read_jsonl, scrapy, split_post


def test_demo_crawl(tmp_path):
    output = tmp_path / "output"
    proc = scrapy("demo", "-s", f"OUTPUT_DIR={output}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert " ERROR: " not in proc.stderr and "Traceback" not in proc.stderr
    # The one warning is USER_AGENT's (README): none for extensions left unset (ALERT_WEBHOOK).
    warnings = [line for line in proc.stderr.splitlines() if " WARNING: " in line]
    assert len(warnings) == 1 and "USER_AGENT" in warnings[0], warnings

    posts = sorted((output / "posts").glob("*.md"))
    (feed,) = (output / "feeds" / "demo").glob("*.jsonl")
    lines = read_jsonl(feed)
    assert len(posts) == len(lines) == 8
    (report,) = (output / "reports" / "demo").glob("*.json")
    figures = json.loads(report.read_text("utf-8"))
    assert figures["exported"] == 8 and figures["listing_pages"] == 4
    assert figures["dropped"] == {} and figures["failed_pages"] == {}

    by_title = {line["title"]: line for line in lines}
    lights = by_title["Market square lights to be switched on by a ferry pilot"]
    assert lights["author"] == "Tomos Reed"
    assert lights["categories"] == ["Demo", "Harbour Gazette", "Town"]
    assert lights["date"] == "2026-11-12T11:00:00+00:00"
    # The lazy image's real address replaced its placeholder, and both images are local copies.
    assert [image["url"].rsplit("/", 1)[1] for image in lights["images"]] == [
        "lights.png",
        "band.png",
    ]
    for image in lights["images"]:
        assert (output / "images" / image["path"]).is_file()
        assert f'src="/images/{image["path"]}"' in lights["body_html"]
    assert "placeholder" not in lights["body_html"]
    assert "Share this story" not in lights["text"]
    for post in posts:
        front, _ = split_post(post.read_text("utf-8"))
        assert front["title"] in by_title

    again = scrapy("demo", "-s", f"OUTPUT_DIR={output}")
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(list((output / "feeds" / "demo").glob("*.jsonl"))) == 1
    reports = sorted((output / "reports" / "demo").glob("*.json"))
    second = json.loads(reports[-1].read_text("utf-8"))
    assert second["exported"] == 0
    # robots.txt and the first listing page of each of the two channels.
    assert second["requests"] == 3
