"""Checking a model's citations: never trust the model.

A sentence that states a number is supported only by a passage sentence that gives it,
one that names someone only by a passage that mentions the name, and one that only
restates a wh-question by nothing.
Every ``[n]`` is checked: a marker for a passage that was not given is removed; each
sentence is scored against the passages it cites (embedding similarity plus word overlap
with the passage's best sentence); a sentence without a valid marker is matched against
all passages. A sentence no passage supports is flagged (or dropped, by a setting).
Citations are renumbered in order of first use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from orderbot.generate.citations import CitationList, markers
from orderbot.generate.extractive import content_terms, lexical_overlap, split_units
from orderbot.generate.guard import is_instruction
from orderbot.index.embedder import Embedder
from orderbot.ingest.sentences import split_sentences
from orderbot.models import Citation, ScoredChunk

_MARKER = re.compile(r"\s*\[(\d+)\]")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b|\b[a-z]+\b", re.IGNORECASE)
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
_WORDS = {w: str(n) for n, w in enumerate(_UNITS.split())} | {
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "hundred": "100",
}


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,})\b")


def names(text: str) -> set[str]:
    """Capitalised words inside a sentence (not its first word): mostly proper names."""
    return {m.lower() for m in _NAME.findall(text.strip())}


def _counted(text: str, span: int = 4) -> list[tuple[str, list[str]]]:
    """Each number in ``text`` with the stems of the content words just after it."""
    words = _NUMBER.findall(text.lower())
    out = []
    for i, word in enumerate(words):
        number = word.replace(",", "") if word[0].isdigit() else _WORDS.get(word)
        if number is not None:
            after = [t for w in words[i + 1 : i + 1 + span] for t in content_terms(w)]
            out.append((number, after))
    return out


def gives_figures(claim: str, sentence: str) -> bool:
    """Each figure of ``claim`` is in ``sentence`` with what it counts close after it:
    "130 proposals" is not backed by "130 leading scholars … a package of proposals"."""
    given = _counted(sentence)
    for number, after in _counted(claim, span=2):
        if number in {"0", "1"} or not after:
            continue
        if not any(n == number and after[0] in things for n, things in given):
            return False
    return True


def numbers(text: str) -> set[str]:
    """The numbers a text states, in digits ("twelve" and "12" are the same)."""
    found = set()
    for token in _NUMBER.findall(text.lower()):
        if token[0].isdigit():
            found.add(token.replace(",", ""))
        elif token in _WORDS:
            found.add(_WORDS[token])
    return found


@dataclass
class Checked:
    answer: str
    citations: list[Citation] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    supported: int = 0


def support_scores(
    claim: str, passages: Sequence[ScoredChunk], embedder: Embedder
) -> list[tuple[float, str]]:
    """For each passage: (support score, its best-matching sentence) for ``claim``."""
    units = [u for u in split_units(passages) if not is_instruction(u.text)]
    if not units:
        return [(0.0, "") for _ in passages]
    vectors = embedder.embed([claim, *(u.text for u in units)])
    sims = vectors[1:] @ vectors[0]
    best: list[tuple[float, str]] = [(0.0, "") for _ in passages]
    stated = numbers(claim) - {"1", "0"}  # "one of the ..." is rarely a figure
    named = names(claim)
    for unit, sim in zip(units, sims, strict=True):
        if not stated <= numbers(unit.text) or not gives_figures(claim, unit.text):
            continue  # a figure the sentence does not give, or gives for something else
        if named and not all(n in unit.chunk.text.lower() for n in named):
            continue  # a name the passage never mentions
        score = 0.5 * float(sim) + 0.5 * lexical_overlap(claim, unit.text)
        if score > best[unit.rank][0]:
            best[unit.rank] = (score, unit.text)
    return best


_WH_QUESTION = re.compile(r"^\s*(what|which|who|whom|whose|how|when|where|why)\b", re.I)


def restates(claim: str, question: str) -> bool:
    """``claim`` only repeats the words of a wh-question ("Which variable covers AI?" ->
    "The variable covers AI."): it says nothing a passage could support. A yes/no
    question is left alone: repeating it is how its premise is confirmed."""
    if not _WH_QUESTION.match(question):
        return False
    return content_terms(claim) <= content_terms(question)


def check_answer(
    text: str,
    passages: Sequence[ScoredChunk],
    embedder: Embedder,
    *,
    threshold: float,
    drop_unsupported: bool = False,
    question: str = "",
) -> Checked:
    """``text`` with every sentence checked against ``passages`` (see the module's text);
    with ``question``, a sentence that only restates it is not counted as supported."""
    cites = CitationList()
    out: list[str] = []
    checked = Checked(answer="")
    for sentence in split_sentences(text.strip()):
        cited = [int(n) for n in _MARKER.findall(sentence)]
        claim = _MARKER.sub("", sentence).strip()
        if not claim:
            continue
        if len(content_terms(claim)) < 2:  # "Yes." / "No." carry no checkable claim
            out.append(claim)
            continue
        if question and restates(claim, question):
            scores = [(0.0, "")] * len(passages)  # nothing to support
        else:
            scores = support_scores(claim, passages, embedder)
        valid = [n for n in dict.fromkeys(cited) if 1 <= n <= len(passages)]
        backed = [n for n in valid if scores[n - 1][0] >= threshold]
        if not backed:  # no valid or supporting marker: does any passage support it?
            best = max(range(len(passages)), key=lambda i: scores[i][0], default=None)
            if best is not None and scores[best][0] >= threshold:
                backed = [best + 1]
        if not backed:
            checked.unsupported.append(claim)
            if not drop_unsupported:
                out.append(claim)
            continue
        checked.supported += 1
        numbers = [cites.cite(passages[n - 1].chunk, scores[n - 1][1]) for n in backed]
        out.append(f"{claim} {markers(numbers)}")
    checked.answer = " ".join(out)
    checked.citations = cites.citations
    return checked
