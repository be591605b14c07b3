"""Hexo posts: output/posts/<date>-<source>-<12 hex of sha1(url)>.md, front matter then body."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from crawler.exporters import Exporter

if TYPE_CHECKING:
    from itemadapter import ItemAdapter

# A raw/endraw tag inside a body would end our raw block early: its % become entities.
RAW_TAG = re.compile(r"\{%(-?\s*(?:end)?raw\s*-?)%\}")


class Quoted(str):
    """A string that the front matter writes double-quoted, so any text reads back as itself."""


class FrontMatterDumper(yaml.SafeDumper):
    pass


FrontMatterDumper.add_representer(
    Quoted, lambda dumper, data: dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
)


def front_matter(fields: dict[str, Any]) -> str:
    """YAML of the front matter: keys plain, every string double-quoted, no line folding."""
    return yaml.dump(
        fields, Dumper=FrontMatterDumper, allow_unicode=True, sort_keys=False, width=float("inf")
    )


def rfc1123(value: datetime) -> str:
    """The post date as the seed post writes it: ``Sat, 09 Apr 2022 09:56:37 GMT``."""
    return format_datetime(value.astimezone(UTC), usegmt=True)


def neutralize_raw_tags(body: str) -> str:
    return RAW_TAG.sub(r"{&#37;\1&#37;}", body)


class HexoExporter(Exporter):
    """One Markdown post per article, in the shape of the seed post, written atomically."""

    def open(self) -> None:
        self.posts_dir = self.output_dir / "posts"
        self.posts_dir.mkdir(parents=True, exist_ok=True)
        # Temporary files of this source that a killed run left behind.
        self.temp_prefix = f".{self.crawler.spider.name}-"
        for stale in self.posts_dir.glob(f"{self.temp_prefix}*.tmp"):
            stale.unlink(missing_ok=True)

    def post_path(self, article: ItemAdapter) -> Path:
        """The post's file name, from its first publication date in the seed's timezone and URL.

        An updated article keeps the name its first version was written under.
        """
        first_date = article.get("first_date") or article["date"]
        day = first_date.astimezone(self.crawler.spider.source.tzinfo).strftime("%Y-%m-%d")
        digest = hashlib.sha1(article["url"].encode("utf-8")).hexdigest()[:12]
        return self.posts_dir / f"{day}-{article['source']}-{digest}.md"

    def render(self, article: ItemAdapter) -> str:
        fields = {
            "title": Quoted(article["title"]),
            "categories": [Quoted(c) for c in article["categories"]],
            "headimg": Quoted(article.get("headimg") or ""),
            "author": Quoted(article["author"]),
            "comments": False,
            "date": Quoted(rfc1123(article["date"])),
            "thumbnail": Quoted(article.get("thumbnail") or ""),
        }
        body = neutralize_raw_tags(article["body_html"])
        # The raw block keeps Hexo's Nunjucks and Markdown away from the body.
        return (
            f"---\n{front_matter(fields)}---\n\n"
            f"{{% raw %}}\n<div>\n{body}\n</div>\n{{% endraw %}}\n"
        )

    def export(self, article: ItemAdapter) -> None:
        path = self.post_path(article)
        fd, tmp = tempfile.mkstemp(dir=self.posts_dir, prefix=self.temp_prefix, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self.render(article))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
