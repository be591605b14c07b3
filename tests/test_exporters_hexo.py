"""Hexo front matter and body: any title reads back as itself, raw tags cannot escape."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from crawler.exporters.hexo import Quoted, front_matter, neutralize_raw_tags, rfc1123

HOSTILE = [
    "It's",
    'say "hi"',
    "a: b",
    "a #b",
    "{{ x }}",
    "{% raw %}",
    "- leading dash",
    "yes",
    "null",
    "2022-04-09",
    "1e3",
    "0x1F",
    "@at",
    "% pct",
    "| pipe",
    "> gt",
    "? q",
    "[list]",
    "{map}",
    "* star",
    "& amp",
    "! bang",
    "---",
    "line\nbreak",
    "tab\there",
    "ctrl\x07bell",
    "emoji 🎉",
    "x" * 5000,
    "  padded  ",
    "",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_any_title_reads_back(title):
    text = front_matter({"title": Quoted(title), "comments": False})
    assert yaml.safe_load(text) == {"title": title, "comments": False}
    assert text.startswith('title: "')


def test_rfc1123_in_gmt():
    value = datetime(2022, 4, 9, 17, 56, 37, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert rfc1123(value) == "Sat, 09 Apr 2022 09:56:37 GMT"
    assert rfc1123(value.astimezone(UTC)) == "Sat, 09 Apr 2022 09:56:37 GMT"


def test_raw_tags_in_body_neutralized():
    body = "a {% endraw %} b {%- raw -%} c {%raw%}"
    out = neutralize_raw_tags(body)
    assert "{%" not in out and "%}" not in out
    assert out == "a {&#37; endraw &#37;} b {&#37;- raw -&#37;} c {&#37;raw&#37;}"
