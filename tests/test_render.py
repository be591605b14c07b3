"""Rendered sources (render = "splash" | "playwright") crawled through the real Splash 3.5 and the
real Chromium: a site written by JavaScript gives what its static twin gives; wait_for; pages
rendered as render_pages says; dedupe, re-runs and images; a renderer that is missing, down, or
dies mid-crawl."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import crawl, next_second, require, start_crawl
from crawler.demo.server import SiteServer
from crawler.render.splash_server import SplashServer, free_port
from crawler.seeds import SeedError, load_seed
from crawler.settings import SPLASH_VENV
from sites import scripted

# The fields a page gives, the same whether it was written by a script or sent as it is.
PAGE_FIELDS = (
    "title",
    "author",
    "date",
    "date_source",
    "text",
    "body_html",
    "categories",
    "headimg",
    "thumbnail",
    "images",
    "language",
    "site",
)
RENDERINGS = {
    "splash": {"render": '"splash"'},
    "splash-chromium": {"render": '"splash"', "splash_engine": '"chromium"'},
    "playwright": {"render": '"playwright"'},
}


class Site(NamedTuple):
    server: SiteServer
    seeds: Path

    def seed(self, name: str, folder: str = "js", **top: str) -> str:
        (self.seeds / f"{name}.toml").write_text(
            scripted.seed(self.server.base_url, folder, **top), "utf-8"
        )
        return name


def scripted_site(tmp_path: Path, serve, **build) -> Site:
    root = tmp_path / "site"
    scripted.build(root, **build)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    return Site(serve(root), seeds)


def renderer_settings(rendering: str, request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The -s options a crawl rendering this way needs here: Splash's address; Playwright finds
    the system's Chromium by itself."""
    if rendering.startswith("splash"):
        return ("-s", f"SPLASH_URL={request.getfixturevalue('splash_url')}")
    request.getfixturevalue("chromium")
    return ()


def stat_value(stderr: str, key: str) -> int | None:
    """A figure of the crawl's stats dump in its log."""
    found = re.search(rf"'{re.escape(key)}': (\d+)", stderr)
    return int(found.group(1)) if found else None


def by_slug(lines: list[dict]) -> dict[str, dict]:
    return {line["url"].rsplit("/", 1)[1]: line for line in lines}


class Twin(NamedTuple):
    site: Site
    static: dict[str, dict]


@pytest.fixture(scope="module")
def twin(tmp_path_factory) -> Twin:
    """The scripted site served for the module, and what a plain crawl of its static twin
    exports, by page name."""
    tmp_path = tmp_path_factory.mktemp("twin")
    root = tmp_path / "site"
    scripted.build(root)
    server = SiteServer(root).start()
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    site = Site(server, seeds)
    result = crawl(site.seed("static", "static"), seeds, tmp_path / "static")
    assert result.returncode == 0, result.stderr[-3000:]
    static = by_slug(result.feed_lines("static"))
    assert sorted(static) == ["a1.html", "a2.html", "a3.html"]
    yield Twin(site, static)
    server.stop()


def test_without_rendering_the_scripted_site_gives_nothing(tmp_path, twin):
    result = crawl(twin.site.seed("plain"), twin.site.seeds, tmp_path / "out")
    assert result.feed_lines("plain") == []
    assert "No article links on listing page" in result.stderr
    # A run that found no article is unhealthy.
    assert result.returncode == 1
    assert "unhealthy: plain: 0 article links found" in result.stderr


@pytest.mark.parametrize("rendering", RENDERINGS)
def test_a_rendered_scripted_site_gives_what_its_static_twin_gives(
    tmp_path, twin, request, rendering
):
    name = twin.site.seed(rendering.replace("-", "_"), **RENDERINGS[rendering])
    settings = renderer_settings(rendering, request)
    result = crawl(name, twin.site.seeds, tmp_path / "out", *settings)
    assert result.returncode == 0, result.stderr[-3000:]
    rendered = by_slug(result.feed_lines(name))
    assert sorted(rendered) == sorted(twin.static)
    for slug, line in rendered.items():
        static = twin.static[slug]
        for field in PAGE_FIELDS:
            assert line[field] == static[field], (slug, field)
        # The picture the script put in the body was downloaded, from the rendered DOM.
        assert line["images"] and line["headimg"].startswith("/images/full/"), slug
    # The late article's placeholder is not what was read.
    assert "Loading" not in rendered["a2.html"]["text"]
    # One listing page and three article pages rendered, nothing else (robots.txt and images
    # are downloaded as they are).
    if rendering == "playwright":
        assert stat_value(result.stderr, "playwright/page_count") == 4
        assert stat_value(result.stderr, "playwright/page_count/closed") == 4
        assert stat_value(result.stderr, "playwright/context_count") == 1
    else:
        endpoint = "render.html" if rendering == "splash-chromium" else "execute"
        assert stat_value(result.stderr, f"splash/{endpoint}/request_count") == 4


