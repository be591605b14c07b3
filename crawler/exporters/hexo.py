"""Hexo posts: output/posts/<date>-<source>-<12 hex of sha1(url)>.md, front matter then body."""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import re
import socket
import string
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import yaml
from yaml.emitter import Emitter

from crawler.exporters import Exporter, ExporterError
from crawler.files import TemporaryFile, discard, put_all_in_place, write_temporary

if TYPE_CHECKING:
    from collections.abc import Callable

    from itemadapter import ItemAdapter

# A raw/endraw tag inside a body would end our raw block early: its % become entities.
RAW_TAG = re.compile(r"\{%(-?\s*(?:end)?raw\s*-?)%\}")
# What a file name may hold: word characters (any script) and hyphens.
UNSAFE_IN_NAME = re.compile(r"[^\w-]+")
# Each field of the ``filename`` pattern, of the article and its first publication date.
FILENAME_VALUES: dict[str, Callable[[ItemAdapter, datetime], str]] = {
    "date": lambda article, first: first.strftime("%Y-%m-%d"),
    "year": lambda article, first: first.strftime("%Y"),
    "month": lambda article, first: first.strftime("%m"),
    "day": lambda article, first: first.strftime("%d"),
    "source": lambda article, first: article["source"],
    "hash": lambda article, first: hashlib.sha1(article["url"].encode("utf-8")).hexdigest()[:12],
    "slug": lambda article, first: slug_safe(article["title"], 60),
}
FILENAME_FIELDS = tuple(FILENAME_VALUES)
FRONT_MATTER = ("title", "categories", "headimg", "author", "comments", "date", "thumbnail")
# Keys written after the seed post's: the article's own URL, and its update date when it has one.
ADDED_FRONT_MATTER = ("source_url", "updated")

# A post's file name that ends as a suffixed one does ("-2.md"): ``post_path`` may give it to
# an article whose name is taken.
SUFFIXED = re.compile(r"-[0-9]+\.md$")
# Names the writer of a temporary post file, with its process id; "~" is in no slug-safe name.
HOST = socket.gethostname().replace("~", "-")

logger = logging.getLogger(__name__)


class Quoted(str):
    """A string that the front matter writes double-quoted, so any text reads back as itself."""


class FrontMatterDumper(yaml.SafeDumper):
    pass


FrontMatterDumper.add_representer(
    Quoted, lambda dumper, data: dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
)


def quoted(value: Any) -> Any:
    """Every string inside ``value`` made Quoted; other values as they are."""
    if isinstance(value, str):
        return Quoted(value)
    if isinstance(value, list):
        return [quoted(v) for v in value]
    if isinstance(value, dict):
        return {k: quoted(v) for k, v in value.items()}
    return value


def front_matter(fields: dict[str, Any]) -> str:
    """YAML of the front matter: keys plain, every string double-quoted, no line folding.

    The usual shape (our keys; strings, booleans, lists of strings or of lists of strings) is
    written directly, in the very bytes PyYAML's emitter writes (``quick_front_matter``); any
    other (``extra`` values of other types, renamed keys) by PyYAML itself."""
    return quick_front_matter(fields) or yaml.dump(
        quoted(fields),
        Dumper=FrontMatterDumper,
        allow_unicode=True,
        sort_keys=False,
        width=float("inf"),
    )


# Keys PyYAML writes plain, as they are: our own front-matter keys.
PLAIN_KEYS = frozenset(FRONT_MATTER + ADDED_FRONT_MATTER)
# What PyYAML's double-quoted style escapes with allow_unicode (Emitter.write_double_quoted):
# the quote and backslash, characters outside the printable ranges, and NEL, LS, PS, BOM.
ESCAPED = re.compile(r'["\\\x85\u2028\u2029\ufeff]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]')


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    short = Emitter.ESCAPE_REPLACEMENTS.get(ch)
    if short is not None:
        return "\\" + short
    if ch <= "\xff":
        return f"\\x{ord(ch):02X}"
    if ch <= "\uffff":
        return f"\\u{ord(ch):04X}"
    return f"\\U{ord(ch):08X}"


