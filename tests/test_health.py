"""Health checks judge every crawl: a failed one is printed, makes `scrapy crawl` exit 1, is in
the report, and is POSTed to ALERT_WEBHOOK; a healthy run sends nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import crawl, next_second, scrapy
from sites import changing
from sites.dead import NeverAnswers
from sites.webhook import Webhook


@pytest.fixture
def webhook():
    hook = Webhook().start()
    yield hook
    hook.stop()


def changing_site(tmp_path: Path, serve, count: int = 6, extra: str = "", **build):
    root = tmp_path / "site"
    server = serve(root)
    changing.build(root, server.base_url, count, **build)
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "changing.toml").write_text(changing.seed(server.base_url, extra), "utf-8")
    return root, server, seeds


def unhealthy_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("unhealthy: ")]


def test_body_lost_between_runs_fails_health_and_alerts(tmp_path, serve, webhook):
    root, server, seeds = changing_site(tmp_path, serve)
    output = tmp_path / "out"
    hook = ("-s", f"ALERT_WEBHOOK={webhook.url}")

    first = crawl("changing", seeds, output, *hook)
    assert first.returncode == 0, first.stderr[-3000:]
    assert first.report("changing")["health"] == "ok"
    assert len(first.feed_lines("changing")) == 6
    assert unhealthy_lines(first.stderr) == []
    assert webhook.posts == [], "a healthy run sends nothing"

    # The redesign: six new articles, whose pages have no body container any more.
    changing.build(root, server.base_url, 12, layout="script")
    next_second()
    second = crawl("changing", seeds, output, *hook)
    assert second.returncode == 1
    assert "Traceback" not in second.stderr
    # The report and the alert speak Scrapy's current signal API (2.19 deprecates Deferreds).
    assert "DeprecationWarning" not in second.stderr, second.stderr[-3000:]
    report = second.report("changing")
    assert report["article_pages"] == 6 and report["exported"] == 0
    checks = {failed["check"]: failed for failed in report["health"]}
    assert set(checks) == {"exported"}, report["health"]
    assert checks["exported"]["figure"] == 0 and checks["exported"]["limit"] == 0.1
    lines = unhealthy_lines(second.stderr)
    assert lines == [f"unhealthy: {checks['exported']['message']}"]
    assert "0 of 6 article pages" in lines[0] and "changing" in lines[0]

    assert len(webhook.posts) == 1
    post = webhook.posts[0]
    assert post.path == "/hooks/crawler?token=secret-token"
    assert post.headers["Content-Type"].startswith("application/json")
    alert = json.loads(post.body)
    assert alert["source"] == "changing"
    assert alert["run"] == report["run"]
    assert alert["health"] == report["health"]
    assert Path(alert["report"]) == output / "reports" / "changing" / f"{report['run']}.json"
    # The webhook's token is not written to the log.
    assert "secret-token" not in second.stderr


def test_only_seen_articles_is_healthy(tmp_path, serve, webhook):
    _, _, seeds = changing_site(tmp_path, serve)
    output = tmp_path / "out"
    assert crawl("changing", seeds, output).returncode == 0
    next_second()
    again = crawl("changing", seeds, output, "-s", f"ALERT_WEBHOOK={webhook.url}")
    assert again.returncode == 0, again.stderr[-2000:]
    report = again.report("changing")
    assert report["articles_found"] == 6 and report["article_pages"] == 0
    assert report["health"] == "ok"
    assert webhook.posts == []


def test_no_article_link_found(tmp_path, serve, webhook):
    root = tmp_path / "site"
    server = serve(root)
    changing.build(root, server.base_url, 6)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    # The listing's markup changed: the seed's link selector matches nothing.
    (seeds / "changing.toml").write_text(
        changing.seed(server.base_url, link=".headlines a::attr(href)"), "utf-8"
    )
    result = crawl("changing", seeds, tmp_path / "out", "-s", f"ALERT_WEBHOOK={webhook.url}")
    assert result.returncode == 1
    report = result.report("changing")
    assert [c["check"] for c in report["health"]] == ["articles_found"]
    assert report["health"][0]["figure"] == 0 and report["health"][0]["limit"] == 1
    assert len(unhealthy_lines(result.stderr)) == 1
    assert [json.loads(p.body)["source"] for p in webhook.posts] == ["changing"]


def test_error_rate_over_its_ceiling(tmp_path, serve):
    # 8 listed, the 5 newest not there: 5 of 9 pages failed (listing page included).
    _, _, seeds = changing_site(tmp_path, serve, count=8, missing=5)
    result = crawl("changing", seeds, tmp_path / "out")
    assert result.returncode == 1
    report = result.report("changing")
    assert report["failed_pages"] == {"http_404": 5}
    [failed] = report["health"]
    assert failed["check"] == "error_rate"
    assert failed["figure"] == pytest.approx(5 / 9, abs=0.001)
    assert failed["limit"] == 0.5


def test_coverage_floor_of_a_seed_and_of_a_setting(tmp_path, serve):
    # The pages have no head image: healthy with the default floors...
    _, _, seeds = changing_site(tmp_path, serve)
    plain = crawl("changing", seeds, tmp_path / "out1")
    assert plain.returncode == 0, plain.stderr[-2000:]
    coverage = plain.report("changing")["coverage"]
    assert coverage == {"articles": 6, "author": 1.0, "date": 1.0, "headimg": 0.0, "text": 1.0}

    # ...not with a seed that wants one on 80% of its articles.
    _, _, seeds = changing_site(
        tmp_path / "b", serve, extra="[health]\nmin_coverage = { headimg = 0.8 }\nmin_pages = 3"
    )
    strict = crawl("changing", seeds, tmp_path / "out2")
    assert strict.returncode == 1
    [failed] = strict.report("changing")["health"]
    assert (failed["check"], failed["figure"], failed["limit"]) == ("coverage_headimg", 0.0, 0.8)
    assert unhealthy_lines(strict.stderr) == [f"unhealthy: {failed['message']}"]

    # A setting does the same for every seed; the command line outranks the seed's table.
    loose = crawl("changing", seeds, tmp_path / "out3", "-s", 'HEALTH_MIN_COVERAGE={"headimg": 0}')
    assert loose.returncode == 0, loose.stderr[-2000:]


def test_webhook_down_fails_the_crawl_once(tmp_path, serve):
    _, _, seeds = changing_site(tmp_path, serve, extra="[health]\nmin_articles_found = 7")
    silent = NeverAnswers().start()
    try:
        for url, why in [
            ("http://127.0.0.1:9/hook", "Connection refused"),
            (f"{silent.base_url}/hook", "timed out"),
        ]:
            result = crawl(
                "changing",
                seeds,
                tmp_path / f"out-{why[0]}",
                "-s",
                f"ALERT_WEBHOOK={url}",
                "-s",
                "ALERT_WEBHOOK_TIMEOUT=1",
            )
            assert result.returncode == 1
            assert "Traceback" not in result.stderr
            assert [c["check"] for c in result.report("changing")["health"]] == ["articles_found"]
            not_sent = [line for line in result.stderr.splitlines() if "Alert not sent" in line]
            assert len(not_sent) == 1 and why in not_sent[0], result.stderr[-2000:]
            assert "/hook" not in not_sent[0]
            assert len(unhealthy_lines(result.stderr)) == 1
    finally:
        silent.stop()


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("HEALTH_MIN_EXPORTED=2", "HEALTH_MIN_EXPORTED must be a share between 0 and 1"),
        ('HEALTH_MIN_COVERAGE={"body": 0.5}', "no coverage field 'body'"),
        ("HEALTH_MIN_PAGES=some", "HEALTH_MIN_PAGES must be a whole number"),
    ],
)
def test_bad_health_setting_refused_before_any_request(tmp_path, serve, setting, words):
    _, server, seeds = changing_site(tmp_path, serve)
    result = crawl("changing", seeds, tmp_path / "out", "-s", setting)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and words in errors[0], result.stderr[-2000:]
    assert server.hits == []


def test_scrapy_parse_is_not_judged(tmp_path, serve):
    _, server, seeds = changing_site(tmp_path, serve)
    proc = scrapy(
        "parse", "--spider", "changing", f"{server.base_url}/a/1.html", "-s", f"SEEDS_DIR={seeds}",
        "-s", f"OUTPUT_DIR={tmp_path}/out",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Health check" not in proc.stderr
    assert not (tmp_path / "out" / "reports").exists()
