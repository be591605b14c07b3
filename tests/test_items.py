"""Articles through itemadapter (crawler.items.ArticleAdapter): the fields of the class looked
up once, the same answers as itemadapter's DataclassAdapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from itemadapter import ItemAdapter
from itemadapter.adapter import DataclassAdapter

from crawler.items import Article, ArticleAdapter


def article() -> Article:
    return Article(
        url="https://news.example/a/1.html",
        title="Title",
        date=datetime(2024, 4, 19, tzinfo=UTC),
        categories=["News"],
        headimg=None,
    )


def test_an_article_gets_the_article_adapter_and_the_dataclass_adapters_answers():
    ours, theirs = ItemAdapter(article()), DataclassAdapter(article())
    assert type(ours.adapter) is ArticleAdapter
    assert list(ours.keys()) == list(theirs.keys())
    assert list(ours.field_names()) == list(theirs.field_names())
    assert ours.asdict() == {key: theirs[key] for key in theirs}
    assert ours["title"] == "Title" and ours.get("headimg") is None
    assert ours.get_field_meta("url") == theirs.get_field_meta("url")
    assert ItemAdapter.get_field_names_from_class(Article) == theirs.get_field_names_from_class(
        Article
    )
    ours["title"] = "Other"
    assert ours.item.title == "Other"
    with pytest.raises(KeyError):
        ours["not_a_field"] = 1
    with pytest.raises(KeyError):
        ours["not_a_field"]
    del ours["headimg"]
    del theirs["headimg"]
    assert ("headimg" in ours, len(ours)) == ("headimg" in theirs, len(theirs))


def test_other_dataclasses_and_subclasses_keep_the_dataclass_adapter():
    @dataclass
    class Other:
        name: str = "x"

    class Longer(Article):
        pass

    assert type(ItemAdapter(Other()).adapter) is DataclassAdapter
    assert type(ItemAdapter(Longer()).adapter) is DataclassAdapter
    assert not ArticleAdapter.is_item(Article)  # the class itself is no item
    assert ItemAdapter.is_item_class(Article)
