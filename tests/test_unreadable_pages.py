"""Article pages that an HTML reader trips on — an XHTML page that opens with an XML declaration
(served as XML, or with no content type), control characters in the text, bytes that are no
text at all — go through a real crawl: each is read as HTML and exported, or, when it is not a
page at all, counted as a failed page (not_html); never a traceback."""

from __future__ import annotations

from conftest import crawl

TEXT = "<p>Paragraph {n} of the {name} story, long enough to be read as the text of an article.</p>"
XHTML = """<?xml version="1.0" encoding="utf-8" ?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"
 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><head><title>{title}</title></head>
<body><div id="page"><h1>{title}</h1><div class="story">{text}</div></div></body></html>"""
SEED = """\
site = "Unreadable"
allowed_domains = ["127.0.0.1"]
timezone = "UTC"
[[channels]]
name = "All"
url = "{base}/index.html"
[listing]
item = "li"
link = "a::attr(href)"
title = "a::text"
"""


def story(name: str) -> str:
    return "".join(TEXT.format(n=n, name=name) for n in range(4))


def test_pages_that_trip_a_reader_are_read_or_dropped(tmp_path, serve):
    root = tmp_path / "site"
    root.mkdir()
    pages = {
        # XmlResponse (text/xml by its extension): parsel would read it as XML.
        "xhtml.xml": XHTML.format(title="Declared XML", text=story("xml")).encode(),
        # No extension, so no content type: Scrapy guesses XML from the declaration.
        "xhtml-bare": XHTML.format(title="Bare XML", text=story("bare")).encode(),
        "control.html": (
            "<html><head><title>Control</title></head><body><h1>Control</h1>"
            f"<div>{story('control')}<p>A group\x1dseparator and a\x0bvertical tab.</p></div>"
            "</body></html>"
        ).encode(),
        "nul.html": (
            f"<html><head><title>Nul</title></head><body><h1>Nul</h1><div>{story('nul')}\x00"
            "</div></body></html>"
        ).encode(),
        "binary.bin": bytes(range(256)) * 8,
    }
    for name, body in pages.items():
        (root / name).write_bytes(body)
    links = "".join(f'<li><a href="/{name}">Story {name}</a></li>' for name in pages)
    (root / "index.html").write_text(f"<ul>{links}</ul>", "utf-8")
    server = serve(root)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "unreadable.toml").write_text(SEED.format(base=server.base_url), "utf-8")
    result = crawl("unreadable", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    lines = {line["url"].rsplit("/", 1)[1]: line for line in result.feed_lines("unreadable")}
    assert set(lines) == {"xhtml.xml", "xhtml-bare", "control.html", "nul.html"}
    assert lines["xhtml.xml"]["title"] == "Declared XML"
    assert "Paragraph 3 of the xml story" in lines["xhtml.xml"]["text"]
    assert "Paragraph 0 of the bare story" in lines["xhtml-bare"]["text"]
    assert "A groupseparator and avertical tab." in lines["control.html"]["text"]
    assert "Paragraph 3 of the nul story" in lines["nul.html"]["text"]
    # The binary page, sent as application/octet-stream and not opening like markup, is a
    # failed page (not HTML), counted and remembered.
    assert result.report("unreadable")["failed_pages"] == {"not_html": 1}
