"""Which item a follow-up means by "the second one": the numbered things an earlier
answer listed, and the ordinal a follow-up names.

"What about the second one?" after "What are the two crises?" means the sentence that
begins "Second, …" of the answer the reader just saw, not the two crises again. The
things an answer enumerates are read from its text (``generate.lists``).
``conversation`` decides which of them a follow-up means; nothing here looks anything up.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from orderbot.generate.evidence import content_terms, counted
from orderbot.stopwords import STOP

ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
    "6th": 6,
    "7th": 7,
    "last": -1,
    "final": -1,
    "other": 0,  # of two: the one the last question was not about
}
_ORDINAL = "|".join(ORDINALS)
# "the second one", "that second crisis", "the third category", "the last of them", "the
# first?" (the question's end), "the other one". Not "the first to …", "the first time": a
# bare ordinal before another word is not a pointer to a listed item.
_REFERENCE = re.compile(
    rf"\b(?:the|that|this)\s+(?P<ordinal>{_ORDINAL})"
    rf"(?:\s+one\b|\s+of\s+(?:them|those|these)\b|\s+(?P<noun>[a-z]+)\b|(?=\s*\W*$))",
    re.I,
)


class Reference(BaseModel):
    """An ordinal a question points with: "the second one" -> 2 (``noun`` "one")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ordinal: int
    noun: str
    start: int
    end: int


def reference(question: str) -> Reference | None:
    """The first "the second one" / "the third category" / "the last of them" in
    ``question``."""
    found = _REFERENCE.search(question)
    if found is None:
        return None
    noun = (found.group("noun") or "one").casefold()
    if noun in STOP:  # "the first to use the term", "the second of all"
        return None
    return Reference(
        ordinal=ORDINALS[found.group("ordinal").casefold()],
        noun=noun,
        start=found.start(),
        end=found.end(),
    )


Count = tuple[int, frozenset[str]]


def counts(text: str) -> list[Count]:
    """How many things ``text`` counts, with the words that name them: "What are the three
    categories?" -> [(3, {"categor"})]; "20 proposals … three categories and seven
    variables" -> [(20, …), (3, …), (7, …)]. Not a year, not the 130 participants."""
    return [
        (int(number), frozenset(_loose(t) for t in after))
        for number, after in counted(text)
        if 2 <= int(number) <= 20
    ]


def noun_key(word: str) -> str:
    """One key for a noun's forms: "category"/"categories", "crisis"/"crises"."""
    stems = content_terms(word)
    return _loose(next(iter(stems))) if stems else word.casefold()


def _loose(stem: str) -> str:
    return stem.rstrip("ei") or stem
