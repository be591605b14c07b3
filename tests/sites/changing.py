"""A small news site that is redesigned between runs: ``build(root, base_url, count, layout)``
writes a listing of articles 1..count, newest first, and their pages.

In the "container" layout an article page holds its text in ``div.story-body``, with a date
and an author; in the "script" layout (the redesign) the page is an empty shell that a script
fills in a browser: the body container is gone, and there is no text to read.
"""

from __future__ import annotations

import html
from pathlib import Path

SITE = "Changing Times"
PARAGRAPH = (
    "The harbour board met on Tuesday evening to discuss the repairs to the north wall, "
    "which was damaged in the winter storms. Engineers presented three options, and the "
    "board agreed to put the cheapest of them out to tender before the end of the month."
)


def article_page(n: int, layout: str) -> str:
    title = f"Harbour news number {n}"
    head = f"<title>{html.escape(title)} | {SITE}</title>"
    if layout == "script":
        body = (
            f"<h1>{html.escape(title)}</h1><div id='app'></div>"
            "<script>document.getElementById('app').textContent = 'loading';</script>"
        )
    else:
        body = (
            f"<h1>{html.escape(title)}</h1>"
            f"<p class='byline'><span class='author'>Reporter {n}</span> "
            f"<time datetime='2024-05-{n:02d}T10:00:00+00:00'>May {n}, 2024</time></p>"
            f"<div class='story-body'><p>{PARAGRAPH}</p><p>Article {n}. {PARAGRAPH}</p></div>"
        )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )


def build(
    root: Path, base_url: str, count: int, layout: str = "container", missing: int = 0
) -> None:
    """Articles 1..count listed on /index.html; the ``missing`` newest are listed but not there."""
    (root / "a").mkdir(parents=True, exist_ok=True)
    items = "".join(
        f"<li><a href='{base_url}/a/{n}.html'>Harbour news number {n}</a></li>"
        for n in range(count, 0, -1)
    )
    (root / "index.html").write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{SITE}</title></head>"
        f"<body><ul class='list'>{items}</ul></body></html>",
        "utf-8",
    )
    for n in range(1, count + 1):
        page = root / "a" / f"{n}.html"
        if n > count - missing:
            page.unlink(missing_ok=True)
        else:
            page.write_text(article_page(n, layout), "utf-8")


def seed(base_url: str, extra: str = "", link: str = ".list a::attr(href)") -> str:
    """The site's seed; ``extra`` is TOML put before its tables (``schedule = ...``) or after
    them (a ``[health]`` table, when it starts with "[")."""
    top, tables = ("", extra) if extra.lstrip().startswith("[") else (extra, "")
    return (
        f'site = "{SITE}"\nallowed_domains = ["127.0.0.1"]\n{top}\n'
        f'[[channels]]\nname = "Harbour"\nurl = "{base_url}/index.html"\n'
        f'[listing]\nlink = "{link}"\n'
        '[article]\nbody = ".story-body"\nauthor = ".author::text"\n'
        'date = "time::attr(datetime)"\n'
        f"{tables}\n"
    )
