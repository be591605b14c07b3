"""Product pages crawled through the real engine: the description of the product a page
declares (microdata, else JSON-LD) is in the exported text when the main-text extractors took
the reviews or boxes around it; a JSON-LD text is escaped like the rest of the page; a body
already holding the description is left as it is, and a review's description is not the
product's."""

from __future__ import annotations

import json

from conftest import crawl_pages

REVIEWS = "".join(
    f"<div class='review'><p>{text}</p></div>"
    for text in (
        "I have bought this coffee for two years now, and every bag has tasted the same: bright,"
        " a little sweet, never bitter, even when I forget the pot on the plate for an hour.",
        "We drink it at the office in a big filter machine, and even the people who only ever"
        " drank instant coffee before now ask where it comes from and how much a bag costs.",
        "The beans arrive well packed and fresh, roasted a week before at most, and the shop"
        " answers questions about grinding and brewing quickly and with real patience.",
        "Not my favourite as an espresso, too light for my taste, but as a filter coffee it is"
        " the best I have found in years, and I have tried a great many of them by now.",
    )
    * 2
)
FACTS = ("Aroma: red berries, citrus, sweet", "Process: hand picked, washed, sun dried")
DESCRIPTION = " ".join(FACTS)


def page(title: str, main: str, head: str = "") -> str:
    nav = "".join(f"<li><a href='/c/{n}'>Section {n}</a></li>" for n in range(8))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
        f"<nav><ul>{nav}</ul></nav><h1>{title}</h1>{main}"
        "<footer><p>About us · Contact · Privacy</p></footer></body></html>"
    )


def microdata_product() -> str:
    """A shop's product box beside the reviews: its description a list of short facts, a
    review's stars (the review's description, not the product's), a button."""
    facts = "".join(f"<li>{fact}</li>" for fact in FACTS)
    return (
        "<div class='col-side'><div class='product' itemscope"
        " itemtype='http://schema.org/Product'><span itemprop='name'>Sidamo</span>"
        "<div itemprop='review' itemscope itemtype='http://schema.org/Review'>"
        "<span itemprop='description'>Five stars</span></div>"
        f"<ul itemprop='description'>{facts}</ul>"
        "<button>Add to cart</button></div></div>"
        f"<div class='col-main'><div class='reviews'>{REVIEWS}</div></div>"
    )


def jsonld_product() -> str:
    product = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Sidamo",
        "description": f"{DESCRIPTION} &amp; <b>bold</b><script>alert(1)</script>",
    }
    # As pages write it: "</" escaped, which would end the script element.
    text = json.dumps(product).replace("</", "<\\/")
    return f"<script type='application/ld+json'>{text}</script>"


def test_a_products_description_is_in_the_text(tmp_path, serve):
    pages = {
        "shop.html": page("Sidamo", microdata_product()),
        "scripted.html": page(
            "Sidamo again", f"<div id='shop-root'></div>{REVIEWS}", jsonld_product()
        ),
        "held.html": page(
            "Sidamo described", f"<div><p>{DESCRIPTION}.</p>{REVIEWS}</div>", jsonld_product()
        ),
    }
    lines = crawl_pages(tmp_path, serve, "products", pages)
    assert set(lines) == {"shop.html", "scripted.html", "held.html"}

    shop = lines["shop.html"]["text"]
    assert "bought this coffee for two years" in shop
    assert all(fact in shop for fact in FACTS) and "Five stars" not in shop

    scripted = lines["scripted.html"]
    assert f"{DESCRIPTION} & bold" in scripted["text"]
    assert "<script" not in scripted["body_html"] and "alert(1)" not in scripted["text"]
    assert "<b>" not in scripted["body_html"]

    assert lines["held.html"]["text"].count(FACTS[0]) == 1
