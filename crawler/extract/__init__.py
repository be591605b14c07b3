"""Page -> article fields: seed rules, then JSON-LD, then meta, then heuristics, field by field."""

from __future__ import annotations

from typing import NamedTuple

from parsel import Selector

from crawler.extract.body import readability_body
from crawler.extract.heuristics import heuristic_fields
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
    layers = (
        ("seed", lambda: seed_fields(selector, rules)),
        ("json-ld", lambda: jsonld_fields(selector)),
        ("meta", lambda: meta_fields(selector)),
        ("readability", lambda: {"body": readability_body(selector, url)}),
        ("heuristic", lambda: heuristic_fields(selector, url, body(found))),
    )
    found: dict[str, Found] = {}

    def body(found: dict[str, Found]) -> str | None:
        return found["body"].value if "body" in found else None

    for rule, fields in layers:
        missing = [name for name in FIELDS if name not in found]
        if not missing:
            break
        values = fields()
        for name in missing:
            if values.get(name):
                found[name] = Found(values[name], rule)
    return found
