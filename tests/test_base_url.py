"""Every relative URL of a body (links, images, srcset) is resolved against the document's base
URL — its <base href>, relative or absolute, else the page's URL — on the selector path and on
the generic path alike, and the images are downloaded from there."""

from __future__ import annotations

import base64

import pytest

from conftest import crawl

# A 20x20 PNG: large enough to be kept (IMAGES_MIN_WIDTH/HEIGHT are 16).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAABQAAAAUCAIAAAAC64paAAAAHUlEQVR4nGM8ISfHQC5gIlvnqOZRzaOaRzVTRTMAOhEB"
    "LDUYsRcAAAAASUVORK5CYII="
)
TEXT = "<p>{} A paragraph long enough to be the text of the article, and more words.</p>"
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
{base}</head><body><article><h1>{title}</h1><div class="content">
<figure><img src="fig.png" alt="figure"></figure>
<picture><source srcset="wide-1.png 1x, wide-2.png 2x"><img alt="responsive"></picture>
{text}<p>See the <a href="refs.html">references</a> and <a href="/top.html">home</a>.</p>
</div></article></body></html>"""

SEED = """\
site = "Bases"
allowed_domains = ["127.0.0.1"]
[[channels]]
name = "All"
url = "{base}/index.html"
[listing]
link = "a.doc::attr(href)"
"""


@pytest.fixture
def site(tmp_path, serve):
    """Three papers whose files live elsewhere than the page: their <base href> says where."""
    root = tmp_path / "site"
    server = serve(root)
    origin = server.base_url
    papers = {
        # page path -> (<base href>, the folder it points at)
        "p/one/": ("/p/one-v2/", "p/one-v2"),  # host-relative, as arXiv writes it
        "p/two/index.html": ("../two-v3/", "p/two-v3"),  # document-relative
        "p/three/": (f"{origin}/elsewhere/three/", "elsewhere/three"),  # absolute
        "p/four/": (None, "p/four"),  # no <base>: the page's own URL
    }
    links = []
    for n, (path, (href, folder)) in enumerate(papers.items()):
        page = root / path
        if path.endswith("/"):
            page = page / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        title = f"Paper number {n}"
        base = f'<base href="{href}">' if href else ""
        page.write_text(PAGE.format(title=title, base=base, text=TEXT.format(title) * 3), "utf-8")
        (root / folder).mkdir(parents=True, exist_ok=True)
        for image in ("fig.png", "wide-2.png"):
            (root / folder / image).write_bytes(PNG)
        links.append(f'<a class="doc" href="/{path}">{title}</a>')
    (root / "index.html").write_text("<br>".join(links), "utf-8")
    return root, origin, papers


@pytest.mark.parametrize("selectors", [False, True], ids=["generic", "seed-body"])
def test_links_and_images_against_the_base_url(tmp_path, site, selectors):
    _, origin, papers = site
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = SEED.format(base=origin)
    if selectors:
        seed += '[article]\nbody = ".content"\n'
    (seeds / "bases.toml").write_text(seed, "utf-8")
    result = crawl("bases", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line["url"]: line for line in result.feed_lines("bases")}
    assert len(lines) == len(papers)
    assert "Image not kept" not in result.stderr
    for path, (_, folder) in papers.items():
        line = lines[f"{origin}/{path}"]
        where = f"{origin}/{folder}"
        assert {image["url"] for image in line["images"]} == {
            f"{where}/fig.png",
            f"{where}/wide-2.png",  # the largest candidate of the <picture>'s srcset
        }, path
        for image in line["images"]:
            assert (result.output / "images" / image["path"]).is_file()
            assert f'src="/images/{image["path"]}"' in line["body_html"]
        assert f'href="{where}/refs.html"' in line["body_html"], path
        assert f'href="{origin}/top.html"' in line["body_html"], path