def double_quoted(text: str) -> str:
    """A string as PyYAML writes it in the double-quoted style, unfolded (width=inf)."""
    return '"' + ESCAPED.sub(_escape, text) + '"'


def _scalar(value: Any) -> str | None:
    if isinstance(value, str):
        return double_quoted(value)
    if value is True or value is False:
        return "true" if value else "false"
    return None


def quick_front_matter(fields: dict[str, Any]) -> str | None:
    """The front matter as ``front_matter`` writes it, for fields of the usual shape: every
    key one of ours, every value a string, a boolean, or a non-empty list of strings or of
    non-empty lists of strings (flat categories); None for any other."""
    lines = []
    for key, value in fields.items():
        if key not in PLAIN_KEYS:
            return None
        if not isinstance(value, list):
            scalar = _scalar(value)
            if scalar is None:
                return None
            lines.append(f"{key}: {scalar}")
            continue
        if not value:
            return None
        lines.append(f"{key}:")
        for item in value:
            if isinstance(item, list):
                if not item or not all(isinstance(v, str) for v in item):
                    return None
                lines.append("- - " + "\n  - ".join(double_quoted(v) for v in item))
            elif isinstance(item, str):
                lines.append("- " + double_quoted(item))
            else:
                return None
    return "".join(line + "\n" for line in lines) or None


def read_front_matter(text: str) -> dict[str, Any]:
    """The front matter of a post as PyYAML reads it; {} when there is none or it is not a
    mapping of YAML."""
    if not text.startswith("---\n"):
        return {}
    front, sep, _ = text[4:].partition("\n---\n")
    try:
        fields = yaml.safe_load(front) if sep else None
    except yaml.YAMLError:
        return {}
    return fields if isinstance(fields, dict) else {}


def rfc1123(value: datetime) -> str:
    """The post date as the seed post writes it: ``Sat, 09 Apr 2022 09:56:37 GMT``."""
    return format_datetime(value.astimezone(UTC), usegmt=True)


def neutralize_raw_tags(body: str) -> str:
    return RAW_TAG.sub(r"{&#37;\1&#37;}", body)


def slug_safe(name: str, limit: int = 120) -> str:
    """Letters, digits, underscores and single hyphens only: no ?, %, /, dots or spaces."""
    return re.sub(r"-{2,}", "-", UNSAFE_IN_NAME.sub("-", name)).strip("-_")[:limit] or "post"


