"""The lists a text holds: an earlier answer's, or a list passage of the documents.

Sentences that begin "First, … Second, …" (or that each open another item: "One such
grouping …", "A rival … coalition …"), labelled items ("Variable 2, Use of Force"), the
headings of a grouped list ("Regulation of Force and Coercion: …; … . Transnational …:
…") and an inline list ("They are A, B, and C.") when it has as many items as were asked
for (``enumerations``). ``orderbot.ordinals`` reads them to tell which item a follow-up
means; ``quotes`` reads a grouped list to quote only the group a question names
(``group_named``).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from orderbot.generate.citations import without_markers
from orderbot.generate.evidence import OPENS_AN_ITEM, OPENS_ANOTHER_ITEM, content_terms
from orderbot.ingest.sentences import split_sentences

# "Variable 2, Use of Force": a label and its number, then the item up to ";", the next
# group's heading or the sentence's end ("U.N. Security Council Reform" keeps its stops).
_GROUP_HEADING = r"[A-Z][^:;.]{2,80}?:\s"
_LABELLED = re.compile(
    r"\b(?P<label>[A-Z][a-z]+) (?P<n>\d{1,2}), (?P<item>[^;]+?)"
    rf"(?=;|\.\s+{_GROUP_HEADING}|\.?\s*$|(?<![A-Z]\.[A-Z])\.\s)"
)
_GROUP = re.compile(rf"(?:^|(?<=\.\s))(?P<heading>{_GROUP_HEADING})")
_INLINE_LEAD = re.compile(r"^.*?\b(?:are|is|were|include|includes|including|namely)\s+", re.I)


class Enumeration(BaseModel):
    """The items an answer lists, in order; ``label`` names what a labelled list counts
    ("variable")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["sentences", "labelled", "groups", "inline"]
    items: tuple[str, ...]
    label: str | None = None

    def item(self, ordinal: int) -> str | None:
        """The item an ordinal (1-based, -1 for the last) names, if the list has it; 0
        ("the other one") names none by itself."""
        if ordinal == 0:
            return None
        if ordinal == -1:
            return self.items[-1] if self.items else None
        return self.items[ordinal - 1] if 0 < ordinal <= len(self.items) else None


def labelled_item(text: str) -> str | None:
    """The item ``text`` is, if it is one labelled item alone ("Variable 7, Great Power
    Flashpoints and Regional Ordering." is "Great Power Flashpoints and Regional
    Ordering")."""
    plain = " ".join(without_markers(text).split())
    found = _LABELLED.match(plain)
    return found.group("item") if found and not _LABELLED.search(plain, found.end()) else None


def enumerations(answer: str) -> list[Enumeration]:
    """Every list ``answer`` (an earlier answer's text, or a list passage) holds, in the
    order tried."""
    return list(_enumerations(answer))


@functools.lru_cache(maxsize=256)
def _enumerations(answer: str) -> tuple[Enumeration, ...]:
    """Remembered: each question of a conversation reads the same earlier answers again
    (up to eight questions, three answers each, on every request)."""
    text = " ".join(without_markers(answer).split())
    sentences = split_sentences(text)
    found = [*_ordinal_sentences(sentences), *_labelled(text)]
    groups = [m.group("heading").rstrip(": ") for m in _GROUP.finditer(text)]
    if len(groups) >= 2 and any(e.kind == "labelled" for e in found):
        found.append(Enumeration(kind="groups", items=tuple(groups)))
    found += [Enumeration(kind="inline", items=i) for s in sentences if (i := _inline(s))]
    return tuple(found)


def _ordinal_sentences(sentences: list[str]) -> list[Enumeration]:
    """ "First, … Second, …": the sentences after their ordinal word. Or sentences in a
    row that each open another item ("One such grouping …", "A rival … coalition …", "A
    potential third grouping …"): the sentences whole, since their openings name them."""
    starts = [
        (m, s)
        for s in sentences
        if (m := OPENS_AN_ITEM.match(s)) and s[m.end() :].lstrip().startswith(",")
    ]
    found = []
    if len(starts) >= 2 and starts[0][0].group(1).casefold() == "first":
        items = tuple(s[m.end() :].lstrip(" ,").rstrip(".") for m, s in starts)
        found.append(Enumeration(kind="sentences", items=items))
    run: list[str] = []
    for sentence in [*sentences, ""]:
        if sentence and OPENS_ANOTHER_ITEM.match(sentence):
            run.append(sentence.rstrip("."))
            continue
        if len(run) >= 2:
            found.append(Enumeration(kind="sentences", items=tuple(run)))
        run = []
    return found


