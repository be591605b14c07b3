"""Dates a byline writes in the page's language, with its months' names (Babel's CLDR data) or
day first with dots: found in the text by the headline, read by dateparser in that language;
one in a sentence of the body is not the byline's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.http import HtmlResponse

from crawler.extract import ExtractOptions, extract_article
from crawler.extract.dates import find_dates, local_dates
from crawler.extract.heuristics import local_byline_dates

STORY = "<p>" + "Der Hafen wird um vierhundert Meter verlängert, sagte die Stadt. " * 8 + "</p>"
CRAWLED = datetime(2026, 11, 30, 12, tzinfo=UTC)


def extracted(body: str, language: str):
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Hafen</title></head>"
        f"<body><h1>Hafen</h1>{body}</body></html>"
    )
    options = ExtractOptions(language=language, timezone=None, crawled_at=CRAWLED)
    return extract_article(
        HtmlResponse("https://example.com/hafen.html", body=html.encode()), options
    )


@pytest.mark.parametrize(
    "byline, language, date",
    [
        # A blog's post header: day, month and time in three elements.
        (
            "<p><span>8.</span> Dezember 2010 <span>um 09:43</span> · Rezepte</p>",
            "de",
            datetime(2010, 12, 8, 9, 43, tzinfo=UTC),
        ),
        ("<p>Erscheinungsdatum <b>25.01.2022</b></p>", "de", datetime(2022, 1, 25, tzinfo=UTC)),
        ("<p>Par Loïc | 30 septembre 2018</p>", "fr", datetime(2018, 9, 30, tzinfo=UTC)),
        ("<p>Publicado el 5 de marzo de 2024</p>", "es", datetime(2024, 3, 5, tzinfo=UTC)),
        ("<p>14 января 2020</p>", "ru", datetime(2020, 1, 14, tzinfo=UTC)),
    ],
)
def test_a_byline_date_in_the_pages_language(byline, language, date):
    article = extracted(byline + STORY, language)
    assert article.date == date
    assert article.extracted_by["date"] == "heuristic"


def test_a_date_in_a_sentence_is_not_the_bylines():
    prose = (
        "Mit der am 15. Januar 2022 in Kraft getretenen Verordnung wurden auch die "
        "Anforderungen an Impf- und Genesenennachweise neu geregelt."
    )
    assert find_dates(prose, ("local",), "de")  # the date is there...
    assert local_byline_dates(prose, "de") == []  # ...in a sentence
    lines = "Von Jana Roe\n15. Januar 2022\n" + prose
    assert [found.text for found in local_byline_dates(lines, "de")] == ["15. Januar 2022"]


def test_forms_of_each_language():
    assert local_dates("en").pattern == "(?!)"  # English has WORDED_DATE
    assert local_dates("xx").pattern == "(?!)"  # unknown to Babel
    assert not find_dates("01.02.2020", ("local",), "ja")  # a year-first language
    assert [d.text for d in find_dates("am 2. März 2021 um 14:05 Uhr", ("local",), "de")] == [
        "2. März 2021 um 14:05 Uhr"
    ]
    assert [d.text for d in find_dates("Dezember 8, 2010", ("local",), "de-AT")] == [
        "Dezember 8, 2010"
    ]


def test_a_byline_date_labelled_as_an_update_is_not_the_publications():
    """regards.fr-like: the byline says when the article was last changed; the page's other
    dates (htmldate: the one above the headline) give its publication."""
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Macronie</title></head><body>"
        "<p>Par Loïc Le Clerc | 30 septembre 2018</p><h1>Macronie</h1>"
        "<p>Article mis à jour le 7 janvier 2020.</p>" + STORY + "</body></html>"
    )
    options = ExtractOptions(language="fr", timezone=None, crawled_at=CRAWLED)
    article = extract_article(
        HtmlResponse("https://example.com/m.html", body=html.encode()), options
    )
    assert article.date.date().isoformat() == "2018-09-30"
    updated = html.replace("Article mis à jour le", "Updated:")
    assert extracted_html(updated, "fr").date.date().isoformat() == "2018-09-30"
    # Unlabelled, the byline's date is taken.
    plain = html.replace("Article mis à jour le ", "")
    assert extracted_html(plain, "fr").date.date().isoformat() == "2020-01-07"


def extracted_html(html: str, language: str):
    options = ExtractOptions(language=language, timezone=None, crawled_at=CRAWLED)
    return extract_article(HtmlResponse("https://example.com/m.html", body=html.encode()), options)
