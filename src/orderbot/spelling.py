"""Typing slips in a question, read as the documents' words: "climate chnage" as "climate
change", "secuirty" as "security", "Guteres" as "Guterres".

A word spelt the British way is read as the documents' American one only when that is
exactly theirs ("stabilise": "stabilize"; "realise" is not their "realism"). Otherwise
a question's word is read as another only when it is neither a word of the documents nor
an English word (pyspellchecker's dictionary), and one of the documents' words is one edit
away from it (a letter left out, added, changed, or two swapped); both are at least
``_SHORTEST`` letters long ("intro" is not "into"); the one the documents use most is
chosen. Otherwise the word is left as typed: a word the documents never use ("webinar",
"NATO") is often the very sign that they do not answer, and must not be read as one they
do. (Two edits away, "multipolarity" took a third of a second to check, and read few
slips the one edit does not.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from spellchecker import SpellChecker

from orderbot.english import american, is_english
from orderbot.english import load as load_english

# A word, with an apostrophe inside it kept ("didn't", "Guterres's"); quotation marks
# around one are not part of it ("'weaponised interdependence'").
_WORD = re.compile(r"(?<![\w-])[A-Za-z]+(?:['’][A-Za-z]+)*(?![\w-])")
_POSSESSIVE = re.compile(r"^([A-Za-z]+)(['’]s)$")


def _plain(token: str) -> tuple[str, str] | None:
    """A token's word and what follows it ("Guteres's": "Guteres", "'s"); None for a
    contraction ("didn't", "shouldn't"), which is no slip to read."""
    if found := _POSSESSIVE.match(token):
        return found.group(1), found.group(2)
    return None if ("'" in token or "’" in token) else (token, "")


_SHORTEST = 5  # "nato" is not "not", nor "gaza" "gas"


def _cased(word: str, typed: str) -> str:
    """``word`` with the capital ``typed`` opens with ("Guteres": "Guterres")."""
    return word[0].upper() + word[1:] if typed[:1].isupper() else word


class Speller:
    """The documents' words, and the reading of a question's slips as them."""

    def __init__(self, counts: Counter[str]) -> None:
        # how often the documents use each word, held once, by the checker
        self._documents = SpellChecker(language=None, distance=1, case_sensitive=False)
        self._documents.word_frequency.load_json(dict(counts))
        load_english()  # with the index, not in the first question that needs it

    @classmethod
    def of(cls, texts: Iterable[str]) -> Speller:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(p[0].lower() for w in _WORD.findall(text) if (p := _plain(w)))
        return cls(counts)

    def word(self, typed: str) -> str | None:
        """The documents' word ``typed`` is a slip for, or None."""
        lower = typed.lower()
        theirs = self._documents.word_frequency
        if lower in theirs:
            return None
        if spelt := american(lower):  # "stabilise": theirs only if it is their word
            return _cased(spelt, typed) if spelt in theirs else None
        if len(lower) < _SHORTEST or is_english(lower):
            return None
        near = {
            w
            for w in self._documents.known(self._documents.edit_distance_1(lower))
            if len(w) >= _SHORTEST
        }
        if not near:
            return None
        return _cased(max(sorted(near), key=lambda w: theirs[w]), typed)

    def correct(self, question: str) -> str:
        """``question`` with each slip read as the documents' word."""

        def read(found: re.Match[str]) -> str:
            plain = _plain(found.group())
            if plain is None:
                return found.group()
            word, rest = plain
            return (self.word(word) or word) + rest

        return _WORD.sub(read, question)
