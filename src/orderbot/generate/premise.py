"""A figure the question takes for granted that the quoted sentences contradict.

"Since the report contains 30 proposals, how are they split …?" is answered by a sentence
that gives 20 proposals. The answer then opens by saying so ("The documents say 20
proposals, not 30."), cited to that sentence, instead of leaving the reader to notice.

Only a plain figure of the question counts: one it qualifies ("more than 200", "about
50"), presents as already known ("the 20 proposals", "how many of …"), or that names
something ("Variable 3"), and a year, are left alone. A figure is corrected only when no
quoted sentence gives it for the same thing and one gives another: "twelve proposals" is
not corrected while "Under Regulation …, we present twelve proposals" is quoted, since
the question may be about that category.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from orderbot.generate.evidence import FIGURE_QUALIFIERS, NUMBER_VALUES, STOP, Unit, content_terms

_TOKEN = re.compile(r"\b\d+(?:,\d{3})*\b|\b[A-Za-z][\w’'-]*\b")
# Words before a figure that make it no plain claim: "the 20 proposals", "how many of
# the …", "more than 200", "Variable 3" (a capitalised label is checked apart).
_KNOWN = frozenset(
    {"the", "these", "those", "its", "their", "our", "his", "her", "many", "much", "of"}
    | {q.split()[-1] for q in FIGURE_QUALIFIERS}
)
_SPAN = 4  # words after a figure that may name what it counts


@dataclass(frozen=True)
class Figure:
    value: int
    written: str  # as the text writes it, from the number: "20 proposals aimed at stabilizing"
    counts: frozenset[str]  # stems of the words after it
    qualified: bool  # "more than 130", "two or more", "about 50": no exact figure


def _value(token: str) -> int | None:
    lower = token.lower().replace(",", "")
    text = lower if lower.isdigit() else NUMBER_VALUES.get(lower)
    return int(text) if text is not None else None


def figures(text: str, *, plain: bool = False) -> list[Figure]:
    """The counts ``text`` gives: a number with the words after it. ``plain``: only those
    stated as plain claims (see the module's text)."""
    tokens = list(_TOKEN.finditer(text))
    out = []
    for i, token in enumerate(tokens):
        value = _value(token.group())
        if value is None or value < 2 or 1900 <= value <= 2100:
            continue  # "one" is rarely a count; a year counts nothing
        before = tokens[i - 1].group() if i else ""
        if before[:1].isupper() and before.lower() not in STOP:
            continue  # "Variable 3", "Article 51"
        if plain and before.lower() in _KNOWN:
            continue
        after = tokens[i + 1 : i + 1 + _SPAN]
        counts = frozenset(t for w in after for t in content_terms(w.group()))
        ahead = text[: token.start()].rstrip().lower()
        qualified = any(ahead.endswith(q) for q in FIGURE_QUALIFIERS) or bool(
            _OR_MORE.match(text, token.end())
        )
        end = after[-1].end() if after else token.end()
        out.append(Figure(value, text[token.start() : end], counts, qualified))
    return out


_OR_MORE = re.compile(r"\s+or\s+(more|so|fewer|less)\b|\+|\s+plus\b", re.I)


def _noun(figure: Figure) -> str | None:
    """The stem of the first content word after a question's figure ("proposals")."""
    words = figure.written.split()[1:]
    terms = [t for w in words for t in content_terms(w)]
    return terms[0] if terms else None


@dataclass(frozen=True)
class Correction:
    unit: Unit  # the quoted sentence that gives the figure
    said: str  # "20 proposals", as that sentence words it
    assumed: str  # "30", as the question words it

    def text(self) -> str:
        return f"The documents say {self.said}, not {self.assumed}."


def correction(question: str, units: Sequence[Unit]) -> Correction | None:
    """The first figure of ``question`` that the quoted ``units`` contradict, if any."""
    for asked in figures(question, plain=True):
        noun = _noun(asked)
        if noun is None or asked.qualified:
            continue
        given = [(unit, f) for unit in units for f in figures(unit.text) if noun in f.counts]
        if not given or any(f.value == asked.value or f.qualified for _, f in given):
            continue
        # The sentence about what the question's clause is about: "the Transnational …
        # category has twelve proposals" is corrected by the category's sentence, not by
        # the package's 20 proposals.
        scope = content_terms(_clause(question, asked)) - {noun}
        shared = [len(scope & content_terms(unit.text)) for unit, _ in given]
        best = max(range(len(given)), key=shared.__getitem__)
        if not shared[best]:
            continue
        unit, found = given[best]
        said = _through(found.written, noun)
        return Correction(unit=unit, said=said, assumed=asked.written.split()[0])
    return None


def _clause(question: str, figure: Figure) -> str:
    """The part of ``question`` between punctuation marks that holds ``figure``."""
    at = question.find(figure.written)
    start = max(question.rfind(c, 0, at) for c in ",;:?!.") + 1
    ends = [
        e for c in ",;:?!." if (e := question.find(c, at + len(figure.written.split()[0]))) >= 0
    ]
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