def _labelled(text: str) -> list[Enumeration]:
    """ "Variable 1, …; Variable 2, …": one label, numbered from 1 without a gap."""
    found = list(_LABELLED.finditer(text))
    labels = {m.group("label").casefold() for m in found}
    numbers = [int(m.group("n")) for m in found]
    if len(found) < 2 or len(labels) != 1 or numbers != list(range(1, len(found) + 1)):
        return []
    items = tuple(m.group("item").strip() for m in found)
    return [Enumeration(kind="labelled", items=items, label=labels.pop())]


def _inline(sentence: str) -> tuple[str, ...]:
    """The items of "They are A, B, and C." (at least three, each a few words)."""
    body = sentence.rstrip(" .!?")
    parts = [p.strip() for p in body.split(",")]
    if len(parts) < 3 or ";" in body or ":" in body:
        return ()
    last = parts[-1]
    if not re.match(r"^(and|or)\s", last, re.I):
        return ()
    parts[-1] = re.sub(r"^(and|or)\s+", "", last, flags=re.I)
    parts[0] = _INLINE_LEAD.sub("", parts[0])
    if any(not p or len(p.split()) > 7 for p in parts):
        return ()
    return tuple(parts)


def group_named(text: str, question: str) -> str | None:
    """The group of a grouped, labelled list (``text``, a list passage) that ``question``
    is about, as the passage words it: its heading and items ("Regulation of Force and
    Coercion: Variable 1, …; Variable 4, …."); None when the question names no group, or
    more than one. A group is named by its heading's words, by the words only one of its
    items uses (two of them, or its only one), or by an item's label ("Variable 2")."""
    groups = _groups(text)
    if not groups:
        return None
    asked = content_terms(question)
    chosen = [g for g in groups if g.heading and g.heading <= asked]
    label = next(g.label for g in groups if g.label)
    whole = re.search(rf"\b{re.escape(label)}s\b", question, re.I)  # "the seven variables": all
    if not chosen and not whole:
        chosen = [g for g in groups if g.names_an_item(question, asked)]
    # Another group's item is touched too ("Why does the Transnational … category cover
    # nuclear disarmament?", where Preventing Nuclear War is another category's): all.
    touched = [g for g in groups if any(own & asked for _, own in g.items)]
    if len(chosen) != 1 or any(g is not chosen[0] for g in touched):
        return None
    return chosen[0].text


@dataclass(frozen=True)
class _Group:
    text: str  # the group as the passage words it, heading first
    heading: frozenset[str]  # its heading's stems
    label: str  # what its items are ("Variable")
    # each item: a pattern for its label and number ("Variable 2"), and the stems of its
    # words that no other item of the list uses
    items: tuple[tuple[str, frozenset[str]], ...]

    def names_an_item(self, question: str, asked: set[str]) -> bool:
        """An item's label ("Variable 2"), or two of the words that no other item uses
        (both of "Use of Force": not the verb of "does the report use the term …?")."""
        return any(
            re.search(named, question, re.I) or (own and len(own & asked) >= min(2, len(own)))
            for named, own in self.items
        )


@functools.lru_cache(maxsize=64)
def _groups(text: str) -> tuple[_Group, ...]:
    """The groups of a grouped, labelled list passage (none for any other text); read once
    per passage, as every question that quotes it asks."""
    text = " ".join(text.split())
    heads = list(_GROUP.finditer(text))
    if len(heads) < 2 or not _labelled(text):
        return ()
    ends = [h.start("heading") for h in heads[1:]] + [len(text)]
    segments = [text[h.start("heading") : end].strip() for h, end in zip(heads, ends, strict=True)]
    labelled = [list(_LABELLED.finditer(segment)) for segment in segments]
    used = Counter(t for found in labelled for m in found for t in content_terms(m.group("item")))
    return tuple(
        _Group(
            text=segment,
            heading=frozenset(content_terms(head.group("heading"))),
            label=found[0].group("label") if found else "",
            items=tuple(
                (
                    rf"\b{re.escape(m.group('label'))}\s+{m.group('n')}\b",
                    frozenset(t for t in content_terms(m.group("item")) if used[t] == 1),
                )
                for m in found
            ),
        )
        for head, segment, found in zip(heads, segments, labelled, strict=True)
    )
