"""Images a page gives only by lazy-loading markup reach the body through a real crawl: the
address in the <noscript> beside a placeholder <img>, or in a <noscript> alone; a tracking pixel
in a <noscript> does not."""

from __future__ import annotations

import re

from conftest import crawl

TEXT = "<p>Paragraph {n} of the story, long enough to be read as the text of an article.</p>"
PAGE = """<html><head><title>Lazy images</title></head><body><article><h1>Lazy images</h1>
{text}
<figure><img class="lazy" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="placeholder">
<noscript><img src="/img/lead.jpg" alt="lead"></noscript><figcaption>The lead.</figcaption></figure>
{text}
<figure><img src="/img/blank.gif" class="js-lazy"><noscript><img src="/img/second.jpg"></noscript>
</figure>
<p>Closing words <noscript><img src="/img/alone.jpg" alt="alone"></noscript> of the story.</p>
<noscript><img src="https://pixel.example/t.gif" width="1" height="1"></noscript>
</article></body></html>"""
SEED = """\
site = "Lazy"
allowed_domains = ["127.0.0.1"]
timezone = "UTC"
[[channels]]
name = "All"
url = "{base}/index.html"
[listing]
link = "a.story::attr(href)"
{article}"""


def test_noscript_images_reach_the_body(tmp_path, serve):
    root = tmp_path / "site"
    root.mkdir()
    text = "".join(TEXT.format(n=n) for n in range(3))
    (root / "a.html").write_text(PAGE.format(text=text), "utf-8")
    (root / "index.html").write_text('<a class="story" href="/a.html">Lazy</a>', "utf-8")
    server = serve(root)
    for article in ("", '[article]\nbody = "article"\n'):
        seeds = tmp_path / f"seeds{len(article)}"
        seeds.mkdir()
        seed = SEED.format(base=server.base_url, article=article)
        (seeds / "lazy.toml").write_text(seed, "utf-8")
        result = crawl("lazy", seeds, tmp_path / f"out{len(article)}", "-s", "IMAGES_ENABLED=0")
        assert result.returncode == 0, result.stderr[-3000:]
        (line,) = result.feed_lines("lazy")
        sources = re.findall(r'<img [^>]*src="([^"]+)"', line["body_html"])
        assert sources == [
            f"{server.base_url}/img/{name}.jpg" for name in ("lead", "second", "alone")
        ], article
        assert "Closing words" in line["text"]
        # Its caption leaves a body found without rules (its photo stays); a body rule keeps it.
        assert ("The lead." in line["text"]) == bool(article), article