class HexoExporter(Exporter):
    """One post per article, in the shape of the seed post, written atomically; the posts of
    a batch of articles are made durable together by ``flush``.

    The front matter holds the seed post's keys, in its order, then ``source_url`` (the
    article's URL) and ``updated`` (when the article has an update date; RFC 1123 GMT, as
    ``date``), then ``extra``.

    Options: ``posts_dir`` (default OUTPUT_DIR/posts); ``rename`` ({field: new name}) and
    ``extra`` ({field: value}) for the front matter; ``categories``, "hierarchy" (as in the
    seed post) or "flat"; ``filename``, a pattern of {date} {year} {month} {day} {source}
    {hash} {slug}, made slug-safe; ``max_category_length``: longer category names are cut.

    A post keeps the file it was first written to (its ledger record). A name that another
    article's post holds (``{slug}`` of two equal titles) is made unique with ``-2``, ``-3``...
    and a warning; a post's ``source_url`` tells whose it is when the ledger does not.
    """

    # Seconds after which a temporary file no one writes any more is another crawl's leftover.
    STALE_TEMP: ClassVar[float] = 600.0

    OPTIONS: ClassVar[dict[str, Any]] = {
        "posts_dir": "",
        "rename": {},
        "extra": {},
        "categories": "hierarchy",
        "filename": "{date}-{source}-{hash}",
        # Hexo makes each category a directory name, which a file system caps at 255 bytes.
        "max_category_length": 60,
    }

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        options = super().check_options(options)
        if options["categories"] not in ("hierarchy", "flat"):
            raise ExporterError("option 'categories' must be 'hierarchy' or 'flat'")
        try:
            options["filename"].format(**dict.fromkeys(FILENAME_FIELDS, ""))
        except (KeyError, IndexError, ValueError) as exc:
            raise ExporterError(
                f"option 'filename' {options['filename']!r}: unknown field {exc} "
                f"(fields: {', '.join(FILENAME_FIELDS)})"
            ) from None
        for field in options["rename"]:
            if field not in FRONT_MATTER + ADDED_FRONT_MATTER:
                raise ExporterError(f"option 'rename': no front-matter field {field!r}")
        return options

    def open(self) -> None:
        # The fields the pattern names: only they are computed for each post.
        self.filename_fields = [
            field
            for _, field, _, _ in string.Formatter().parse(self.options["filename"])
            if field in FILENAME_VALUES
        ]
        self.posts_dir = Path(self.options["posts_dir"] or self.output_dir / "posts")
        self.posts_dir.mkdir(parents=True, exist_ok=True)
        self.cleared: set[str] = set()
        self.pending: list[TemporaryFile] = []
        # File names of the posts not yet put in place, and their articles' URLs.
        self.pending_names: dict[str, str] = {}
        # URL -> the file name ``prepare`` reserved for its post.
        self.reserved: dict[str, str] = {}

    def prepare(self, articles: list[ItemAdapter]) -> None:
        """The pattern's names of a batch's new posts reserved in one store call, in order,
        where ``post_path`` would have given them one by one: a post the ledger places
        already, a name another post of the batch wants, a name ending as a suffix does
        ("-2", which an earlier post of the batch may take as its own) or a file holding
        another article's post is left to ``post_path``, as is a name the store refuses."""
        if self.ledger is None:
            return
        wanted: dict[str, str] = {}
        asked: set[str] = set()
        for article in articles:
            url = article["url"]
            if self.ledger.location(url):
                continue
            name = f"{self.file_name(article)}.md"
            if name in asked:  # the first that asks has it, if free: this one's is not
                continue
            asked.add(name)
            if SUFFIXED.search(name) is None and self.owner(name, url, ledger=False) is None:
                wanted[name] = url
        owners = self.ledger.reserve_many(wanted.items())
        for (name, url), owner in zip(wanted.items(), owners, strict=True):
            if owner is None:
                self.reserved[url] = name

    def temp_prefix(self, article: ItemAdapter) -> str:
        """Temporary files are named after the source and the writing process
        (``.<source>~<host>~<pid>~*.tmp``): a crawl of a source clears what a killed crawl of
        the same source left (a process of this host that is gone, or a file untouched for
        STALE_TEMP seconds), never another source's files nor those of the other workers of a
        distributed run, which write posts of one source at the same time."""
        source = f".{slug_safe(article['source'])}~"
        if source not in self.cleared:
            self.cleared.add(source)
            for stale in self.posts_dir.glob(f"{source}*.tmp"):
                if self.left_behind(stale):
                    stale.unlink(missing_ok=True)
        return f"{source}{HOST}~{os.getpid()}~"

    def left_behind(self, temp: Path) -> bool:
        """Whether a temporary post file is a leftover: its writer is a process of this host
        that no longer runs, or it was not touched for STALE_TEMP seconds."""
        parts = temp.name.split("~")
        if len(parts) >= 4 and parts[1] == HOST and parts[2].isdigit():
            try:
                os.kill(int(parts[2]), 0)
            except ProcessLookupError:
                return True
            except PermissionError:
                pass  # another user's live process
        try:
            return temp.stat().st_mtime < time.time() - self.STALE_TEMP
        except FileNotFoundError:
            return False

    def file_name(self, article: ItemAdapter) -> str:
        """The ``filename`` pattern filled for the article, slug-safe, without ``.md``: the
        first publication date (in the seed's timezone, which Normalize gave the dates)."""
        first = article.get("first_date") or article["date"]
        values = {field: FILENAME_VALUES[field](article, first) for field in self.filename_fields}
        return slug_safe(self.options["filename"].format(**values))

    def post_path(self, article: ItemAdapter) -> Path:
        """The post's file: the one it was first written to (an updated article keeps it),
        else the pattern's name, with a suffix when another article's post holds it."""
        url = article["url"]
        reserved = self.reserved.pop(url, None)
        if reserved is not None:
            return self.posts_dir / reserved
        known = self.ledger.location(url) if self.ledger is not None else None
        if known:
            return self.posts_dir / known
        base = self.file_name(article)
        holder = None
        for n in itertools.count(1):
            name = f"{base}.md" if n == 1 else f"{base}-{n}.md"
            owner = self.owner(name, url)
            if owner is None and self.ledger is not None:
                # Taken in one step: another worker of a distributed run may want it too.
                owner = self.ledger.reserve(name, url)
            if owner is None:
                break
            holder = holder or owner
        if holder is not None:
            self.crawler.stats.inc_value("hexo/renamed")
            logger.warning(
                "Post name %s.md is taken by %s: %s is written to %s", base, holder, url, name
            )
        return self.posts_dir / name

    def owner(self, name: str, url: str, ledger: bool = True) -> str | None:
        """The URL of another article whose post is file ``name``, or None: by the ledger
        (unless not ``ledger``), else by the ``source_url`` in the file's front matter (a post
        without one, written before there was one, is taken to be this article's)."""
        pending = self.pending_names.get(name)
        if pending is not None and pending != url:
            return pending  # a post of this batch, not yet in place
        if ledger and self.ledger is not None:
            owner = self.ledger.taken(name, url)
            if owner is not None:
                return owner
        try:
            with open(os.path.join(self.posts_dir, name), encoding="utf-8") as file:
                text = file.read()
        except FileNotFoundError:
            return None
        key = self.options["rename"].get("source_url", "source_url")
        owner = read_front_matter(text).get(key)
        return owner if isinstance(owner, str) and owner and owner != url else None

    def fields(self, article: ItemAdapter) -> dict[str, Any]:
        limit = self.options["max_category_length"]
        categories = [c[:limit].strip() or "-" for c in article["categories"]]
        if self.options["categories"] == "flat":
            categories = [[c] for c in categories]
        fields = {
            "title": article["title"],
            "categories": categories,
            "headimg": article.get("headimg") or "",
            "author": article["author"],
            "comments": False,
            "date": rfc1123(article["date"]),
            "thumbnail": article.get("thumbnail") or "",
            "source_url": article["url"],
        }
        if article.get("updated"):
            fields["updated"] = rfc1123(article["updated"])
        rename = self.options["rename"]
        fields = {rename.get(k, k): v for k, v in fields.items()}
        return {**fields, **self.options["extra"]}

    def render(self, article: ItemAdapter) -> str:
        body = neutralize_raw_tags(article["body_html"])
        # The raw block keeps Hexo's Nunjucks and Markdown away from the body.
        return (
            f"---\n{front_matter(self.fields(article))}---\n\n"
            f"{{% raw %}}\n<div>\n{body}\n</div>\n{{% endraw %}}\n"
        )

    def export(self, article: ItemAdapter) -> str:
        """The post written to a temporary file beside its place, which ``flush`` puts it in;
        its file name (relative to ``posts_dir``), which it keeps for good."""
        post = self.render(article).encode("utf-8")
        path = self.post_path(article)
        self.pending.append(write_temporary(path, post, temp_prefix=self.temp_prefix(article)))
        self.pending_names[path.name] = article["url"]
        return path.name

    def flush(self) -> None:
        """Every post exported since the last flush fsynced (together: ``put_all_in_place``)
        and renamed into place, in order: a crash leaves each post either old or new. The
        first that fails raises, and the posts after it are discarded."""
        pending, self.pending = self.pending, []
        self.pending_names = {}
        self.reserved = {}
        put_all_in_place(pending)

    def close(self) -> None:
        for written in self.pending:
            discard(written)
        self.pending = []
        self.pending_names = {}
        self.reserved = {}
