"""`scrapy extract`: every field of one page and the rule that gave it, from a file or a URL."""

from __future__ import annotations

from conftest import scrapy

PAGE = (
    "<html><head><title>Headline - Site</title>"
    "<meta property='article:published_time' content='2022-04-09T17:56:37+08:00'></head>"
    "<body><h1>Headline</h1><p class='by'>作者：张三</p><div><p>{}</p></div></body></html>"
).format("A sentence of the story, long enough to be its body. " * 10)


def field_lines(stdout: str) -> dict[str, str]:
    return {line.split()[0]: line for line in stdout.splitlines() if line.strip()}


def test_file_fields_and_rules(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, "utf-8")
    proc = scrapy("extract", str(path), "-s", f"OUTPUT_DIR={tmp_path}/out")
    assert proc.returncode == 0, proc.stderr[-2000:]
    fields = field_lines(proc.stdout)
    assert fields["title"].endswith("[heuristic] Headline")
    assert "[meta] 2022-04-09T09:56:37+00:00" in fields["date"]  # no seed: UTC
    assert fields["author"].endswith("[heuristic] 张三")
    assert "[readability]" in fields["body"] and "A sentence of the story" in fields["body"]
    assert fields["image"] == "image    -"
    assert not (tmp_path / "out").exists()  # it writes nothing


def test_url_with_a_seed(news_site):
    server, seeds = news_site.server, news_site.seeds
    proc = scrapy(
        "extract", f"{server.base_url}/a/a01.html", "--seed", "news", "-s", f"SEEDS_DIR={seeds}"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    fields = field_lines(proc.stdout)
    assert "[seed] 2022-04-09T17:56:37+08:00" in fields["date"]
    assert fields["title"].endswith("[seed] 日期格式一：标准时间")
    assert fields["author"].endswith("[seed] 张三")
    assert "/a/a01.html" in server.paths()


def test_bad_target_and_seed(tmp_path):
    assert scrapy("extract", str(tmp_path / "nothing.html")).returncode == 1
    proc = scrapy("extract", "http://127.0.0.1:1/", "--seed", "nope", "-s", f"SEEDS_DIR={tmp_path}")
    assert proc.returncode == 1
    # The same words as crawl's, parse's and shell's for an unknown seed.
    assert proc.stderr.splitlines() == [
        f"error: --seed nope: no such spider: nope (no seed nope.toml in {tmp_path}/)"
    ]


def test_a_pdf_or_a_missing_page_is_one_error_line(news_site):
    root, server = news_site.root, news_site.server
    (root / "doc.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
    for path, words in (("/doc.pdf", "not a page (application/pdf)"), ("/nothing.html", "404")):
        proc = scrapy("extract", f"{server.base_url}{path}")
        assert proc.returncode == 1, proc.stderr[-2000:]
        lines = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
        assert len(lines) == 1 and words in lines[0], proc.stderr[-2000:]
        assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_a_site_that_refuses_the_connection_is_logged_without_tracebacks():
    """robots.txt and the page refused: the failures in one line each, as in a crawl, then the
    command's own error line."""
    import socket

    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    proc = scrapy("extract", f"http://127.0.0.1:{port}/a.html", "-s", "RETRY_TIMES=0")
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.stderr.splitlines()[-1] == (
        f"error: http://127.0.0.1:{port}/a.html: connection_refused"
    )


def test_a_file_that_is_no_page_is_one_error_line(tmp_path):
    """A binary file, a gzipped page, an empty file, a file of blanks and NUL bytes, a folder:
    one error line each (the same words as for a URL), nothing on stdout, exit 1; a page beside
    them is still read."""
    import gzip

    page = tmp_path / "page.html"
    page.write_text(PAGE, "utf-8")
    bad = {
        "photo.bin": bytes(range(256)) * 8,
        "page.html.gz": gzip.compress(PAGE.encode()),
        "empty.html": b"",
        "blank.html": b" \n\t\x00\x00\n",
    }
    for name, body in bad.items():
        (tmp_path / name).write_bytes(body)
        proc = scrapy("extract", str(tmp_path / name))
        assert proc.returncode == 1, (name, proc.stdout[-500:], proc.stderr[-2000:])
        assert proc.stderr.splitlines() == [
            line for line in proc.stderr.splitlines() if line.startswith(f"error: {tmp_path}")
        ], (name, proc.stderr[-2000:])
        assert len(proc.stderr.splitlines()) == 1 and "not a page" in proc.stderr, name
        assert proc.stdout == "", name
    folder = tmp_path / "folder"
    folder.mkdir()
    proc = scrapy("extract", str(folder))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"error: {folder}: not a file (or give a URL)"]
    proc = scrapy("extract", str(tmp_path / "empty.html"), str(page))
    assert proc.returncode == 1
    assert "A sentence of the story" in field_lines(proc.stdout)["body"]
