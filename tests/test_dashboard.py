"""`scrapy report`: OUTPUT_DIR/report.html opened in headless Chromium after real crawls (every
source shown, one chart point per run, failed runs marked, a screenshot that is not blank);
hostile reports and feeds shown as text, never as markup; older and damaged reports read with
one line each, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from hostile import HOSTILE_TEXTS
from parsel import Selector
from PIL import Image

from conftest import LOCAL_IMAGES, LOCAL_SITE, ROOT, crawl, read_jsonl, scrapy

# The screenshot of the real crawls' dashboard, kept after the tests for a reader to look at.
ARTEFACTS = ROOT / "tests" / "artefacts"
# The chart's colours of a run and of a failed run (crawler/dashboard/report.html.j2).
RUN_BLUE, FAILED_RED = (0x1F, 0x77, 0xB4), (0xD6, 0x27, 0x28)


CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--proxy-server=http://127.0.0.1:9",
)  # fmt: skip


def run_chromium(binary: str, page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Headless Chromium on a local page, kept off every network (a dead proxy, no background
    requests)."""
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )


def rendered_dom(binary: str, page: Path, profile: Path) -> Selector:
    """The page's DOM as Chromium built it."""
    proc = run_chromium(binary, page, profile, "--dump-dom")
    assert proc.returncode == 0 and "<html" in proc.stdout, proc.stderr[-2000:]
    return Selector(text=proc.stdout)


def report_of(output: Path, seeds: Path, *args: str) -> subprocess.CompletedProcess:
    proc = scrapy("report", "-s", f"OUTPUT_DIR={output}", "-s", f"SEEDS_DIR={seeds}", *args)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc


def pixels_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    return sum(
        count
        for count, pixel in image.getcolors(maxcolors=1 << 24)
        if all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))
    )


def test_dashboard_of_real_crawls_in_chromium(tmp_path, serve, chromium):
    from sites import news

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    servers = {}
    for name in ("news", "wire"):
        root = tmp_path / f"site-{name}"
        servers[name] = serve(root)
        news.build(root, servers[name].base_url)
        (seeds / f"{name}.toml").write_text(news.seed(servers[name].base_url), "utf-8")
    output = tmp_path / "output"
    for name in ("news", "wire"):
        result = crawl(name, seeds, output)
        assert result.returncode == 0, result.stderr[-3000:]
    # A run of the scheduler's, which writes its log under OUTPUT_DIR/logs/.
    scheduled = scrapy(
        "schedule", "--once", "--seed", "news", "-s", f"SEEDS_DIR={seeds}",
        "-s", f"OUTPUT_DIR={output}", *LOCAL_IMAGES, *LOCAL_SITE,
    )  # fmt: skip
    assert scheduled.returncode == 0, scheduled.stderr[-3000:]
    (log,) = (output / "logs" / "news").glob("*.log")
    servers["wire"].stop()
    down = crawl("wire", seeds, output)
    assert down.returncode == 1 and "could be fetched" in down.stderr

    made = report_of(output, seeds, "-s", "DASHBOARD_ARTICLES=50")
    assert made.returncode == 0, made.stderr[-3000:]
    page = output / "report.html"
    dom = rendered_dom(chromium, page, tmp_path / "profile")

    sections = {s.attrib["data-source"]: s for s in dom.css("section.source")}
    assert sorted(sections) == ["news", "wire"]
    assert dom.css("table.overview a::text").getall() == ["news", "wire"]
    for name, section in sections.items():
        reports = sorted(p.stem for p in (output / "reports" / name).glob("*.json"))
        points = section.css("svg.chart circle.run")
        assert sorted(points.xpath("@data-run").getall()) == reports
        xs = [float(x) for x in points.xpath("@cx").getall()]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)
        failed = [
            Path(p).stem
            for p in (output / "reports" / name).glob("*.json")
            if json.loads(p.read_text("utf-8")).get("error")
        ]
        assert section.css("circle.run.failed").xpath("@data-run").getall() == failed
    assert len(sections["wire"].css("circle.run.failed")) == 1
    # The scheduled run's point and the last run's line link to its log.
    (linked,) = sections["news"].css("svg.chart a")
    assert linked.attrib["href"] == f"logs/news/{log.name}"
    assert linked.css("circle.run").attrib["data-run"] == log.stem
    assert sections["news"].css("a.log::attr(href)").get() == f"logs/news/{log.name}"
    assert sections["wire"].css("h2 .badge::text").get() == "failed"
    assert "could be fetched" in sections["wire"].css("p.error::text").get()

    feed = [
        line for path in (output / "feeds" / "news").glob("*.jsonl") for line in read_jsonl(path)
    ]
    links = sections["news"].css("ol.articles a")
    assert sorted(links.xpath("@href").getall()) == sorted(line["url"] for line in feed)
    assert news.HOSTILE_TITLE in links.css("::text").getall()
    assert not dom.css("script") and not dom.xpath("//@*[starts-with(name(), 'on')]")

    shot = tmp_path / "dashboard.png"
    size = "--window-size=820,1800"
    proc = run_chromium(chromium, page, tmp_path / "profile", f"--screenshot={shot}", size)
    assert proc.returncode == 0 and shot.is_file(), proc.stderr[-2000:]
    ARTEFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTEFACTS / "dashboard.png")
    image = Image.open(shot).convert("RGB")
    assert image.size == (820, 1800)
    assert len(image.getcolors(maxcolors=1 << 24)) > 100  # text, badges, bars: not blank
    assert pixels_near(image, FAILED_RED) > 50  # the failed run's point is drawn
    assert pixels_near(image, RUN_BLUE) > 200  # the other points, the line, the bars


