"""A news site whose listing links and article pages are written by JavaScript, and its static
twin: the same articles in plain HTML. `build(root)` writes both under ``root``: ``/js/`` and
``/static/``, with the images both show under ``/img/``.

On ``/js/`` the listing's links are inserted once the page has run its script, and each
article (title, date, author, body and its picture) comes from a JSON object in the page; the
article LATE shows "Loading…" for 300 ms before its text arrives. Without a browser the site
offers no link and no article text.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

SITE = "Scripted Times"
# Which article fills itself in after a timer, and the timer (ms).
LATE = "a2"
LATE_MS = 300


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    date: str
    author: str
    paragraphs: tuple[str, ...]

    @property
    def image(self) -> str:
        return f"/img/{self.slug}.png"

    def body(self) -> str:
        first, *rest = self.paragraphs
        return (
            f"<p>{html.escape(first)}</p>"
            f'<p><img src="{self.image}" alt="{html.escape(self.title)}" width="40" '
            'height="30"></p>' + "".join(f"<p>{html.escape(text)}</p>" for text in rest)
        )


STORIES = (
    Story(
        "a1",
        "Harbour lights return after the winter storms",
        "2024-03-02T09:15:00+00:00",
        "Ann Keel",
        (
            "The harbour's string of lights was switched on again on Friday evening.",
            "Volunteers replaced forty bulbs broken by the January gales.",
            "The council thanked the lifeboat crew for lending their crane.",
        ),
    ),
    Story(
        "a2",
        "School weather station records its first frost",
        "2024-03-03T07:40:00+00:00",
        "Ben Okafor",
        (
            "Pupils at the primary school read minus two degrees on Tuesday morning.",
            "Their station sends a reading every ten minutes to the class website.",
            "Next term they will add a rain gauge built in the design workshop.",
        ),
    ),
    Story(
        "a3",
        "Seagrass survey counts twice last year's meadow",
        "2024-03-04T16:05:00+00:00",
        "Cara Lund",
        (
            "Divers mapped the seagrass beds off the north beach over two weekends.",
            "The meadow now covers almost four hectares, twice last year's figure.",
            "Anchoring in the bay stays banned until the autumn count.",
        ),
    ),
)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n"
    )


def static_article(story: Story) -> str:
    return _page(
        f"{story.title} | {SITE}",
        f"<article><h1>{html.escape(story.title)}</h1>"
        f'<time datetime="{story.date}">{story.date[:10]}</time>'
        f'<p class="byline">{html.escape(story.author)}</p>'
        f'<div class="story-body">{story.body()}</div></article>',
    )


def scripted_article(
    story: Story, delay_ms: int = 0, never: bool = False, canonical: str = ""
) -> str:
    """The article written into an empty frame by its script: at once, after ``delay_ms``, or
    (``never``) not at all; ``canonical``: the script also adds a ``<link rel="canonical">``
    naming that address."""
    data = json.dumps(
        {"title": story.title, "date": story.date, "author": story.author, "body": story.body()}
    ).replace("</", "<\\/")
    link = (
        "var l = document.createElement('link'); l.rel = 'canonical';"
        f" l.href = {json.dumps(canonical)}; document.head.appendChild(l);"
        if canonical
        else ""
    )
    fill = (
        "function fill() {"
        " var a = document.getElementById('story');"
        ' a.innerHTML = \'<h1></h1><time></time><p class="byline"></p>'
        '<div class="story-body"></div>\';'
        " a.querySelector('h1').textContent = DATA.title;"
        " var t = a.querySelector('time'); t.setAttribute('datetime', DATA.date);"
        " t.textContent = DATA.date.slice(0, 10);"
        " a.querySelector('.byline').textContent = DATA.author;"
        " a.querySelector('.story-body').innerHTML = DATA.body; " + link + "}"
    )
    start = "" if never else (f"setTimeout(fill, {delay_ms});" if delay_ms else "fill();")
    return _page(
        SITE,
        '<article id="story"><div class="story-body">Loading…</div></article>\n'
        f"<script>var DATA = {data};\n{fill}\n{start}</script>",
    )


def static_listing(slugs: list[str]) -> str:
    items = "".join(
        f'<li><a href="{slug}.html">{html.escape(title)}</a></li>' for slug, title in slugs
    )
    return _page(SITE, f'<ul class="headlines">{items}</ul>')


def scripted_listing(slugs: list[str], click: bool = False) -> str:
    """The listing, its links written by its script: at once, or (``click``) once its "More"
    button is clicked."""
    links = json.dumps(slugs)
    show = (
        f"function show() {{ {links}.forEach(function (e) {{"
        " var li = document.createElement('li');"
        " var a = document.createElement('a'); a.href = e[0] + '.html';"
        " a.textContent = e[1]; li.appendChild(a);"
        " document.querySelector('.headlines').appendChild(li); }); }"
    )
    start = "document.getElementById('more').onclick = show;" if click else "show();"
    return _page(
        SITE,
        '<ul class="headlines"></ul><button id="more">More</button>\n'
        f"<script>{show}\n{start}</script>",
    )


def build(
    root: Path,
    never: tuple[str, ...] = (),
    late_ms: int = LATE_MS,
    copy: bool = False,
    click: bool = False,
) -> None:
    """Write ``/js/`` and ``/static/`` under ``root``, and ``/mixed/``: a static listing of the
    scripted articles. Articles named in ``never`` are listed on ``/js/`` but never write
    themselves; LATE writes itself after ``late_ms``. ``copy``: ``/js/`` also lists
    ``a1-copy.html``, the first article again, whose script names ``a1.html`` its canonical
    address. ``click``: the ``/js/`` listing shows its links once "More" is clicked."""
    for folder in ("js", "static", "img", "mixed"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    slugs = [(story.slug, story.title) for story in STORIES]
    scripted = list(slugs)
    if copy:
        first = STORIES[0]
        page = scripted_article(first, canonical="a1.html")
        (root / "js" / "a1-copy.html").write_text(page, "utf-8")
        scripted.append(("a1-copy", first.title))
    (root / "js" / "index.html").write_text(scripted_listing(scripted, click), "utf-8")
    mixed = [(f"../js/{slug}", title) for slug, title in slugs]
    (root / "mixed" / "index.html").write_text(static_listing(mixed), "utf-8")
    (root / "static" / "index.html").write_text(static_listing(slugs), "utf-8")
    for number, story in enumerate(STORIES):
        (root / "static" / f"{story.slug}.html").write_text(static_article(story), "utf-8")
        delay = late_ms if story.slug == LATE else 0
        page = scripted_article(story, delay, never=story.slug in never)
        (root / "js" / f"{story.slug}.html").write_text(page, "utf-8")
        picture = Image.new("RGB", (40, 30), (40 * number, 90, 160))
        picture.save(root / "img" / f"{story.slug}.png")


def seed(base_url: str, folder: str, **top: str) -> str:
    """The seed of ``/<folder>/`` on a server at ``base_url``; ``top`` adds top-level keys (TOML
    values: ``render='"splash"'``)."""
    extra = "".join(f"{key} = {value}\n" for key, value in top.items())
    return (
        f'site = "{SITE}"\nallowed_domains = ["127.0.0.1"]\ntimezone = "UTC"\n{extra}'
        f'[[channels]]\nname = "News"\nurl = "{base_url}/{folder}/index.html"\n'
        '[listing]\nlink = ".headlines a::attr(href)"\n'
        '[article]\ntitle = "h1::text"\ndate = "time::attr(datetime)"\n'
        'author = ".byline::text"\nbody = ".story-body"\n'
    )
