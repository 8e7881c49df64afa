"""A figure or a year the question takes for granted that the quoted sentences contradict.

"Since the report contains 30 proposals, how are they split …?" is answered by a sentence
that gives 20 proposals. The answer then opens by saying so ("The documents say 20
proposals, not 30."), cited to that sentence, instead of leaving the reader to notice.

Only a plain figure of the question counts: one it qualifies ("more than 200", "about
50"), presents as already known ("the 20 proposals", "how many of …"), or that names
something ("Variable 3"), is left alone. A figure is corrected only when no quoted
sentence gives it for the same thing and one gives another: "twelve proposals" is not
corrected while "Under Regulation …, we present twelve proposals" is quoted, since the
question may be about that category.

A year is corrected the same way ("Why did the project only meet during 2022?": "The
documents say 2023 and 2024, not 2022."): when no quoted sentence gives it, and the
one sharing most words with the question's clause around it gives others and shares
more of them than any sentence of the documents giving that year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from orderbot.generate.evidence import (
    NUMBER_VALUES,
    YEAR,
    Figure,
    Saying,
    Unit,
    content_terms,
    figures,
)

# Words before a figure that give it as already known: "the 20 proposals", "how many of
# the …" (a qualifier, "more than 200", makes no plain claim either: ``Figure.qualified``).
_KNOWN = frozenset({"the", "these", "those", "its", "their", "our", "his", "her", "many", "of"})


# A question tag, typed with no comma before it: "the report has 25 proposals right?"
_TAG = frozenset(content_terms("right correct true really yes"))


def claimed(question: str) -> list[Figure]:
    """The counts ``question`` states as plain claims: not known, qualified, a fraction or
    a year ("one" is rarely a count)."""
    return [f for f in figures(question) if _plain(f)]


def _plain(figure: Figure) -> bool:
    if not figure.number.isdigit() or figure.qualified or figure.before in _KNOWN:
        return False
    value = int(figure.number)
    return value >= 2 and not 1900 <= value <= 2100


@dataclass(frozen=True)
class Correction:
    unit: Unit  # the quoted sentence that gives the figure
    said: str  # "20 proposals", as that sentence words it
    assumed: str  # "30", as the question words it

    def text(self) -> str:
        return f"The documents say {self.said}, not {self.assumed}."


def correction(
    question: str, units: Sequence[Unit], saying: Saying | None = None
) -> Correction | None:
    """The first figure of ``question`` that the quoted ``units`` contradict, if any; else
    its first year that they do (see the module's text; ``saying``: the documents'
    sentences holding a word; without it, no year is corrected)."""
    found = _figure_correction(question, units)
    return found or (_year_correction(question, units, saying) if saying else None)


def _year_correction(question: str, units: Sequence[Unit], saying: Saying) -> Correction | None:
    for asked in YEAR.finditer(question):
        year = asked.group()
        if any(year in YEAR.findall(u.text) for u in units):
            continue
        scope = {t for t in content_terms(_clause(question, asked.start())) if not t.isdigit()}
        dated = [u for u in units if YEAR.search(u.text)]
        shared = [len(scope & content_terms(u.text)) for u in dated]
        # The documents may give the year for what the question speaks of in a passage not
        # read ("In the 2040 scenario …"): the quote must be more about it than they are.
        elsewhere = max((len(scope & content_terms(s)) for s in saying(year)), default=0)
        if not dated or max(shared) <= elsewhere:
            continue
        unit = dated[max(range(len(dated)), key=shared.__getitem__)]
        said = " and ".join(dict.fromkeys(YEAR.findall(unit.text)))
        return Correction(unit=unit, said=said, assumed=year)
    return None


def _figure_correction(question: str, units: Sequence[Unit]) -> Correction | None:
    for asked in claimed(question):
        if not asked.after:
            continue
        noun = asked.after[0]  # "proposals" of "30 proposals"
        given = [(unit, f) for unit in units for f in figures(unit.text) if noun in f.after]
        if not given or any(f.number == asked.number or f.qualified for _, f in given):
            continue
        # The sentence about what the question's clause is about: "the Transnational …
        # category has twelve proposals" is corrected by the category's sentence, not by
        # the package's 20 proposals.
        clause = content_terms(_clause(question, asked.start)) - {noun} - _TAG
        scope = {t for t in clause if not t.isdigit() and t not in NUMBER_VALUES}
        shared = [len(scope & content_terms(unit.text)) for unit, _ in given]
        best = max(range(len(given)), key=shared.__getitem__)
        if scope and not shared[best]:  # "the report has 30 proposals": all of it
            continue
        unit, found = given[best]
        said = _through(unit.text[found.start : found.end], noun)
        return Correction(unit=unit, said=said, assumed=asked.written)
    return None


def _clause(question: str, at: int) -> str:
    """The part of ``question`` between punctuation marks around position ``at``."""
    start = max(question.rfind(c, 0, at) for c in ",;:?!.") + 1
    ends = [e for c in ",;:?!." if (e := question.find(c, at)) >= 0]
    return question[start : min(ends, default=len(question))]


def _through(written: str, noun: str) -> str:
    """``written`` up to the word whose stem is ``noun``: "20 proposals aimed at" -> "20
    proposals"."""
    out = []
    for word in written.split():
        out.append(word)
        if noun in content_terms(word):
            break
    return " ".join(out).rstrip(",;:")
