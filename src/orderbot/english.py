"""Whether a word is an English word (pyspellchecker's dictionary, inside its wheel): a
question's word that is neither English nor the documents' is a slip to read as theirs
("chnage": ``spelling``) or a name they never use ("nato", "brics": coverage)."""

from __future__ import annotations

import functools

from spellchecker import SpellChecker


@functools.cache
def _dictionary() -> SpellChecker:
    return SpellChecker()  # loaded once, in a fifth of a second


def is_english(word: str) -> bool:
    """``word`` (any case) is in the English dictionary."""
    return word.lower() in _dictionary()
