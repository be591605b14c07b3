"""Atom and RSS 2.0 feeds per source: output/feeds/<source>/feed.atom and feed.rss."""

from __future__ import annotations

import fcntl
import html
import json
import os
import re
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

from crawler.exporters import Exporter, ExporterError
from crawler.files import write_atomically

if TYPE_CHECKING:
    from collections.abc import Iterator

    from itemadapter import ItemAdapter

# Characters XML 1.0 cannot hold, even escaped: most C0 controls, surrogates, U+FFFE/U+FFFF.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SUMMARY_LENGTH = 300


def xml_text(text: str | None) -> str:
    return NOT_XML.sub("", text or "")


class SyndicationExporter(Exporter):
    """The newest ``max_entries`` articles of each source across runs, as Atom and RSS 2.0.

    Each article is appended to its source's journal (option ``journal``, by default
    output/state/syndication/<source>.jsonl; fsynced by ``flush``, once per batch) when
    exported; at the end of the run each journal written to is cut to the newest entries and
    its feeds (option ``feed``, ``%(format)s`` being atom or rss) are written from it,
    atomically, with feedgen. The
    feed's title, language and home link come from the articles (site, language, URL).
    Appends and rewrites take a lock (``<journal>.lock``): the workers of a distributed run
    share the journal, and the last to finish writes feeds holding every worker's entries.
    """

    OPTIONS: ClassVar[dict[str, Any]] = {
        "max_entries": 0,
        "formats": ["atom", "rss"],
        "journal": "%(output_dir)s/state/syndication/%(source)s.jsonl",
        "feed": "%(output_dir)s/feeds/%(source)s/feed.%(format)s",
    }
    REQUIRES: ClassVar[dict[str, str]] = {"feedgen": "pip install 'crawler[feeds]'"}

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        options = super().check_options(options)
        unknown = set(options["formats"]) - {"atom", "rss"}
        if unknown or not options["formats"]:
            raise ExporterError("option 'formats' takes 'atom' and/or 'rss'")
        return options

    def open(self) -> None:
        self.max_entries = self.options["max_entries"] or self.settings.getint("FEED_MAX_ENTRIES")
        # Source -> the journal's file descriptor, opened with the source's first article.
        self.journals: dict[str, int] = {}
        # Journals written since the last flush.
        self.unsynced: set[int] = set()

    def journal(self, source: str) -> Path:
        return self.run.fill(self.options["journal"], source=source)

    @contextmanager
    def locked(self, journal: Path) -> Iterator[None]:
        """An exclusive lock on ``<journal>.lock`` for the block: crawls sharing the journal
        (the workers of a distributed run) append to it and rewrite it one at a time, so that
        no entry is lost to another's rewrite."""
        journal.parent.mkdir(parents=True, exist_ok=True)
        with open(journal.with_name(journal.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def journal_fd(self, source: str, path: Path) -> int:
        """The journal's descriptor, opened again when another crawl has replaced the file
        (rewritten it at its end) since this one opened it."""
        fd = self.journals.get(source)
        if fd is not None:
            try:
                if os.fstat(fd).st_ino == os.stat(path).st_ino:
                    return fd
            except FileNotFoundError:
                pass
            # What it wrote there is in the rewrite, which was fsynced: nothing left to sync.
            self.unsynced.discard(fd)
            os.close(fd)
        fd = self.journals[source] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        return fd

    def export(self, article: ItemAdapter) -> None:
        entry = {
            "url": article["url"],
            "site": article.get("site") or article["source"],
            "language": article.get("language"),
            "title": article["title"],
            "author": article["author"],
            "date": article["date"].isoformat(),
            "updated": (article.get("updated") or article["date"]).isoformat(),
            "categories": article["categories"],
            "summary": (article.get("text") or "")[:SUMMARY_LENGTH],
            "content": self.feed_body(article),
        }
        source = article["source"]
        path = self.journal(source)
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        with self.locked(path):
            fd = self.journal_fd(source, path)
            if os.write(fd, line) != len(line):
                raise OSError(f"short write to {path}")
            self.unsynced.add(fd)

    def flush(self) -> None:
        """The journals written since the last flush fsynced (once per batch of articles)."""
        while self.unsynced:
            os.fsync(self.unsynced.pop())

    def feed_body(self, article: ItemAdapter) -> str:
        """The body for a feed reader, which knows no site of ours: images pointing at local
        copies (IMAGES_URL_PREFIX + path) get SITE_URL before them, or, without SITE_URL,
        their original address back."""
        body = article["body_html"] or ""
        prefix = self.settings.get("IMAGES_URL_PREFIX") or ""
        site = (self.settings.get("SITE_URL") or "").rstrip("/")
        for image in article.get("images") or []:
            local = f'src="{prefix}{image["path"]}"'
            target = f"{site}{prefix}{image['path']}" if site else image["url"]
            body = body.replace(local, f'src="{html.escape(target)}"')
        return body

    def newest_entries(self, journal: Path) -> list[dict[str, Any]]:
        """A journal's newest entries, one per URL (its latest version), newest first."""
        latest: dict[str, dict[str, Any]] = {}
        # JSON Lines end at "\n" only: str.splitlines() would also cut at U+2028 and the like.
        for line in journal.read_text("utf-8").split("\n"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # the empty last line, or one a killed run left unfinished
            latest[entry["url"]] = entry
        entries = sorted(latest.values(), key=lambda e: datetime.fromisoformat(e["date"]))
        return entries[::-1][: self.max_entries]

    def close(self) -> None:
        self.flush()
        for source, fd in self.journals.items():
            os.close(fd)
            journal = self.journal(source)
            # Read, cut and rewritten, feeds written, while no other crawl appends to it.
            with self.locked(journal):
                self.write_feeds(source, journal)

    def write_feeds(self, source: str, journal: Path) -> None:
        """Cut the journal to its newest entries and write the source's feeds from them."""
        entries = self.newest_entries(journal)
        if not entries:
            return
        kept = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in reversed(entries))
        write_atomically(journal, kept.encode("utf-8"))
        feed = self.feed(entries)
        for kind in self.options["formats"]:
            text = feed.atom_str(pretty=True) if kind == "atom" else feed.rss_str(pretty=True)
            write_atomically(self.run.fill(self.options["feed"], source=source, format=kind), text)

    def feed(self, entries: list[dict[str, Any]]) -> Any:
        from feedgen.feed import FeedGenerator

        newest = entries[0]
        site = newest.get("site") or ""
        home = urlunsplit((*urlsplit(newest["url"])[:2], "/", "", ""))
        feed = FeedGenerator()
        feed.load_extension("dc")
        feed.id(home)
        feed.title(xml_text(site))
        feed.link(href=home, rel="alternate")
        feed.description(xml_text(f"{site}: newest articles"))
        if newest.get("language"):
            feed.language(newest["language"])
        feed.updated(max(datetime.fromisoformat(e["updated"]) for e in entries))
        for e in entries:
            item = feed.add_entry(order="append")
            item.id(e["url"])
            item.guid(e["url"], permalink=True)
            item.title(xml_text(e["title"]))
            item.link(href=e["url"])
            item.published(datetime.fromisoformat(e["date"]))
            item.updated(datetime.fromisoformat(e["updated"]))
            item.author(name=xml_text(e["author"]))
            item.dc.dc_creator(xml_text(e["author"]))
            for category in e["categories"]:
                item.category(term=xml_text(category))
            item.summary(xml_text(e["summary"]) or None)
            item.content(xml_text(e["content"]), type="html")
        return feed
