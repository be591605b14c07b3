"""A recipe's ingredients and steps, from the schema.org Recipe a page declares (microdata,
else JSON-LD), for the body of a recipe page whose text lacks them: main-text extractors drop the
ingredient lists and step cards of recipe plugins (lists of short items, boxes of links and
buttons) with the boilerplate around them."""

from __future__ import annotations

from html import escape
from typing import Any

import lxml.etree
import lxml.html
from parsel import Selector

from crawler.cleaning import element_text, fold_spaces
from crawler.extract.metadata import jsonld_objects, jsonld_text

# schema.org/Recipe: recipeIngredient (ingredients, its older name), recipeInstructions (a
# text, a list of texts, of HowToStep or of HowToSection holding steps).
#
# The page's recipe microdata and its JSON-LD blocks naming a Recipe, found in one walk over
# the page (about 250 µs on the corpus's pages, each more query another 200): the itemprops on
# the attribute axis, where libxml2 looks at the attributes there are rather than testing each
# element (as crawler.extract.body.HIDDEN).
RECIPE_NODES = lxml.etree.XPath(
    "//@itemprop[. = 'recipeIngredient' or . = 'ingredients' or . = 'recipeInstructions']/.."
    " | //script[@type='application/ld+json'][contains(., 'Recipe')]"
)
INGREDIENT_PROPS = ("recipeIngredient", "ingredients")
STEP_ITEMS = lxml.etree.XPath(".//li | .//p")
# The body holds the recipe when it holds this share of its ingredients.
HELD_SHARE = 0.5


def _is_recipe(obj: dict[str, Any]) -> bool:
    types = obj.get("@type")
    types = types if isinstance(types, list) else [types]
    return "Recipe" in types


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [line for line in map(jsonld_text, value.splitlines()) if line]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        if "itemListElement" in value:  # a HowToSection
            return _texts(value["itemListElement"])
        text = value.get("text") or value.get("name")
        return _texts(text) if isinstance(text, str) else []
    return []


def recipe_parts(selector: Selector) -> tuple[list[str], list[str]]:
    """The ingredients and the steps of the page's recipe, each a list of texts: from its
    microdata (``itemprop`` recipeIngredient or ingredients; recipeInstructions: the text of
    each list item or paragraph of the instructions, or their whole text), else from its first
    JSON-LD Recipe (entities decoded, tags removed); two empty lists on a page that declares
    no recipe.

    Microdata first: it is the text the page shows, which a JSON-LD copy may word otherwise
    (on trafilatura's benchmark, bench/extraction.py, microdata first found 2 more of the
    recipe segments of half A, none fewer in half B)."""
    nodes = RECIPE_NODES(selector.root)
    ingredients = [
        text
        for node in nodes
        if node.get("itemprop") in INGREDIENT_PROPS and (text := element_text(node))
    ]
    if ingredients:
        steps = []
        for node in nodes:
            if node.get("itemprop") == "recipeInstructions":
                items = [t for t in map(element_text, STEP_ITEMS(node)) if t]
                steps += items or [element_text(node)]
        return ingredients, [step for step in steps if step]
    if any(node.tag == "script" for node in nodes):
        for obj in jsonld_objects(selector):
            if _is_recipe(obj):
                ingredients = _texts(obj.get("recipeIngredient") or obj.get("ingredients"))
                return ingredients, _texts(obj.get("recipeInstructions"))
    return [], []


def with_recipe(selector: Selector, html: str | None, text: str) -> str | None:
    """The body HTML (its text ``text``) followed by the page's recipe (``recipe_parts``): its
    ingredients as a list, its steps the body lacks as a numbered list, when the body holds
    fewer than HELD_SHARE of the ingredients; else the body as it is. The texts are escaped:
    a JSON-LD text is the page's, as untrusted as the rest of it.

    Measured on trafilatura's benchmark (bench/extraction.py): F A 0.9362 -> 0.9383,
    B 0.9236 -> 0.9267; the news bodies (aeb, cwced, gne) unchanged."""
    if not html:
        return html
    ingredients, steps = recipe_parts(selector)
    if not ingredients:
        return html
    folded = fold_spaces(text).casefold()
    held = sum(1 for item in ingredients if item.casefold() in folded)
    if held >= HELD_SHARE * len(ingredients):
        return html
    parts = [html, "<ul>", *(f"<li>{escape(item)}</li>" for item in ingredients), "</ul>"]
    missing = [step for step in steps if step.casefold() not in folded]
    if missing:
        parts += ["<ol>", *(f"<li>{escape(step)}</li>" for step in missing), "</ol>"]
    return "".join(parts)