def hostile_output(output: Path) -> tuple[list[str], list[str]]:
    """Reports and a feed full of hostile texts: source and run names, health messages,
    titles, authors, addresses. The sources and titles written."""
    names = [
        t
        for t in HOSTILE_TEXTS
        if "/" not in t and "\x00" not in t and t not in (".", "..") and len(t.encode()) < 200
    ]
    for n, name in enumerate(names):
        folder = output / "reports" / name
        folder.mkdir(parents=True)
        health = [{"check": t, "figure": t, "limit": 1, "message": t} for t in HOSTILE_TEXTS[:5]]
        run = {"source": name, "run": name, "new": n, "health": health, "error": name}
        (folder / f"2024010{n % 9 + 1}T000000Z.json").write_text(json.dumps(run), "utf-8")
        (folder / f'"><img src=x onerror=alert({n})>.json').write_text(
            json.dumps({"source": name, "new": 1, "health": "ok"}), "utf-8"
        )
    feed = output / "feeds" / names[0]
    feed.mkdir(parents=True)
    urls = ["javascript:alert(1)", "data:text/html,<script>alert(2)</script>",
            'https://ok.example/"onmouseover="alert(3)', "https://ok.example/<b>x</b>"]  # fmt: skip
    lines = [
        {"url": urls[i % len(urls)], "title": t, "author": t, "date": "2024-01-01T00:00:00+00:00"}
        for i, t in enumerate(HOSTILE_TEXTS)
    ]
    (feed / "20240101T000000Z.jsonl").write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), "utf-8"
    )
    return names, HOSTILE_TEXTS


def test_hostile_reports_and_feeds_are_shown_as_text(tmp_path, chromium):
    output, seeds = tmp_path / "output", tmp_path / "seeds"
    seeds.mkdir()
    names, titles = hostile_output(output)
    made = report_of(output, seeds, "-s", f"DASHBOARD_ARTICLES={len(titles)}")
    assert made.returncode == 0, made.stderr[-3000:]
    dom = rendered_dom(chromium, output / "report.html", tmp_path / "profile")

    assert not dom.css("script, img, iframe, object, embed, link, base, meta[http-equiv=refresh]")
    assert not dom.xpath("//@*[starts-with(name(), 'on')]")
    hrefs = dom.css("a::attr(href)").getall()
    assert all(h.startswith("#source-") or h.startswith("https://ok.example/") for h in hrefs)
    assert 'https://ok.example/"onmouseover="alert(3)' in hrefs
    # Exactly the page's own elements: one section per source, two points each.
    sections = dom.css("section.source")
    assert len(sections) == len(names) and len(dom.css("circle.run")) == 2 * len(names)
    shown = set(sections.xpath("@data-source").getall())
    plain = [t for t in names if t.isprintable() and t == " ".join(t.split())]
    assert set(plain) <= shown
    article_text = " ".join(dom.css("ol.articles").xpath("string()").getall())
    for title in titles:
        if title.isprintable() and title == " ".join(title.split()) and len(title) < 300:
            assert title in article_text, title
    assert (
        dom.css("circle.run").xpath("@data-run").getall().count('"><img src=x onerror=alert(0)>')
        == 1
    )


