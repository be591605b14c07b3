"""Log messages below LOG_LEVEL are not built (crawler.loglevel, crawler.logformatter), and every
line asked is still written: the crawl's LOG_LEVEL, a seed's own, and a handler of one's own that
keeps every level."""

from __future__ import annotations

import logging

from scrapy.settings import Settings
from scrapy.utils.log import _uninstall_scrapy_root_handler, install_scrapy_root_handler

from conftest import crawl, one_channel_seed, png
from crawler.loglevel import handled_level


def test_lines_below_the_level_only_where_asked(tmp_path, serve):
    root = tmp_path / "site"
    (root / "img").mkdir(parents=True)
    (root / "img" / "a.png").write_bytes(png((40, 30), (30, 120, 200)))
    (root / "list.html").write_text("<h2><a href='/story.html'>A story</a></h2>")
    (root / "story.html").write_text(
        "<html><body><h1>A story</h1><div class='c'><p>Some text.</p>"
        "<p><img src='/img/a.png'></p></div></body></html>"
    )
    server = serve(root)
    seeds = one_channel_seed(
        tmp_path, "story", f"{server.base_url}/list.html", '"h2 a::attr(href)"', 'body = ".c"'
    )
    image = f"{server.base_url}/img/a.png"

    default = crawl("story", seeds, tmp_path / "info")
    assert default.returncode == 0, default.stderr[-3000:]
    assert "[scrapy.core.engine] INFO: Spider opened" in default.stderr
    assert "'log_count/INFO':" in default.stderr
    assert " DEBUG: " not in default.stderr

    # The seed's own LOG_LEVEL (its crawler's handler, installed after the extensions are
    # built): Scrapy's lines, and Pillow's, whose logger has no level of its own.
    seed = seeds / "story.toml"
    seed.write_text(seed.read_text("utf-8") + '[settings]\nLOG_LEVEL = "DEBUG"\n', "utf-8")
    debug = crawl("story", seeds, tmp_path / "debug")
    assert debug.returncode == 0, debug.stderr[-3000:]
    assert f"[scrapy.core.engine] DEBUG: Crawled (200) <GET {image}>" in debug.stderr
    story = f"{server.base_url}/story.html"
    assert f"[scrapy.core.scraper] DEBUG: Scraped from <200 {story}>" in debug.stderr
    assert f"DEBUG: File (downloaded): Downloaded file from <GET {image}>" in debug.stderr
    assert "[PIL.PngImagePlugin] DEBUG: STREAM b'IHDR'" in debug.stderr
    assert "'log_count/DEBUG':" in debug.stderr


def test_a_handler_that_keeps_every_level_keeps_every_record():
    keeps_all = logging.NullHandler()  # level NOTSET
    install_scrapy_root_handler(Settings({"LOG_LEVEL": "INFO"}))
    try:
        logging.root.addHandler(keeps_all)
        assert handled_level() == logging.NOTSET
        logging.root.removeHandler(keeps_all)
        others = [handler for handler in logging.root.handlers if handler.level < logging.INFO]
        for handler in others:  # pytest's own capture
            logging.root.removeHandler(handler)
        try:
            assert handled_level() == logging.INFO
        finally:
            for handler in others:
                logging.root.addHandler(handler)
    finally:
        logging.root.removeHandler(keeps_all)
        _uninstall_scrapy_root_handler()
