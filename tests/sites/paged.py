"""A fixture site of one channel paged over PAGES listing pages (/p1.html, /p2.html, ...), each
listing two articles (/a/1.html, /a/2.html on page 1, ...), for backfill tests.

`build(root)` writes the site; `seed(base_url, max_pages)` is its seed, named `paged`.
"""

from __future__ import annotations

from pathlib import Path

PAGES = 5
PER_PAGE = 2

SEED = """\
site = "Paged"
allowed_domains = ["127.0.0.1"]
timezone = "UTC"

[[channels]]
name = "All"
url = "{base}/p1.html"
max_pages = {max_pages}

[listing]
link = "a.story::attr(href)"
next = "a.next::attr(href)"

[article]
body = ".text"
"""


def articles(page: int) -> list[int]:
    """The article numbers listing page ``page`` shows."""
    return list(range((page - 1) * PER_PAGE + 1, page * PER_PAGE + 1))


def build(root: Path, pages: int = PAGES) -> None:
    (root / "a").mkdir(parents=True, exist_ok=True)
    for page in range(1, pages + 1):
        links = "".join(
            f'<li><a class="story" href="/a/{n}.html">Story {n}</a></li>' for n in articles(page)
        )
        more = f'<a class="next" href="/p{page + 1}.html">More</a>' if page < pages else ""
        (root / f"p{page}.html").write_text(
            f"<!DOCTYPE html><html><head><title>Page {page}</title></head><body>"
            f"<ul>{links}</ul>{more}</body></html>",
            "utf-8",
        )
        for n in articles(page):
            (root / "a" / f"{n}.html").write_text(
                f"<!DOCTYPE html><html><head><title>Story {n}</title></head><body>"
                f"<h1>Story {n}</h1><div class='text'><p>The text of story number {n}, "
                "long enough to be an article body.</p>"
                # Over 200 characters, as a news article's text is (health checks judge it).
                "<p>A second paragraph tells what happened next, who said what about it, and "
                "when the story will be followed up, as the reporters of a real newspaper "
                "would write it.</p></div></body></html>",
                "utf-8",
            )


def seed(base_url: str, max_pages: int) -> str:
    return SEED.format(base=base_url, max_pages=max_pages)


def listing_paths(paths: list[str]) -> list[str]:
    """The listing pages among requested paths, in page order."""
    return sorted((p for p in paths if p.startswith("/p")), key=lambda p: int(p[2:-5]))


def article_numbers(paths: list[str]) -> list[int]:
    """The article numbers among requested paths, in order."""
    return sorted(int(p[3:-5]) for p in paths if p.startswith("/a/"))