def test_older_and_damaged_reports(tmp_path):
    """A report from before the keys of issue 14 is drawn from what it has; each damaged file
    is one warning line, listed on the page too; the page is still written."""
    output, seeds = tmp_path / "output", tmp_path / "seeds"
    seeds.mkdir()
    folder = output / "reports" / "old"
    folder.mkdir(parents=True)
    older = {"source": "old", "run": "20240101T000000Z", "exported": 7, "requests": 9,
             "dropped": {"no_body": 2}, "error": None}  # fmt: skip
    (folder / "20240101T000000Z.json").write_text(json.dumps(older), "utf-8")
    wrong_types = {"run": "20240102T000000Z", "new": "many", "coverage": [1], "health": 3}
    (folder / "20240102T000000Z.json").write_text(json.dumps(wrong_types), "utf-8")
    (folder / "20240103T000000Z.json").write_text('{"source": "old", "new": 4', "utf-8")
    (folder / "20240104T000000Z.json").write_text("[1, 2]", "utf-8")
    (folder / "20240105T000000Z.json").write_bytes(b'{"new": "\xff\xfe"}')
    (seeds / "broken.toml").write_text('site = "B"\nallowed_domains = ["x"]\n', "utf-8")

    made = report_of(output, seeds)
    assert made.returncode == 0, made.stderr
    warnings = [line for line in made.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 4, made.stderr
    said = "\n".join(warnings)
    assert "20240103T000000Z.json: not a run report: not JSON (Expecting" in said
    assert "20240104T000000Z.json: not a run report: a JSON list, not an object" in said
    assert "20240105T000000Z.json: not a run report: not UTF-8 text" in said
    assert "warning: bad seed: " in said and "broken.toml: channels: missing" in said

    page = Selector(text=(output / "report.html").read_text("utf-8"))
    assert len(page.css(".problems li")) == 3
    broken = page.css("section.source[data-source=broken]")
    assert broken.css(".badge::text").get() == "bad seed"
    assert "broken.toml: channels: missing" in broken.css("p.error::text").get()
    points = page.css("section.source circle.run")
    assert points.xpath("@data-run").getall() == ["20240101T000000Z", "20240102T000000Z"]
    # The older report's exported articles are its new ones; the damaged "new" counts as 0.
    first, second = (float(y) for y in points.xpath("@cy").getall())
    assert first < second == float(page.css("svg.chart line.axis").xpath("@y1").get())
    old = page.css("section.source[data-source=old]")
    assert "— new" in old.css("p:nth-of-type(1)").xpath("string()").get()
    assert old.css(".badge::text").get() == "unknown"


def test_coverage_is_the_last_exporting_runs(tmp_path):
    """A last run that found nothing new has no shares: the coverage shown is that of the
    newest run that exported articles, named."""
    output, seeds = tmp_path / "output", tmp_path / "seeds"
    seeds.mkdir()
    folder = output / "reports" / "src"
    folder.mkdir(parents=True)
    shares = {"articles": 4, "author": 0.5, "date": 1.0, "headimg": 0.25, "text": 0.0}
    empty = {"articles": 0, "author": None, "date": None, "headimg": None, "text": None}
    for run, new, coverage in [("20240101T000000Z", 4, shares), ("20240101T001000Z", 0, empty)]:
        report = {"source": "src", "run": run, "new": new, "coverage": coverage, "health": "ok"}
        (folder / f"{run}.json").write_text(json.dumps(report), "utf-8")
    made = report_of(output, seeds)
    assert made.returncode == 0, made.stderr
    page = Selector(text=(output / "report.html").read_text("utf-8"))
    heading = page.xpath("//h3[starts-with(., 'Coverage')]/text()").get()
    assert heading == "Coverage of run 20240101T000000Z, the last that exported articles"
    rows = [r.css("td::text").getall()[:2] for r in page.css("table.coverage tr")]
    assert rows == [["articles exported", "4"], ["an author other than the site's name", "50%"],
                    ["a date from the page", "100%"], ["a head image", "25%"],
                    ["a text over 200 characters", "0%"]]  # fmt: skip
