"""Recipe pages crawled through the real engine: the ingredients and steps of a recipe card
that the main-text extractors drop (a plugin's box of short list items, print and pin
buttons) are in the exported text, from the page's microdata or, where the card is drawn by a
script, from its JSON-LD Recipe (steps as texts, HowToStep and HowToSection); a JSON-LD text
is escaped like the rest of the page; a body already holding its recipe is left as it is."""

from __future__ import annotations

import json

from conftest import crawl_pages

STORY = "".join(
    f"<p>{text}</p>"
    for text in (
        "My grandmother baked this loaf every Sunday morning, and the smell of it filled the"
        " whole house long before anyone was awake enough to come downstairs for breakfast.",
        "The trick, she always said, is patience: a slow rise in a cool kitchen gives the crumb"
        " its flavour, and no amount of yeast will make up for an hour taken away from it.",
        "Over the years I have changed very little about her method, though I now weigh the"
        " flour instead of counting cups, which makes the dough far more reliable in winter.",
        "If you bake it on a weekday, start the dough the evening before and leave it in the"
        " fridge overnight; the long cold rise only makes the bread better the next morning.",
    )
)
INGREDIENTS = ["500 g strong white flour", "7 g dried yeast", "1 tsp fine salt", "320 ml water"]
STEPS = [
    "Mix the flour, yeast and salt in a large bowl.",
    "Add the water and knead for ten minutes until smooth.",
    "Leave to rise for an hour, shape, and bake at 220 C for 30 minutes.",
]
BUTTONS = (
    "<div class='recipe-actions'><a href='/print/1'>Print</a> <a href='/pin/1'>Pin</a>"
    " <a href='/rate/1'>Rate</a></div>"
)


def page(title: str, article: str, head: str = "") -> str:
    nav = "".join(f"<li><a href='/c/{n}'>Section {n}</a></li>" for n in range(8))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
        f"<nav><ul>{nav}</ul></nav><h1>{title}</h1>"
        f"<div class='entry-content'>{article}</div>"
        "<footer><p>About us · Contact · Privacy</p></footer></body></html>"
    )


def microdata_card() -> str:
    items = "".join(f"<li itemprop='recipeIngredient'><span>{i}</span></li>" for i in INGREDIENTS)
    steps = "".join(f"<li>{s}</li>" for s in STEPS)
    return (
        "<div class='wprm-recipe-container' itemscope itemtype='https://schema.org/Recipe'>"
        f"<div class='wprm-recipe-name'>Sunday loaf</div>{BUTTONS}"
        f"<ul class='wprm-recipe-ingredients'>{items}</ul>"
        f"<ol class='wprm-recipe-instructions' itemprop='recipeInstructions'>{steps}</ol>"
        "</div>"
    )


def jsonld_recipe() -> str:
    recipe = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "Sunday loaf"},
            {
                "@type": ["Recipe"],
                "name": "Sunday loaf",
                "recipeIngredient": [
                    *INGREDIENTS[:-1],
                    "320 ml water &amp; <b>a pinch</b> of <script>alert(1)</script>sugar",
                ],
                "recipeInstructions": [
                    {"@type": "HowToStep", "text": STEPS[0]},
                    {
                        "@type": "HowToSection",
                        "name": "Bake",
                        "itemListElement": [{"@type": "HowToStep", "text": s} for s in STEPS[1:]],
                    },
                ],
            },
        ],
    }
    # As pages write it: "</" escaped, which would end the script element.
    text = json.dumps(recipe).replace("</", "<\\/")
    return f"<script type='application/ld+json'>{text}</script>"


def written_out() -> str:
    """A recipe the article's text holds itself, as paragraphs and lists of the text."""
    items = "".join(f"<li>{i}</li>" for i in INGREDIENTS)
    steps = "".join(f"<li>{s}</li>" for s in STEPS)
    return f"{STORY}<p>You will need:</p><ul>{items}</ul><p>Then:</p><ol>{steps}</ol>"


def test_a_recipe_cards_ingredients_and_steps_are_in_the_text(tmp_path, serve):
    pages = {
        "card.html": page("Sunday loaf", STORY + microdata_card()),
        "scripted.html": page(
            "Sunday loaf again", STORY + "<div id='recipe-root'></div>", jsonld_recipe()
        ),
        "plain.html": page("Sunday loaf, written out", written_out()),
    }
    lines = crawl_pages(tmp_path, serve, "recipes", pages)
    assert set(lines) == {"card.html", "scripted.html", "plain.html"}

    card = lines["card.html"]["text"]
    assert card.startswith("My grandmother baked this loaf")
    for text in INGREDIENTS + STEPS:
        assert text in card

    scripted = lines["scripted.html"]
    for text in INGREDIENTS[:-1] + STEPS:
        assert text in scripted["text"]
    assert "320 ml water & a pinch of sugar" in scripted["text"]
    assert "<script" not in scripted["body_html"] and "alert(1)" not in scripted["text"]
    assert "<b>" not in scripted["body_html"]

    plain = lines["plain.html"]["text"]
    for text in INGREDIENTS + STEPS:
        assert plain.count(text) == 1, text
