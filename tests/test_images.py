"""Images: downloaded through Scrapy's ImagesPipeline, body pointed at the copies, failures kept
remote and counted, and the Referer the seed asks for."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from conftest import crawl, one_channel_seed, read_jsonl, scrapy, split_post

KEPT = ["/img/big.png", "/img/lazy.jpg"]
HEAD = "/img/head.jpg"
FAILED = {
    "/img/missing.png": "http_error",
    "/img/pixel.gif": "too_small",
    "/img/notimage.jpg": "not_an_image",
    "/img/huge.png": "too_large",  # over DOWNLOAD_MAXSIZE
}
MAXSIZE = 300_000


def image_bytes(size: tuple[int, int], fmt: str, noise: bool = False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (30, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def build_site(root):
    (root / "img").mkdir(parents=True)
    (root / "img" / "big.png").write_bytes(image_bytes((400, 300), "PNG"))
    (root / "img" / "lazy.jpg").write_bytes(image_bytes((320, 200), "JPEG"))
    (root / "img" / "head.jpg").write_bytes(image_bytes((600, 400), "JPEG"))
    (root / "img" / "pixel.gif").write_bytes(image_bytes((1, 1), "GIF"))
    (root / "img" / "notimage.jpg").write_text("this is not an image")
    huge = image_bytes((400, 400), "PNG", noise=True)
    assert len(huge) > MAXSIZE
    (root / "img" / "huge.png").write_bytes(huge)
    (root / "img" / "placeholder.gif").write_bytes(image_bytes((1, 1), "GIF"))
    (root / "list.html").write_text("<h2><a href='/pics.html'>Pictures</a></h2>")
    (root / "pics.html").write_text(
        "<html><head><meta property='og:image' content='/img/head.jpg'></head><body>"
        "<h1>Pictures</h1><time datetime='2022-04-09T10:00:00+08:00'></time><div class='c'>"
        "<p>Text with pictures.</p><p><img src='/img/big.png'></p>"
        "<p><img src='/img/placeholder.gif' data-src='/img/lazy.jpg'></p>"
        + "".join(f"<p><img src='{path}'></p>" for path in FAILED)
        + "</div></body></html>"
    )


def seed(base_url: str, referer: str) -> str:
    return (
        f'site = "Pics"\nallowed_domains = ["127.0.0.1"]\nimage_referer = "{referer}"\n'
        f'[[channels]]\nname = "All"\nurl = "{base_url}/list.html"\n'
        '[listing]\nlink = "h2 a::attr(href)"\n'
        '[article]\nbody = ".c"\ndate = "time::attr(datetime)"\n'
    )


@pytest.fixture
def pics(tmp_path, serve):
    root = tmp_path / "site"
    build_site(root)
    server = serve(root)

    def run(referer: str, *args: str):
        seeds = tmp_path / f"seeds-{referer}"
        seeds.mkdir()
        (seeds / "pics.toml").write_text(seed(server.base_url, referer), encoding="utf-8")
        output = tmp_path / f"output-{referer}"
        result = crawl("pics", seeds, output, "-s", f"DOWNLOAD_MAXSIZE={MAXSIZE}", *args)
        assert result.returncode == 0, result.stderr[-3000:]
        return result

    return server, run


def sha1(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()


def test_images_downloaded_rewritten_broken_ones_removed(pics):
    server, run = pics
    result = run("none")
    base = server.base_url
    (line,) = result.feed_lines("pics")

    kept = {image["url"]: image for image in line["images"]}
    assert set(kept) == {base + path for path in [*KEPT, HEAD]}
    store = result.output / "images"
    for url, image in kept.items():
        assert image["path"] == f"full/{sha1(url)}.jpg"
        assert (store / image["path"]).is_file()
        assert (store / "thumbs" / "small" / f"{sha1(url)}.jpg").is_file()
        assert len(image["checksum"]) == 32

    body = lxml.html.fragment_fromstring(line["body_html"], create_parent="div")
    srcs = {img.get("src"): img.get("referrerpolicy") for img in body.iter("img")}
    expected = {f"/images/full/{sha1(base + path)}.jpg": None for path in KEPT}
    # Images that are not there or no pictures are out of the body; one too large to download
    # stays at its remote address.
    expected |= {base + path: "no-referrer" for path, why in FAILED.items() if why == "too_large"}
    assert srcs == expected

    assert line["headimg"] == f"/images/full/{sha1(base + HEAD)}.jpg"
    assert line["thumbnail"] == f"/images/thumbs/small/{sha1(base + HEAD)}.jpg"
    (post,) = result.posts().values()
    front, post_body = split_post(post)
    assert front["headimg"] == line["headimg"]
    assert f"/images/full/{sha1(base + KEPT[0])}.jpg" in post_body

    images = result.report("pics")["images"]
    assert images["kept"] == 3
    assert images["failed"] == {reason: 1 for reason in FAILED.values()}
    assert images["removed"] == 3

    image_hits = [hit for hit in server.hits if hit.path.startswith("/img/")]
    assert image_hits and all("Referer" not in hit.headers for hit in image_hits)


def test_page_referer_and_no_rewrite(pics):
    server, run = pics
    result = run("page", "-s", "IMAGES_REWRITE=False")
    base = server.base_url
    (line,) = result.feed_lines("pics")
    assert len(line["images"]) == 3
    body = lxml.html.fragment_fromstring(line["body_html"], create_parent="div")
    assert all(img.get("src").startswith(base) for img in body.iter("img"))
    assert all(img.get("referrerpolicy") == "no-referrer" for img in body.iter("img"))
    assert line["headimg"] == base + HEAD
    image_hits = [hit for hit in server.hits if hit.path.startswith("/img/")]
    assert image_hits
    assert all(hit.headers.get("Referer") == f"{base}/pics.html" for hit in image_hits)


def test_images_on_another_host_are_downloaded(tmp_path, serve):
    """A site's images on another host (a CDN) than its allowed_domains are downloaded all the
    same: OffsiteMiddleware filters the crawl's pages, not an article's images."""
    root = tmp_path / "site"
    root.mkdir()
    server = serve(root)
    cdn = server.base_url.replace("127.0.0.1", "localhost")
    (root / "img").mkdir()
    (root / "img" / "cdn.png").write_bytes(image_bytes((200, 100), "PNG"))
    (root / "list.html").write_text("<h2><a href='/story.html'>A story with a CDN image</a></h2>")
    (root / "story.html").write_text(
        "<html><body><h1>A story with a CDN image</h1>"
        "<time datetime='2022-04-09T10:00:00+08:00'></time><div class='c'>"
        f"<p>Text of the story.</p><p><img src='{cdn}/img/cdn.png'></p></div></body></html>"
    )
    seeds = one_channel_seed(
        tmp_path, "cdn", f"{server.base_url}/list.html", '"h2 a::attr(href)"', 'body = ".c"'
    )
    result = crawl("cdn", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    (line,) = result.feed_lines("cdn")
    (image,) = line["images"]
    assert image["url"] == f"{cdn}/img/cdn.png"
    assert (result.output / "images" / image["path"]).is_file()
    assert result.report("cdn")["offsite_filtered"] == 0


def test_thumbnails_are_scrapys_own_bytes(tmp_path, serve):
    """Each full image and thumbnail in IMAGES_STORE is the file Scrapy's ImagesPipeline makes
    of the same download, byte for byte: images smaller than the thumbnail (whose thumbnail is
    the full image's JPEG, encoded once), larger, in other modes, and a JPEG kept as it came."""
    from scrapy.http import Request, Response
    from scrapy.pipelines.images import ImagesPipeline
    from scrapy.utils.test import get_crawler

    root = tmp_path / "site"
    (root / "img").mkdir(parents=True)
    server = serve(root)
    images = {
        "small.png": image_bytes((120, 80), "PNG", noise=True),
        "edge.png": image_bytes((300, 300), "PNG", noise=True),
        "large.png": image_bytes((500, 200), "PNG", noise=True),
        "small.gif": image_bytes((90, 60), "GIF"),
        "small.jpg": image_bytes((100, 100), "JPEG", noise=True),
    }
    for name, data in images.items():
        (root / "img" / name).write_bytes(data)
    (root / "list.html").write_text("<h2><a href='/story.html'>A story with images</a></h2>")
    (root / "story.html").write_text(
        "<html><body><h1>A story with images</h1><div class='c'><p>Text.</p>"
        + "".join(f"<p><img src='/img/{name}'></p>" for name in images)
        + "</div></body></html>"
    )
    seeds = one_channel_seed(
        tmp_path, "thumbs", f"{server.base_url}/list.html", '"h2 a::attr(href)"', 'body = ".c"'
    )
    result = crawl("thumbs", seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    (line,) = result.feed_lines("thumbs")
    assert len(line["images"]) == len(images)

    scrapys = ImagesPipeline.from_crawler(
        get_crawler(
            settings_dict={
                "IMAGES_STORE": str(tmp_path / "unused"),
                "IMAGES_THUMBS": {"small": (300, 300)},
            }
        )
    )
    store = result.output / "images"
    for name, data in images.items():
        url = f"{server.base_url}/img/{name}"
        request = Request(url)
        files = {
            path: buf.getvalue()
            for path, _, buf in scrapys.get_images(
                Response(url, body=data, request=request), request, None
            )
        }
        assert set(files) == {f"full/{sha1(url)}.jpg", f"thumbs/small/{sha1(url)}.jpg"}
        for path, expected in files.items():
            assert (store / path).read_bytes() == expected, path


def test_a_seed_restricts_image_hosts(tmp_path, serve):
    """`image_domains` in a seed: images on other hosts are not asked, and counted; and
    IMAGES_ENABLED = False asks none."""
    root = tmp_path / "site"
    (root / "img").mkdir(parents=True)
    server = serve(root)
    other = server.base_url.replace("127.0.0.1", "localhost")
    for name in ("own.png", "cdn.png"):
        (root / "img" / name).write_bytes(image_bytes((200, 100), "PNG"))
    (root / "list.html").write_text("<h2><a href='/story.html'>A story with two images</a></h2>")
    (root / "story.html").write_text(
        "<html><body><h1>A story with two images</h1><div class='c'><p>Text.</p>"
        f"<p><img src='/img/own.png'></p><p><img src='{other}/img/cdn.png'></p></div>"
        "</body></html>"
    )
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "own.toml").write_text(
        f'site = "Own"\nallowed_domains = ["127.0.0.1"]\nimage_domains = ["127.0.0.1"]\n'
        f'[[channels]]\nname = "All"\nurl = "{server.base_url}/list.html"\n'
        '[listing]\nlink = "h2 a::attr(href)"\n[article]\nbody = ".c"\n',
        "utf-8",
    )
    args = ["crawl", "own", "-s", f"SEEDS_DIR={seeds}", "-s", f"OUTPUT_DIR={tmp_path / 'a'}"]
    proc = scrapy(*args)  # the seed's own restriction, without the tests' default
    assert proc.returncode == 0, proc.stderr[-3000:]
    (line,) = read_jsonl(next((tmp_path / "a" / "feeds" / "own").glob("*.jsonl")))
    assert [image["url"] for image in line["images"]] == [f"{server.base_url}/img/own.png"]
    assert "/img/cdn.png" not in " ".join(server.paths())
    report = json.loads(next((tmp_path / "a" / "reports" / "own").glob("*.json")).read_text())
    assert report["images"]["failed"] == {"not_in_image_domains": 1}
    result = crawl("own", seeds, tmp_path / "b", "-s", "IMAGES_ENABLED=False")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.feed_lines("own")[0]["images"] == []


def test_an_image_of_many_articles_is_downloaded_once(tmp_path, serve):
    """Even once the pipeline's memory of it is gone (RESULTS_KEPT = 1 here): the copy in
    IMAGES_STORE is found and the image is not asked again."""
    root = tmp_path / "site"
    (root / "img").mkdir(parents=True)
    (root / "a").mkdir()
    for name in ("shared", "one", "two", "three"):
        (root / "img" / f"{name}.png").write_bytes(image_bytes((64, 48), "PNG"))
    pages = {"1": ["shared", "one"], "2": ["two", "shared"], "3": ["three", "shared"]}
    for slug, images in pages.items():
        (root / "a" / f"{slug}.html").write_text(
            f"<html><body><h1>Article {slug}</h1><time datetime='2022-04-0{slug}T10:00:00Z'>"
            "</time><div class='c'><p>Text.</p>"
            + "".join(f"<p><img src='/img/{name}.png'></p>" for name in images)
            + "</div></body></html>"
        )
    (root / "list.html").write_text(
        "".join(f"<a class='t' href='/a/{slug}.html'>{slug}</a>" for slug in pages)
    )
    server = serve(root)
    seeds = one_channel_seed(
        tmp_path, "shared", f"{server.base_url}/list.html", '"a.t::attr(href)"', 'body = ".c"'
    )
    pipelines = {
        "crawler.pipelines.validate.ValidatePipeline": 100,
        "crawler.pipelines.normalize.NormalizePipeline": 200,
        "crawler.pipelines.dedupe.DedupePipeline": 300,
        "small_image_cache.OneResultImagesPipeline": 400,
        "crawler.pipelines.export.ExportPipeline": 900,
    }
    result = crawl(
        "shared",
        seeds,
        tmp_path / "output",
        "-s",
        f"ITEM_PIPELINES={json.dumps(pipelines)}",
        "-s",
        "CONCURRENT_REQUESTS=1",
        path=(Path(__file__).parent / "plugins",),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert server.paths().count("/img/shared.png") == 1
    lines = result.feed_lines("shared")
    assert len(lines) == 3
    for line in lines:
        kept = {Path(image["url"]).name for image in line["images"]}
        assert "shared.png" in kept
        assert "/images/full/" in line["body_html"]


def test_image_results_kept_are_the_recent_ones():
    from crawler.pipelines.images import RecentResults

    results = RecentResults(2)
    results[b"a"], results[b"b"] = "A", "B"
    assert b"a" in results  # asked again: now the most recent
    assert results[b"a"] == "A"
    results[b"c"] = "C"
    assert list(results) == [b"a", b"c"]
    assert b"b" not in results
    # Found, then gone before it is read (other results came in): it is read all the same.
    assert b"c" in results
    results[b"d"], results[b"e"] = "D", "E"
    assert b"c" not in list(results)
    assert results[b"c"] == "C"
    assert not results.held


# Article pages whose bodies hold images in the shapes libxml2 writes: a src with "&" (written
# "&amp;"), one holding a double quote (written in single quotes), an alt that reads like a src
# attribute, data-src, a boolean attribute, ">" in a value (written "&gt;"), an image that was
# not kept, the same image twice, and no image at all.
IMAGE_BODIES = [
    '<p>a</p><img src="/i.png?a=1&b=2" alt="x"><p>b</p><img src="/gone.png">',
    """<img src='/q"uote.png' alt='say "hi"'><img src="/i.png?a=1&b=2">""",
    """<img alt=' src="/i.png?a=1&amp;b=2" ' src="/plain.png" data-src="/plain.png">""",
    '<figure><img ismap src="/plain.png" title="a > b"><figcaption>c</figcaption></figure>',
    '<p><img src="/plain.png"> and again <img src="/plain.png" width="3"></p>',
    "<p>No image: &lt;img src=&quot;/plain.png&quot;&gt; is text here.</p>",
]


@pytest.mark.parametrize("inner", IMAGE_BODIES)
def test_copies_in_the_body_are_what_a_parse_of_it_would_give(inner):
    """copies_in_body rewrites start tags in the string: the same as parsing clean_body's HTML,
    setting each kept image's src, dropping its referrerpolicy and writing it again."""
    from crawler.cleaning import clean_body, inner_html
    from crawler.pipelines.images import copies_in_body

    body = clean_body(f"<div>{inner}</div>", "http://127.0.0.1/a/1.html").html
    kept = {
        url: f"full/{hashlib.sha1(url.encode()).hexdigest()}.jpg"
        for url in (
            "http://127.0.0.1/i.png?a=1&b=2",
            "http://127.0.0.1/q%22uote.png",
            'http://127.0.0.1/q"uote.png',
            "http://127.0.0.1/plain.png",
        )
    }
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    for img in root.iter("img"):
        if img.get("src") in kept:
            img.set("src", "/images/" + kept[img.get("src")])
            img.attrib.pop("referrerpolicy", None)
    assert copies_in_body(body, kept, "/images/") == inner_html(root)
