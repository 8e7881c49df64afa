"""Whether a word is an English word (pyspellchecker's dictionary, inside its wheel, which
spells the American way; a British spelling counts too): a question's word that is
neither English nor the documents' is a slip to read as theirs ("chnage": ``spelling``)
or a name they never use ("nato", "brics": coverage)."""

from __future__ import annotations

import functools
import re

from spellchecker import SpellChecker

# British endings and their American forms, which the dictionary holds: "realise" is
# "realize" (not the documents' "realism", one letter away), "defence" is "defense".
_BRITISH = (
    (re.compile(r"is(e|ed|es|ing|ation|ations)$"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"our(s|ed|ing|able|ite|ites)?$"), r"or\1"),
    (re.compile(r"tre(s)?$"), r"ter\1"),
    (re.compile(r"ence(s)?$"), r"ense\1"),
    (re.compile(r"ogue(s)?$"), r"og\1"),
    (re.compile(r"(?<=[aeiou])ll(ed|ing|er|ers)$"), r"l\1"),
    (re.compile(r"amme(s)?$"), r"am\1"),
)


@functools.cache
def _dictionary() -> SpellChecker:
    return SpellChecker()  # loaded once, in a fifth of a second


def load() -> None:
    """Read the dictionary now (when an index is loaded), not in a visitor's question."""
    _dictionary()


def is_english(word: str) -> bool:
    """``word`` (any case) is in the English dictionary, or spelt the British way."""
    return word.lower() in _dictionary() or american(word) is not None


def american(word: str) -> str | None:
    """The American spelling of ``word`` (lower case) when it is an English word spelt
    the British way ("stabilise": "stabilize"); else None."""
    lower = word.lower()
    if lower in _dictionary():
        return None
    for ending, replacement in _BRITISH:
        spelt = ending.sub(replacement, lower)
        if spelt != lower and spelt in _dictionary():
            return spelt
    return None
