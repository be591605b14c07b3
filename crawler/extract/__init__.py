"""Page -> article fields: seed rules, then JSON-LD, then meta, then heuristics, field by field."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from parsel import Selector

from crawler.cleaning import fold_spaces
from crawler.extract.body import readability_body
from crawler.extract.dates import is_relative
from crawler.extract.heuristics import TITLE_SEPARATOR, heuristic_fields
from crawler.extract.metadata import jsonld_fields, meta_fields
from crawler.extract.rules import seed_fields
from crawler.seeds import ArticleRules

FIELDS = ("title", "date", "updated", "author", "image", "body")


class Found(NamedTuple):
    """One field's raw value and the rule that produced it."""

    value: str
    rule: str


def extract_article(
    selector: Selector, rules: ArticleRules, url: str | None = None, language: str = "en"
) -> dict[str, Found]:
    """Raw article fields of one page, each from the first layer that gives it."""
    found: dict[str, Found] = {}

    @cache
    def heuristics() -> dict[str, str | None]:
        # Once per page: the cut-title check below reads the same headline.
        return heuristic_fields(selector, url, found["body"].value if "body" in found else None)

    layers = (
        ("seed", lambda: seed_fields(selector, rules)),
        ("json-ld", lambda: jsonld_fields(selector)),
        ("meta", lambda: meta_fields(selector)),
        ("readability", lambda: {"body": readability_body(selector)}),
        ("heuristic", heuristics),
    )

    for rule, fields in layers:
        missing = [name for name in FIELDS if name not in found]
        if not missing:
            break
        values = fields()
        for name in missing:
            if values.get(name):
                found[name] = Found(values[name], rule)
    if "title" in found and found["title"].rule in ("json-ld", "meta"):
        found["title"] = _uncut_title(found["title"], heuristics()["headline"])
    # A page that shows "09-30 22:46" and declares when it was last changed, with the year,
    # is dated by that declaration rather than by the crawl's year.
    undated = "date" not in found or is_relative(found["date"].value)
    if undated and "updated" in found and not is_relative(found["updated"].value):
        found["date"] = found["updated"]
    return found


def _uncut_title(title: Found, headline: str | None) -> Found:
    """A metadata title cut short (an unescaped quote ends the attribute) yields to the
    page's headline that it begins."""
    text, value = fold_spaces(headline), fold_spaces(title.value)
    rest = text[len(value) :]
    if rest and text.startswith(value) and not TITLE_SEPARATOR.match(rest):
        return Found(text, "heuristic")
    return title
