"""The SQL exporter, on SQLite always and on a real PostgreSQL server: rows equal the feed's
articles, and an update run replaces them."""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from conftest import crawl, export_run, make_article, make_source, next_second, require
from sites import news

POSTGRES_ENV = "CRAWLER_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """(SQLAlchemy URL, articles table, images table), fresh for the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/articles.sqlite"
    else:
        url = os.environ.get(POSTGRES_ENV, "")
        require(bool(url), f"no PostgreSQL server: set {POSTGRES_ENV} (.ci/run starts one)")
    suffix = uuid.uuid4().hex[:8]
    tables = (f"articles_{suffix}", f"images_{suffix}")
    yield url, *tables
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in tables:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
    engine.dispose()


def exporters(url: str, articles: str, images: str) -> dict:
    return {
        "crawler.exporters.jsonl.JsonLinesExporter": {},
        "crawler.exporters.sql.SqlExporter": {
            "url": url,
            "articles_table": articles,
            "images_table": images,
        },
    }


def rows(url: str, table: str) -> dict[str, dict]:
    """The table's rows by URL, read through the table's reflected column types."""
    engine = sa.create_engine(url)
    reflected = sa.Table(table, sa.MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        result = {r["url"]: dict(r) for r in conn.execute(sa.select(reflected)).mappings()}
    engine.dispose()
    return result


def same_instant(stored: datetime, iso: str) -> bool:
    """SQLite gives dates back without an offset: they were stored in UTC."""
    stored = stored if stored.tzinfo else stored.replace(tzinfo=UTC)
    return stored == datetime.fromisoformat(iso)


def test_crawl_into_database_then_update(tmp_path, news_site, database):
    url, articles_table, images_table = database
    root, server, seeds = news_site
    setting = json.dumps(exporters(url, articles_table, images_table))

    first = crawl("news", seeds, tmp_path / "out", "-s", f"EXPORTERS={setting}")
    assert first.returncode == 0, first.stderr[-3000:]
    lines = {line["url"]: line for line in first.feed_lines("news")}
    stored = rows(url, articles_table)
    assert set(stored) == set(lines)
    for key, line in lines.items():
        row = stored[key]
        for name in ("title", "author", "site", "source", "text", "body_html", "status"):
            assert row[name] == line[name], name
        assert same_instant(row["date"], line["date"])
        categories = row["categories"]
        assert (json.loads(categories) if isinstance(categories, str) else categories) == line[
            "categories"
        ]

    changed = replace(
        news.PAGES[0],
        title="标题改了",
        date_text="2022-04-10 08:00:00",
        listing_date="2022-04-10 08:00",
    )
    news.build(root, server.base_url, [changed, *news.PAGES[1:]])
    next_second()
    second = crawl("news", seeds, tmp_path / "out", "-s", f"EXPORTERS={setting}")
    assert second.returncode == 0, second.stderr[-3000:]
    (update,) = second.newest_feed_lines("news")
    after = rows(url, articles_table)
    assert len(after) == len(stored)
    row = after[update["url"]]
    assert row["title"] == "标题改了" and row["status"] == "updated"
    assert same_instant(row["date"], "2022-04-10T08:00:00+08:00")


def test_images_rows_replaced_on_update(tmp_path, database):
    url, articles_table, images_table = database
    source = make_source()
    options = exporters(url, articles_table, images_table)
    del options["crawler.exporters.jsonl.JsonLinesExporter"]
    image = {"url": "https://news.example/i/1.jpg", "path": "full/1.jpg", "checksum": "c1"}
    export_run(tmp_path, source, [make_article(1, source, images=[image])], EXPORTERS=options)
    second = {"url": "https://news.example/i/2.jpg", "path": "full/2.jpg", "checksum": "c2"}
    export_run(
        tmp_path,
        source,
        [make_article(1, source, images=[second], status="updated")],
        EXPORTERS=options,
    )
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        images = conn.execute(sa.text(f"SELECT url, path, checksum FROM {images_table}")).all()
    engine.dispose()
    assert [tuple(r) for r in images] == [(second["url"], "full/2.jpg", "c2")]
    (row,) = rows(url, articles_table).values()
    assert row["status"] == "updated"


def closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on: a database server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_down_refused_before_any_request(tmp_path, news_site):
    server, seeds = news_site.server, news_site.seeds
    port = closed_port()
    url = f"postgresql+psycopg://crawler:secret@127.0.0.1:{port}/news"
    setting = json.dumps(exporters(url, "articles", "images"))
    result = crawl("news", seeds, tmp_path / "out", "-s", f"EXPORTERS={setting}")
    assert result.returncode == 1
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert error.startswith(
        f"error: exporter SqlExporter: cannot reach "
        f"postgresql+psycopg://crawler:***@127.0.0.1:{port}/news: "
    ), error
    assert "refused" in error.lower() and "secret" not in error
    assert server.hits == []
    assert not (tmp_path / "out" / "feeds").exists()


def refuse_titles(url: str, table: str, word: str) -> None:
    """A trigger making the database refuse rows whose title holds ``word``, as a server that
    fails in the middle of a run."""
    if url.startswith("sqlite"):
        statements = [
            f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
            f"WHEN NEW.title LIKE '%{word}%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ]
    else:
        statements = [
            f"CREATE FUNCTION refuse_{table}() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.title LIKE '%{word}%' THEN RAISE EXCEPTION 'refused'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION refuse_{table}()",
        ]
    execute(url, statements)


def allow_titles(url: str, table: str) -> None:
    if url.startswith("sqlite"):
        execute(url, [f"DROP TRIGGER refuse_{table}"])
    else:
        execute(url, [f"DROP TRIGGER refuse_{table} ON {table}", f"DROP FUNCTION refuse_{table}()"])


def execute(url: str, statements: list[str]) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    engine.dispose()


def test_database_failing_mid_run_gets_the_rest_next_run(tmp_path, news_site, database):
    url, articles_table, images_table = database
    seeds = news_site.seeds
    options = exporters(url, articles_table, images_table)
    setting = f"EXPORTERS={json.dumps(options)}"
    # The tables, as the exporter creates them; then the database refuses some articles.
    export_run(tmp_path / "setup", make_source(), [], EXPORTERS=options)
    refuse_titles(url, articles_table, "日期格式")
    failing = [p for p in news.EXPORTED if "日期格式" in p.title]
    assert 5 < len(failing) < len(news.EXPORTED)

    first = crawl("news", seeds, tmp_path / "out", "-s", setting)
    # Unhealthy: not every article could be written.
    assert first.returncode == 1, first.stderr[-3000:]
    assert first.report("news")["export_errors"] == {"SqlExporter": len(failing)}
    assert [check["check"] for check in first.report("news")["health"]] == ["export_errors"]
    assert "Traceback" not in first.stderr
    assert len(rows(url, articles_table)) == len(news.EXPORTED) - len(failing)

    allow_titles(url, articles_table)
    next_second()
    second = crawl("news", seeds, tmp_path / "out", "-s", setting)
    assert second.returncode == 0, second.stderr[-3000:]
    report = second.report("news")
    assert report["export_errors"] == {}
    assert report["export_skipped"] == {"JsonLinesExporter": len(failing)}
    lines = second.feed_lines("news")
    urls = [line["url"] for line in lines]
    assert len(urls) == len(set(urls)) == len(news.EXPORTED)
    stored = rows(url, articles_table)
    assert set(stored) == set(urls)
    for line in lines:
        assert stored[line["url"]]["title"] == line["title"]
