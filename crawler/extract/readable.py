"""readability-lxml's ``Document``, with its text cleaning (``readability.readability.clean``)
giving the same texts at a fraction of the cost.

Readability measures the text of every candidate (``text_length``: ``len(clean(...))``) and
``clean`` runs three regular expressions over the whole text; each starts with a character
class, so Python's ``re`` tries it at every character: about 1 ms for one pass over a 30 KB
page's text, and a third of readability's time on a page. ``clean`` here runs each of the three
only where it can match (a run of 255 whitespace characters, a newline, a tab or two spaces)
and makes the whitespace around newlines one newline by string methods. Its results are the
library's own, character for character (tests/test_extract_body.py compares them).
"""

from __future__ import annotations

import re

import readability.readability
from readability import Document

__all__ = ["Document", "clean", "library_clean"]

# readability.readability.clean's substitutions, in its order (readability-lxml 0.8-0.9).
LONG_SPACE = 255
LONG_SPACE_RUN = re.compile(r"\s{%d,}" % LONG_SPACE)  # noqa: UP031 - the library's pattern
HALF = LONG_SPACE // 2
TABS_AND_SPACES = re.compile(r"\t|[ \t]{2,}")

# The library's own, kept for the tests to compare with (once installed, ``clean`` holds it).
_installed = readability.readability.clean
library_clean = getattr(_installed, "library_clean", _installed)


def _around_newlines(text: str) -> str:
    """``re.sub(r"\\s*\\n\\s*", "\\n", text)``: each run of whitespace holding a newline made one
    newline. Such a run is the whitespace at the end of the text before a newline and at the
    start of the text after it, with the lines of whitespace alone between them."""
    lines = text.split("\n")
    inner = (line.strip() for line in lines[1:-1])
    return "\n".join([lines[0].rstrip(), *(line for line in inner if line), lines[-1].lstrip()])


def _long_space(text: str) -> bool:
    """Whether a text holds a run of LONG_SPACE whitespace characters. Such a run holds one of
    every LONG_SPACE characters, and from there one of the characters HALF before or after
    it: only the runs through those are searched."""
    size = len(text)
    for at in range(0, size, LONG_SPACE):
        if not text[at].isspace():
            continue
        before, after = at - HALF, at + HALF
        near = (before >= 0 and text[before].isspace()) or (after < size and text[after].isspace())
        if near and LONG_SPACE_RUN.search(text, max(0, at - LONG_SPACE + 1), at + LONG_SPACE):
            return True
    return False


def clean(text: str) -> str:
    """readability's ``clean(text)``: runs of 255 or more whitespace characters cut to 255
    spaces, whitespace around newlines made one newline, a tab or spaces and tabs made one
    space, the ends stripped; each substitution run only when the text holds what it
    replaces."""
    if _long_space(text):
        text = LONG_SPACE_RUN.sub(" " * LONG_SPACE, text)
    if "\n" in text:
        text = _around_newlines(text)
    if "\t" in text or "  " in text:
        text = TABS_AND_SPACES.sub(" ", text)
    return text.strip()


clean.library_clean = library_clean  # type: ignore[attr-defined]
# readability reads ``clean`` from its module at each call (text_length and the scoring).
readability.readability.clean = clean
