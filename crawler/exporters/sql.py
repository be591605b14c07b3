"""Articles into a SQL database with SQLAlchemy Core: an articles table and an images table."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.utils.misc import load_object

from crawler.exporters import Exporter, ExporterError, one_line

if TYPE_CHECKING:
    from itemadapter import ItemAdapter
    from scrapy.settings import BaseSettings
    from sqlalchemy.engine import Engine

TEXT_COLUMNS = (
    "source", "site", "title", "author", "date_source", "headimg", "thumbnail", "body_html",
    "text", "language", "status",
)  # fmt: skip
DATE_COLUMNS = ("date", "updated", "crawled_at")
# The databases whose INSERT ... ON CONFLICT DO UPDATE SQLAlchemy speaks the same way.
UPSERT_INSERTS = {
    "sqlite": "sqlalchemy.dialects.sqlite.insert",
    "postgresql": "sqlalchemy.dialects.postgresql.insert",
}
DRIVER_HINTS = {"psycopg": "pip install 'crawler[postgres]'"}
# Seconds to wait for a database server to accept a connection (unless the URL says otherwise).
CONNECT_TIMEOUT = 10


def utc(value: datetime | None) -> datetime | None:
    """Dates are stored in UTC: SQLite keeps no offset, PostgreSQL converts anyway."""
    return value.astimezone(UTC) if value else None


class SqlExporter(Exporter):
    """One row per canonical URL (an update replaces it) and one per kept image.

    Options: ``url``, a SQLAlchemy URL (default sqlite:///<OUTPUT_DIR>/articles.sqlite;
    PostgreSQL as postgresql+psycopg://user:password@host/db), ``articles_table`` and
    ``images_table``. Tables are created when absent; each article is one transaction.
    """

    OPTIONS: ClassVar[dict[str, Any]] = {
        "url": "",
        "articles_table": "articles",
        "images_table": "images",
    }
    REQUIRES: ClassVar[dict[str, str]] = {"sqlalchemy": "pip install 'crawler[sql]'"}

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        options = super().check_options(options)
        if options["url"]:
            try:
                url = make_url(options["url"])
            except ArgumentError as exc:
                raise ExporterError(f"option 'url': {exc}") from None
            if url.get_backend_name() not in UPSERT_INSERTS:
                raise ExporterError(
                    f"option 'url': {url.get_backend_name()} is not supported "
                    f"(databases: {', '.join(UPSERT_INSERTS)})"
                )
            driver = url.get_driver_name()
            if driver in DRIVER_HINTS and importlib.util.find_spec(driver) is None:
                raise ExporterError(f"needs the {driver} package: {DRIVER_HINTS[driver]}")
        return options

    @classmethod
    def database_url(cls, settings: BaseSettings, options: dict[str, Any]) -> str:
        return options["url"] or f"sqlite:///{settings.get('OUTPUT_DIR')}/articles.sqlite"

    @classmethod
    def create_engine(cls, url: str) -> Engine:
        """An engine for ``url``; a server that does not answer costs CONNECT_TIMEOUT seconds."""
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        connect_args = {}
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = CONNECT_TIMEOUT
        return sa.create_engine(parsed, connect_args=connect_args)

    @classmethod
    def unreachable(cls, url: str, exc: Exception) -> ExporterError:
        """The error naming the database (its password hidden) and the driver's reason."""
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True)
        return ExporterError(f"cannot reach {shown}: {one_line(getattr(exc, 'orig', exc))}")

    @classmethod
    def check_target(cls, settings: BaseSettings, options: dict[str, Any]) -> None:
        """Connect once: a server that is down stops the crawl before any request. The
        default SQLite file is left for ``open`` to create."""
        from sqlalchemy.exc import SQLAlchemyError

        if not options["url"]:
            return
        engine = cls.create_engine(options["url"])
        try:
            with engine.connect():
                pass
        except SQLAlchemyError as exc:
            raise cls.unreachable(options["url"], exc) from None
        finally:
            engine.dispose()

    def open(self) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        url = self.database_url(self.settings, self.options)
        if not self.options["url"]:
            self.output_dir.mkdir(parents=True, exist_ok=True)
        self.engine = self.create_engine(url)
        try:
            self.create_tables()
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise self.unreachable(url, exc) from None
        self.insert = load_object(UPSERT_INSERTS[self.engine.dialect.name])

    def create_tables(self) -> None:
        """The articles and images tables, created when absent."""
        import sqlalchemy as sa

        metadata = sa.MetaData()
        self.articles = sa.Table(
            self.options["articles_table"],
            metadata,
            sa.Column("url", sa.Text, primary_key=True),
            *(sa.Column(name, sa.Text) for name in TEXT_COLUMNS),
            *(sa.Column(name, sa.DateTime(timezone=True)) for name in DATE_COLUMNS),
            sa.Column("categories", sa.JSON),
        )
        self.images = sa.Table(
            self.options["images_table"],
            metadata,
            sa.Column("article_url", sa.Text, primary_key=True),
            sa.Column("url", sa.Text, primary_key=True),
            sa.Column("path", sa.Text),
            sa.Column("checksum", sa.Text),
        )
        metadata.create_all(self.engine)

    def row(self, article: ItemAdapter) -> dict[str, Any]:
        row = {name: article.get(name) for name in ("url", *TEXT_COLUMNS)}
        row |= {name: utc(article.get(name)) for name in DATE_COLUMNS}
        row["categories"] = list(article.get("categories") or [])
        return row

    def export(self, article: ItemAdapter) -> None:
        import sqlalchemy as sa

        row = self.row(article)
        url = row["url"]
        statement = self.insert(self.articles).values(row)
        changed = {k: statement.excluded[k] for k in row if k != "url"}
        with self.engine.begin() as conn:
            conn.execute(statement.on_conflict_do_update(index_elements=["url"], set_=changed))
            conn.execute(sa.delete(self.images).where(self.images.c.article_url == url))
            images = [
                {"article_url": url, "url": i["url"], "path": i["path"], "checksum": i["checksum"]}
                for i in article.get("images") or []
            ]
            if images:
                conn.execute(sa.insert(self.images), images)

    def close(self) -> None:
        self.engine.dispose()