def test_render_pages_says_which_pages_are_rendered(tmp_path, serve, chromium):
    site = scripted_site(tmp_path, serve)
    # A static listing of scripted articles: only the articles need the browser.
    name = site.seed("articles", "mixed", render='"playwright"', render_pages='"article"')
    result = crawl(name, site.seeds, tmp_path / "articles")
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(result.feed_lines(name)) == 3
    assert stat_value(result.stderr, "playwright/page_count") == 3
    # A scripted listing rendered, its scripted articles read as sent: their empty frames.
    name = site.seed("listing", render='"playwright"', render_pages='"listing"')
    result = crawl(name, site.seeds, tmp_path / "listing")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.report(name)["article_pages"] == 3
    titles = {story.title for story in scripted.STORIES}
    assert not any(line["title"] in titles for line in result.feed_lines(name))
    assert stat_value(result.stderr, "playwright/page_count") == 1


def test_a_feed_channel_is_read_as_sent_and_its_articles_rendered(tmp_path, serve, chromium):
    site = scripted_site(tmp_path, serve)
    base = site.server.base_url
    items = "".join(
        f"<item><title>{story.title}</title><link>{base}/js/{story.slug}.html</link></item>"
        for story in scripted.STORIES
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}'
    feed += "</channel></rss>"
    (tmp_path / "site" / "feed.xml").write_text(feed, "utf-8")
    seed = scripted.seed(base, "js", render='"playwright"')
    seed = seed.replace(f'"{base}/js/index.html"', f'"{base}/feed.xml"\ntype = "feed"')
    (site.seeds / "fed.toml").write_text(seed, "utf-8")
    result = crawl("fed", site.seeds, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(result.feed_lines("fed")) == 3
    assert result.report("fed")["listing_pages"] == 1
    assert stat_value(result.stderr, "playwright/page_count") == 3


@pytest.mark.parametrize("rendering", ["splash", "playwright"])
def test_wait_for_waits_for_late_content_and_a_page_without_it_fails(
    tmp_path, serve, request, rendering
):
    # a2 writes itself after 1.5 s, well past `wait`; a3 never does.
    site = scripted_site(tmp_path, serve, never=("a3",), late_ms=1500)
    settings = renderer_settings(rendering, request)
    top = {"render": f'"{rendering}"', "wait": "0"}
    name = site.seed("waiting", **top, wait_for='".story-body p"')
    result = crawl(name, site.seeds, tmp_path / "out", *settings, "-s", "RENDER_TIMEOUT=4")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = by_slug(result.feed_lines(name))
    assert sorted(lines) == ["a1.html", "a2.html"]
    assert lines["a2.html"]["text"].startswith("Pupils at the primary school")
    report = result.report(name)
    assert report["failed_pages"] == {"wait_for_timeout": 1}
    assert "Article page failed (wait_for_timeout" in result.stderr
    # Without wait_for the late article is read before its text is there.
    name = site.seed("hasty", **top)
    result = crawl(name, site.seeds, tmp_path / "hasty", *settings)
    assert result.returncode == 0, result.stderr[-3000:]
    texts = [line["text"] for line in result.feed_lines(name)]
    assert not any(text.startswith("Pupils at the primary school") for text in texts)


@pytest.mark.parametrize("rendering", ["splash", "playwright"])
def test_dedupe_reruns_and_images_work_on_rendered_pages(tmp_path, serve, request, rendering):
    # a1-copy.html is a1 again; its script names a1.html its canonical address.
    site = scripted_site(tmp_path, serve, copy=True)
    settings = renderer_settings(rendering, request)
    name = site.seed("again", render=f'"{rendering}"')
    output = tmp_path / "out"
    first = crawl(name, site.seeds, output, *settings)
    assert first.returncode == 0, first.stderr[-3000:]
    lines = first.feed_lines(name)
    assert sorted(line["url"].rsplit("/", 1)[1] for line in lines) == [
        "a1.html",
        "a2.html",
        "a3.html",
    ]
    assert stat_value(first.stderr, "articles/dropped/duplicate_in_run") == 1
    for line in lines:
        (image,) = line["images"]
        assert image["url"].endswith(line["url"].rsplit("/", 1)[1].replace(".html", ".png"))
        assert (output / "images" / image["path"]).is_file()
    next_second()
    second = crawl(name, site.seeds, output, *settings)
    assert second.returncode == 0, second.stderr[-3000:]
    assert len(list((output / "feeds" / name).glob("*.jsonl"))) == 1
    report = second.report(name)
    assert report["exported"] == 0
    assert report["skipped_links"] == {"seen": 3}
    # The copy is asked again (a duplicate is not remembered as failed) and found a duplicate.
    assert report["article_pages"] == 1
    assert report["dropped"] == {"duplicate": 1}


def test_lua_source_runs_on_each_page_splash_renders(tmp_path, serve, splash_url):
    # The listing shows its links only once its "More" button is clicked.
    site = scripted_site(tmp_path, serve, click=True)
    click = '"splash:runjs(\\"document.getElementById(\'more\') && more.click()\\")"'
    name = site.seed("clicking", render='"splash"', lua_source=click)
    settings = ("-s", f"SPLASH_URL={splash_url}", "-s", "RENDER_TIMEOUT=2")
    result = crawl(name, site.seeds, tmp_path / "out", *settings)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(result.feed_lines(name)) == 3
    # Unclicked, the listing never shows its links: it fails as wait_for_timeout, and so
    # does the run, which had no channel page.
    name = site.seed("unclicked", render='"splash"')
    result = crawl(name, site.seeds, tmp_path / "unclicked", *settings)
    assert result.returncode == 1
    assert result.report(name)["failed_channel_pages"] == {"wait_for_timeout": 1}


def test_a_bad_lua_source_fails_each_page_with_splash_s_words(tmp_path, serve, splash_url):
    site = scripted_site(tmp_path, serve)
    name = site.seed("broken", render='"splash"', lua_source='"splash:no_such_method()"')
    result = crawl(name, site.seeds, tmp_path / "out", "-s", f"SPLASH_URL={splash_url}")
    assert result.returncode == 1
    assert result.report(name)["failed_channel_pages"] == {"splash_script_error": 1}
    assert "Channel page failed (splash_script_error: " in result.stderr
    assert "no_such_method" in result.stderr


def test_a_seed_asking_for_an_unconfigured_renderer_is_refused_before_any_request(
    tmp_path, serve, monkeypatch
):
    site = scripted_site(tmp_path, serve)
    name = site.seed("splashy", render='"splash"')
    result = crawl(name, site.seeds, tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        'error: seed splashy has render = "splash": set SPLASH_URL to a running Splash '
        "(-s SPLASH_URL=http://127.0.0.1:8050; `scrapy splash start` runs one)"
    )
    monkeypatch.setenv("PLAYWRIGHT_CHROMIUM", str(tmp_path / "no-chromium"))
    name = site.seed("browsy", render='"playwright"')
    result = crawl(name, site.seeds, tmp_path / "out")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith('error: seed browsy has render = "playwright": Chromium ')
    assert "apt-get install chromium" in last
    assert site.server.hits == []


def test_splash_down_fails_each_page_and_the_crawl(tmp_path, serve):
    site = scripted_site(tmp_path, serve)
    name = site.seed("splashy", render='"splash"')
    nowhere = f"http://127.0.0.1:{free_port()}"
    result = crawl(name, site.seeds, tmp_path / "out", "-s", f"SPLASH_URL={nowhere}")
    assert result.returncode == 1
    assert result.report(name)["failed_channel_pages"] == {"splash_down": 1}
    assert result.stderr.strip().splitlines()[-1] == (
        "error: no channel page of splashy could be fetched (splash_down ×1): 1 page could not "
        f"be rendered: Splash did not answer at SPLASH_URL={nowhere} (splash_down ×1)"
    )


def test_a_browser_that_will_not_start_fails_each_page_and_the_crawl(tmp_path, serve, monkeypatch):
    site = scripted_site(tmp_path, serve)
    monkeypatch.setenv("PLAYWRIGHT_CHROMIUM", "/bin/false")
    name = site.seed("browsy", render='"playwright"')
    result = crawl(name, site.seeds, tmp_path / "out")
    assert result.returncode == 1
    assert result.report(name)["failed_channel_pages"] == {"browser_down": 1}
    assert "Chromium could not be started or went away" in result.stderr.splitlines()[-1]


def wait_for_hit(server: SiteServer, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while path not in server.paths():
        assert time.monotonic() < deadline, f"{path} never asked: {server.paths()}"
        time.sleep(0.05)


def test_splash_dying_mid_crawl_fails_the_pages_it_had_and_the_crawl(tmp_path, serve):
    require(
        (Path(SPLASH_VENV) / "bin" / "python").is_file(),
        f"Splash is not installed in {SPLASH_VENV}: run `scrapy splash install`",
    )
    site = scripted_site(tmp_path, serve)
    splash = SplashServer(Path(SPLASH_VENV), tmp_path / "splash", port=0)
    pid = splash.start()
    try:
        site.server.delay = 1.0
        name = site.seed("dying", render='"splash"')
        output = tmp_path / "out"
        crawler = start_crawl(name, site.seeds, output, "-s", f"SPLASH_URL={splash.url}")
        # The articles' pages are in; their pictures take 1 s more: Splash is rendering them.
        wait_for_hit(site.server, "/js/a1.html")
        os.killpg(pid, signal.SIGKILL)
        assert crawler.wait(timeout=120) == 1
    finally:
        splash.stop()
    log = output.with_name(f"{output.name}.{name}.log").read_text("utf-8")
    # Retried once, through Splash again.
    retried = f"Gave up retrying <GET {site.server.base_url}/js/a1.html via {splash.url}/execute>"
    assert retried in log
    figures = json.loads(next((output / "reports" / name).glob("*.json")).read_text("utf-8"))
    assert figures["failed_pages"] == {"splash_down": 3}
    assert "The crawl failed: 3 pages could not be rendered: Splash did not answer" in log


def test_chromium_dying_mid_crawl_fails_the_pages_it_had_and_the_crawl(
    tmp_path, serve, chromium, monkeypatch
):
    site = scripted_site(tmp_path, serve)
    # Chromium through a wrapper that tells its pid, and will not start again once "dead".
    pid_file, dead = tmp_path / "chromium.pid", tmp_path / "dead"
    wrapper = tmp_path / "chromium"
    wrapper.write_text(
        f'#!/bin/sh\n[ -e "{dead}" ] && exit 1\necho $$ > "{pid_file}"\nexec "{chromium}" "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PLAYWRIGHT_CHROMIUM", str(wrapper))
    site.server.delay = 1.0
    name = site.seed("dying", render='"playwright"')
    output = tmp_path / "out"
    crawler = start_crawl(name, site.seeds, output)
    # The articles' pages are in; their pictures take 1 s more: Chromium is rendering them.
    wait_for_hit(site.server, "/js/a1.html")
    dead.touch()
    os.kill(int(pid_file.read_text()), signal.SIGKILL)
    assert crawler.wait(timeout=120) == 1
    log = output.with_name(f"{output.name}.{name}.log").read_text("utf-8")
    figures = json.loads(next((output / "reports" / name).glob("*.json")).read_text("utf-8"))
    assert figures["failed_pages"] == {"browser_down": 3}
    assert "pages could not be rendered: Chromium could not be started or went away" in log


@pytest.mark.parametrize(
    ("top", "key", "reason"),
    [
        ({"render": '"selenium"'}, "render", "'selenium' is not one of none, splash, playwright"),
        ({"wait_for": '".x"'}, "wait_for", 'has no effect without render = "splash"'),
        ({"render": '"splash"', "wait": "-1"}, "wait", "must be a number of seconds"),
        ({"render": '"splash"', "render_pages": '"feeds"'}, "render_pages", "is not one of"),
        ({"render": '"splash"', "wait_for": '"p:::x"'}, "wait_for", "does not compile"),
        ({"render": '"playwright"', "splash_engine": '"chromium"'}, "splash_engine", "Splash"),
        ({"render": '"playwright"', "lua_source": '"x()"'}, "lua_source", "Splash only"),
        (
            {"render": '"splash"', "splash_engine": '"chromium"', "wait_for": '".x"'},
            "wait_for",
            "needs Lua",
        ),
    ],
)
def test_bad_rendering_keys_are_refused(tmp_path, top, key, reason):
    path = tmp_path / "seed.toml"
    path.write_text(scripted.seed("http://127.0.0.1:1", "js", **top), "utf-8")
    with pytest.raises(SeedError) as refused:
        load_seed(path)
    assert refused.value.key == key
    assert reason in refused.value.reason


def test_rendering_keys_are_read(tmp_path):
    path = tmp_path / "seed.toml"
    top = {
        "render": '"splash"',
        "render_pages": '"article"',
        "wait": "1.5",
        "wait_for": '[".story-body p", "//article"]',
        "lua_source": '"splash:runjs(\\"window.scrollTo(0, 1e6)\\")"',
    }
    path.write_text(scripted.seed("http://127.0.0.1:1", "js", **top), "utf-8")
    source = load_seed(path)
    assert (source.render, source.render_pages, source.wait) == ("splash", "article", 1.5)
    assert source.wait_for == (".story-body p", "//article")
    assert source.splash_engine == "webkit"
    assert source.lua_source == 'splash:runjs("window.scrollTo(0, 1e6)")'
