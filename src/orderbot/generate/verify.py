"""Checking what a model wrote: never trust the model.

A claim is shown only when a unit of the evidence supports it:

- support is embedding similarity plus word overlap with the unit (``Evidence.claim_support``);
  a figure must be in the unit and count the same thing ("130 proposals" is not backed by
  "130 scholars"), and a name must be in the unit's passage;
- every content word the claim takes from the question must be in the unit, so a claim
  that only turns the question into a statement ("The Quincy Institute funds the project"
  for "Who funds the project?", when no passage speaks of funding) is not supported, and
  most of its other words must be there too;
- a claim must not drop or add a negation the unit has ("not a panacea");
- a claim that copies a unit must keep who does what: "China perceives China and Russia
  as seeking to remake the international order" is rejected for a unit that says
  "Washington perceives China and Russia as seeking…", though every word is in it;
- a claim with fewer than two content words (a bare "Yes.") carries nothing checkable;
- a claim must say what it is about: at least one content word of the question (its
  figures aside), so a bare "2023 and 2024." for "When was the Quincy Institute
  founded?" is rejected; it would read as the founding years, though its unit dates
  the project's meetings, and a claim that names the subject ("The Institute was founded
  in 2023") is held to the unit's words like any other;
- a claim answering "how many N" with figures must count N with one of them: "Five
  proposals." does not answer "Into how many categories…?", though five proposals are
  in the unit;
- a claim must keep a figure's qualifier: "40 countries" is not backed by "from over 40
  countries";
- a claim that copies a unit must keep its hedges: "The RBIO is a distinct term partly
  because…" is not backed by "Presumably, the RBIO exists as a distinct term partly
  because…", nor "The National Security Strategy is already conceived of as a bloc" by
  "… National Security Strategy appears to already have conceived of the RBIO as a …
  bloc" (both seen by a visitor); one that says in other words what a unit hedges says
  it hedged too: "China and Russia are heterogeneous coalition." is not backed by "A
  rival, heterogeneous coalition might be led by China and Russia";
- a claim that adds nothing to the question's words but figures ("Five proposals." for
  "How many proposals are in the Regulation of Force and Coercion category?") is backed
  only by a unit that holds half of the question's words: a visitor read "Five
  proposals." above the quote that says twelve, backed by another category's sentence;
- a bibliographic line backs a claim only for a question about sources, as it is quoted
  only then: "John Dugard, 'The choice before us…', Leiden Journal…" led the answer to
  "Who was he talking to?" (about Blinken);
- a leading "Yes," or "No," is dropped before the claim is checked: whether the answer is
  yes or no depends on what the question took for granted, which no passage says, and a
  visitor got "No, the package of reforms contains 20 proposals." for "Is it true that the
  package has 20 proposals?". The rest of the claim is checked and shown as usual.

- a claim that copies a unit must keep the word opening it that makes the copied clause a
  concession or a condition ("Although the Cold War featured … two separate international
  orders, …"), name a numbered item with that item's words ("Variable 4 is Artificial
  Intelligence and Cyber." is not backed by a list whose Variable 6 is that), and put in
  place of a pronoun it opens with only what the sentence before names ("Great powers
  should constrain …" is not "They [the reforms] would constrain …"); a claim that a
  name is what its own name names ("Antony Blinken was Secretary of State Antony
  Blinken.") says nothing and is rejected (all the default model's, seen by a visitor).

The model names the units it used; if they do not support the claim, the best unit that
does is cited instead, and if none does the claim is rejected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import Match, SequenceMatcher
from functools import lru_cache

from orderbot.generate.asked import person_asked, slot_of
from orderbot.generate.citations import CitationList, markers, without_markers
from orderbot.generate.evidence import (
    COVERING,
    GIVES_REASON,
    NUMBER_VALUES,
    Evidence,
    content_terms,
    counted,
    figures,
    labels,
    previous_sentence,
    words,
)
from orderbot.generate.lists import enumerations, labelled_item
from orderbot.question import asks_what_it_is, numbered_items, thing_asked
from orderbot.stopwords import STOP

_WH_QUESTION = re.compile(r"^\s*(what|which|who|whom|whose|how|when|where|why)\b", re.I)
_NUMBER_WORDS = content_terms(" ".join(NUMBER_VALUES))


def _words_only(terms: set[str]) -> set[str]:
    """``terms`` without figures, in words ("five") or digits ("20", "2040")."""
    return {t for t in terms if t not in _NUMBER_WORDS and not t[:1].isdigit()}


_NEGATION = frozenset(["not", "no", "never", "neither", "nor", "without", "cannot"])
_TOKEN = re.compile(r"\w[\w'’.-]*\w|\w")
_COPIED = 0.5  # share of a claim's words in the order of its unit's: the claim copies it
_YES_NO = re.compile(
    r"^\s*(yes|no|yeah|nope|correct|incorrect|true|false|indeed|right|wrong)\s*[,.!:;—–-]+\s*",
    re.I,
)


def negated(text: str, span: int = 3) -> set[str]:
    """Stems of the content words within ``span`` words after a negation, in its clause."""
    out: set[str] = set()
    for clause in re.split(r"[,;:.!?—–()]", text.replace("n't", " not")):
        tokens = words(clause)
        for i, token in enumerate(tokens):
            if token in _NEGATION:
                out |= content_terms(" ".join(tokens[i + 1 : i + 1 + span]))
    return out


def entailed(claim: str, unit: str, question: str, novelty: float) -> bool:
    """The claim's words are the unit's: all it takes from the question, and all but a
    ``novelty`` share of the rest; and no negation is dropped or added."""
    have = content_terms(unit)
    said = _words_only(content_terms(claim))  # figures are checked on their own
    asked = content_terms(question)
    if (said & asked) - have:
        return False
    other = said - asked
    if other and len(other - have) / len(other) > novelty:
        return False
    return negated(claim) & have == negated(unit) & said


def _tokens(text: str) -> list[str]:
    """Words with their case, one apostrophe and no possessive ("Institute’s": "Institute")."""
    return [re.sub(r"'s$", "", t.replace("’", "'")) for t in _TOKEN.findall(text)]


def _name_words(tokens: Sequence[str]) -> set[str]:
    """The capitalised words of ``tokens`` that are not stop words: mostly names."""
    return {t.lower() for t in tokens if t[:1].isupper() and t.lower() not in STOP}


@dataclass(frozen=True)
class _Copy:
    """A claim aligned word by word with the unit it copies."""

    said: tuple[str, ...]  # the claim's tokens
    source: tuple[str, ...]  # the unit's tokens
    blocks: tuple[Match, ...]  # runs of tokens in both, in order (none empty)
    opcodes: tuple[tuple[str, int, int, int, int], ...]  # how the claim rewrites the unit

    @property
    def kept(self) -> set[str]:
        return {t.lower() for t in self.said}


@lru_cache(maxsize=256)  # each check of one claim against one unit aligns them once
def _copy_of(claim: str, unit: str) -> _Copy | None:
    """``claim`` aligned with ``unit`` when it copies it (half its words in the unit's
    order), else None: in a paraphrase, word order places neither roles nor hedges."""
    said, source = tuple(_tokens(claim)), tuple(_tokens(unit))
    matcher = SequenceMatcher(None, [t.lower() for t in source], [t.lower() for t in said])
    blocks = tuple(b for b in matcher.get_matching_blocks() if b.size)
    if not said or sum(b.size for b in blocks) < _COPIED * len(said):
        return None
    return _Copy(said, source, blocks, tuple(matcher.get_opcodes()))


def swaps_a_name(claim: str, unit: str) -> bool:
    """True when ``claim`` copies ``unit`` but, where it rewrites it, puts another name in
    place of one the claim then never mentions: the actor changed, the words did not."""
    if (copy := _copy_of(claim, unit)) is None:
        return False
    for op, i1, i2, j1, j2 in copy.opcodes:
        if op != "replace":
            continue
        gone = _name_words(copy.source[i1:i2]) - copy.kept
        if gone and _name_words(copy.said[j1:j2]) - _name_words(copy.source[i1:i2]):
            return True
    return False


def without_yes_or_no(claim: str) -> str:
    """``claim`` without a leading "Yes," or "No," (see the module's text)."""
    rest = _YES_NO.sub("", claim, count=1)
    return rest[:1].upper() + rest[1:] if rest != claim else claim


def drops_a_qualifier(claim: str, unit: str) -> bool:
    """True when ``unit`` qualifies a figure ("over 40", "two or more") and ``claim``
    states the figure bare ("40 countries")."""
    said = figures(claim)
    bare = {f.number for f in said if not f.qualified}
    kept = {f.number for f in said if f.qualified}
    return any(f.qualified and f.number in bare - kept for f in figures(unit))


# Words that make a statement less than certain. A modal may stand for another ("may",
# "might", "could"); the others must be kept as they are.
_MODALS = frozenset(["may", "might", "could", "can", "would", "possibly", "perhaps", "potentially"])
_HEDGES = _MODALS | frozenset(
    [
        "presumably",
        "apparently",
        "appears",
        "appear",
        "seems",
        "seem",
        "arguably",
        "likely",
        "unlikely",
        "probably",
        "nominally",
        "reportedly",
        "allegedly",
        "ostensibly",
        # whose view it is, or how often: "the RBIO is *often seen as* synonymous with…"
        # is a view outside the West, not what the RBIO is (a visitor got "The RBIO is
        # synonymous with…", cited)
        "often",
        "sometimes",
        "seen",
        "viewed",
        "regarded",
        "perceived",
        "tend",
        "tends",
        # "the National Security Strategy appears to already have *conceived of* the RBIO
        # as a non-universal bloc" is its view: the default model answered "what's the
        # rbio" with "The RBIO is a non-universal bloc of states that …", cited
        "conceived",
        "conceives",
    ]
)
# How much of a kind a statement speaks of: "*Though some of* the proposals may not become
# politically feasible …" is not "The proposals may not become politically feasible …" (a
# visitor's default-model answer); "rules conceived *largely* among like-minded states".
_QUANTIFIERS = frozenset(
    ["some", "many", "most", "several", "certain", "largely", "partly", "mostly", "mainly"]
)
_LEAD_IN = 3  # tokens before a copied span that still belong to it ("Presumably, the …")


def drops_a_hedge(claim: str, unit: str) -> bool:
    """True when ``claim`` copies ``unit`` but leaves out a hedge the copied words stand in
    (see the module's text): "presumably", "appears to", "may"…"""
    if (copy := _copy_of(claim, unit)) is None:
        return False
    runs = [b for b in copy.blocks if b.size > 1] or list(copy.blocks)  # not a lone "a"
    start = max(0, runs[0].a - _LEAD_IN)
    end = runs[-1].a + runs[-1].size
    kept = copy.kept
    copied = {t.lower() for t in copy.source[start:end]}
    return any(
        word not in kept and not (word in _MODALS and kept & _MODALS) for word in copied & _HEDGES
    )


def drops_a_quantifier(claim: str, unit: str) -> bool:
    """True when ``claim`` copies ``unit`` but leaves out, where it copies, a word saying
    how much of a kind the unit speaks of ("some of the proposals", "largely"): word by
    word, as "some" may stay elsewhere ("… for some years")."""
    if (copy := _copy_of(claim, unit)) is None:
        return False
    runs = [b for b in copy.blocks if b.size > 1] or list(copy.blocks)
    first = runs[0].a
    # right before the copy: "some" of "some the …", or "some of" of "some of the …"
    lead = 2 if first >= 2 and copy.source[first - 1].lower() == "of" else 1
    start, end = max(0, first - lead), runs[-1].a + runs[-1].size
    for op, i1, i2, j1, j2 in copy.opcodes:
        if op not in ("delete", "replace"):
            continue
        dropped = {t.lower() for t in copy.source[max(i1, start) : min(i2, end)]}
        if (dropped - {t.lower() for t in copy.said[j1:j2]}) & _QUANTIFIERS:
            return True
    return False


# Words that make a clause a concession or a condition: "*Although* the Cold War featured
# … two separate international orders, there was still …" does not say the Cold War's
# orders are the point.
# (A clause after "because" or "since" is said to be so; one after a main clause, "…,
# while consent-based international law consists of …", is said too.)
_SUBORDINATORS = frozenset(["although", "though", "while", "whereas", "if", "unless", "whether"])


def drops_a_concession(claim: str, unit: str) -> bool:
    """True when ``claim`` copies ``unit`` from right after the word opening it that makes
    the copied clause a concession or a condition, and leaves that word out: the default
    model led "what is the superstructure …" with "The Cold War featured what were, in
    effect, two separate international orders.", the clause that "Although …" concedes
    (a visitor's)."""
    if (copy := _copy_of(claim, unit)) is None:
        return False
    runs = [b for b in copy.blocks if b.size > 1] or list(copy.blocks)
    opening = copy.source[0].lower()
    return runs[0].a == 1 and opening in _SUBORDINATORS and opening not in copy.kept


def mislabels(claim: str, unit: str) -> bool:
    """True when ``claim`` names a numbered item ("Variable 4") with words ``unit`` gives
    another item: "Variable 4 is Artificial Intelligence and Cyber." is not backed by
    "… Variable 4, Economic Coercion and International Security. … Variable 6, Artificial
    Intelligence and Cyber." (the default model's, for a visitor's "What's variable 4? ||
    and variable 6?")."""
    named = numbered_items(claim)
    if len(named) != 1:
        return False
    label, number = named[0].split()
    item = re.search(rf"\b{label}\s+{number}\b[,:]?([^;.]*)", unit, re.I)
    if item is None:
        return False
    said = _words_only(content_terms(claim) - content_terms(f"{label} {number}"))
    elsewhere = content_terms(unit) - content_terms(item.group(1))
    return bool(said & elsewhere)


def names_itself(claim: str) -> bool:
    """True when ``claim`` says that someone or something named is what its own name
    names: "Antony Blinken was Secretary of State Antony Blinken." (the default model's,
    for a visitor's "Who is Antony Blinken?") says nothing."""
    found = _IS_A.match(without_markers(claim))
    if found is None:
        return False
    subject = _name_words(_tokens(found.group(1)))
    return bool(subject) and subject <= _name_words(_tokens(found.group(2)))


_PRONOUN_FIRST = frozenset(["they", "it", "these", "this", "those", "he", "she"])


def misreads_a_pronoun(claim: str, unit: str, before: str) -> bool:
    """True when ``claim`` copies ``unit`` but puts in place of the pronoun it opens with
    words that the sentence before it (``before``), which the pronoun points at, does not
    hold: "Great powers should constrain the scope of great power competition …" from
    "They would constrain the scope …", where "they" are the Better Order Project's
    reforms (the default model's, for a visitor's "How should great powers behave …?")."""
    if (copy := _copy_of(claim, unit)) is None or not copy.source:
        return False
    if copy.source[0].lower() not in _PRONOUN_FIRST:
        return False
    for op, i1, _, j1, j2 in copy.opcodes:
        if op == "replace" and i1 == 0:
            put = _words_only(content_terms(" ".join(copy.said[j1:j2])))
            return bool(put - content_terms(before))
    return False


_CLAUSE = re.compile(r"[,;:—–()]|\s-\s")


def unhedges(claim: str, unit: str) -> bool:
    """True when ``claim`` states without a hedge what ``unit`` says in a hedged clause,
    in other words: "China and Russia are heterogeneous coalition." from "A rival,
    heterogeneous coalition *might* be led by China and Russia" (a visitor saw it, cited;
    ``drops_a_hedge`` needs the words copied in order). The claim's words it shares with
    the unit (two at least) must all lie in one clause with the hedge."""
    if {t.lower() for t in _tokens(claim)} & _HEDGES:
        return False
    shared = content_terms(claim) & content_terms(unit)
    if len(shared) < 2:
        return False
    for clause in _CLAUSE.split(unit):
        hedged = {t.lower() for t in _tokens(clause)} & _HEDGES
        if hedged and shared <= content_terms(clause):
            return True
    return False


_ABOUT = 0.5  # share of the question's words a unit must hold to back a bare figure

_IS_A = re.compile(r"^\W*(?:the\s+)?(.+?)\s+(?:is|are|was|were)\s+(.+)$", re.I)


def joins_far_clauses(claim: str, unit: str, question: str) -> bool:
    """True when ``claim`` says that what the question asks about is something ("X is
    Y") that ``unit`` says in a clause neither holding X nor next to one that does:
    "Climate change is a global issue that is likely to fall victim to weaponized
    interdependence." joins "These include climate change, …" to "… aspects of the
    global commons likely to fall victim to …", three clauses on (a visitor's)."""
    found = _IS_A.match(without_markers(claim))
    if found is None:
        return False
    subject = _words_only(content_terms(found.group(1)))
    if not subject or not subject <= content_terms(question):
        return False
    said = _words_only(content_terms(found.group(2))) - subject
    clauses = [content_terms(c) for c in _CLAUSE.split(unit)]
    holding = [k for k, c in enumerate(clauses) if subject <= c]
    if not holding or not said:
        return False
    near = {j for k in holding for j in (k - 1, k, k + 1) if 0 <= j < len(clauses)}
    return not any(2 * len(said & clauses[j]) >= len(said) for j in near)


_LAST_WORDS = 4  # words at a claim's end that, found in its unit, show where it stopped
_ENDS = re.compile(r"^\s*(?:[.,;:!?)\]”’\"'—–-]|$)")


def stops_mid_sentence(claim: str, unit: str) -> bool:
    """True when ``claim`` ends with words of ``unit`` that the unit goes on from inside
    a phrase: "The diverse coalition … recognizing that the proposed." copied the unit
    and was cut where it goes on ("… the proposed reforms to international law …"), a
    visitor's. "… including the United States." ends a phrase of "… including the United
    States and other major powers"."""
    tail = words(claim)[-_LAST_WORDS:]
    if len(tail) < _LAST_WORDS:
        return False
    found = re.search(r"\W+".join(map(re.escape, tail)) + r"\b", unit, re.I)
    if found is None or _ENDS.match(unit[found.end() :]):
        return False
    # Cut inside a phrase: after a word that cannot end one ("the", "of", "that") or a
    # modifier before its noun ("the proposed | reforms"); not after a noun that a phrase
    # goes on from ("contains 20 proposals | aimed at …" is whole).
    after = words(unit[found.end() :])
    last = tail[-1]
    return bool(after) and (last in STOP or (last.endswith(("ed", "ing")) and after[0] not in STOP))


def _item_said(claim: str) -> str:
    """What ``claim`` names if it is a list's item: "Variable 7, Great Power Flashpoints
    and Regional Ordering." names "great power flashpoints and regional ordering"."""
    item = labelled_item(claim) or without_markers(claim).strip().rstrip(".")
    return item.strip().lower()


def bare_item(claim: str, evidence: Evidence) -> bool:
    """True when ``claim`` is only one item of a list the evidence holds ("Variable 7,
    Great Power Flashpoints and Regional Ordering.") and the question's own words (its
    figures and the list's label aside) are none of the item's: the default model
    answered "which variable covers sanctions" with Variable 7, and "what is economic
    coercion" with "Economic coercion and International Security." (an item naming
    what is asked explains nothing of it)."""
    said = _item_said(claim)
    for unit in evidence.units:
        if unit.kind != "list":
            continue
        # the labelled items ("Use of Force") and the groups' headings of the list
        items = {i.lower() for e in enumerations(unit.text) for i in e.items}
        if said not in items:
            continue
        thing = thing_asked(evidence.question)
        if thing is not None and not asks_what_it_is(evidence.question):
            # "what is economic coercion": the item is its name; "what's variable 4": its
            # name is what is asked
            return not numbered_items(thing)
        wanted = _words_only(content_terms(evidence.question)) - labels(unit.text) - COVERING
        return bool(wanted) and not wanted & content_terms(claim)
    return False


def about_the_question(unit: str, asked: set[str]) -> bool:
    """``unit`` holds half of the question's content words (figures aside)."""
    wanted = _words_only(asked)
    return not wanted or len(wanted & content_terms(unit)) / len(wanted) >= _ABOUT


def counts_what_is_asked(claim: str, question: str) -> bool:
    """False when the question asks "how many N" and the claim gives no figure (a visitor's
    "How many proposals are in its category?" got "Artificial Intelligence and Cyber."),
    or counts things but none of its figures counts N."""
    slot = slot_of(question)
    if slot.kind != "number":
        return True
    given = counted(claim, span=2)
    if not given:
        return False
    figures = [after for _, after in given if after]
    return not slot.noun or not figures or any(slot.noun in things for things in figures)


# A place: "in/at/to/before [the] Munich …", or a word for a place or a gathering.
_AT_A_NAME = re.compile(r"\b(?:[Ii]n|[Aa]t|[Tt]o|[Bb]efore|[Ff]rom)\s+(?:the\s+)?[A-Z]")
_PLACE_WORD = re.compile(
    r"\b(conferences?|summits?|forums?|assembly|city|capital|countr(?:y|ies)|universit(?:y|ies)|"
    r"headquarters|parliament|congress|meetings?|sessions?|hearings?|region|continent)\b",
    re.I,
)


def places_what_is_asked(claim: str, question: str) -> bool:
    """False when the question asks "where" and the claim names no place: a visitor's
    "Where was Guterres speaking?" was answered "U.N. Secretary-General António
    Guterres.", a name that passed as an answer."""
    if slot_of(question).kind != "place":
        return True
    return bool(_AT_A_NAME.search(claim) or _PLACE_WORD.search(claim))


_NAME_RUN = re.compile(r"(?:[A-Z][\w.’'-]*\s*)+")
# Words for people that say no more than "who" does: "The Better Order Project
# participants." names no one for "who takes part in the better order project".
_ANYONE = content_terms("participant participants people person persons member members")


def describes_who_is_asked(claim: str, question: str) -> bool:
    """False when the question asks who someone is and the claim only gives the name (a
    visitor's "who is blinken" got "Antony Blinken.", cited, which says nothing of him),
    or asks who did something and the claim names only whom the question names, by a
    name ending in one of its words, and people in general: the default model answered
    "who did blinken meet with in 2021" with "Antony Blinken." and "who takes part in the
    better order project" with "The Better Order Project participants."."""
    person = person_asked(question)
    asked = content_terms(question)
    if person is not None:
        named = content_terms(person)
        runs = [content_terms(r) for r in _NAME_RUN.findall(claim)]
        name = set().union(*(r for r in runs if r & named)) | named
        return bool(content_terms(claim) - name - asked)
    if slot_of(question).kind != "person":
        return True
    # A name whose last word the question has ("Antony Blinken", "the Better Order
    # Project") is the one it asked about; "Secretary of State Antony Blinken" for "who
    # is the secretary of state" is not.
    back = (
        content_terms(r) for r in _NAME_RUN.findall(claim) if content_terms(r.split()[-1]) <= asked
    )
    return bool(content_terms(claim) - set().union(*back) - asked - _ANYONE)


def explains_what_is_asked(claim: str, question: str) -> bool:
    """False when the question asks what a term is and the claim adds one word to it: a
    visitor's "what is P5" got "P5 countries.", cited, which explains nothing."""
    if thing_asked(question) is None or asks_what_it_is(question):
        return True
    return len(content_terms(claim) - content_terms(question)) >= 2


_HOW_OR_WHY = re.compile(r"^\s*(?:how|why)\s+(?!many\b|much\b|long\b|often\b)", re.I)
# Words that say how or why: a claim holding one explains, whatever else it repeats.
_MEANS = re.compile(rf"{GIVES_REASON.pattern}|\b(?:by|through|via|if|when|unless|while)\b", re.I)


def restates_how_or_why(claim: str, question: str) -> bool:
    """True when the question asks how or why and the claim repeats all it asks about,
    in its order, saying neither how nor why: "The reforms will benefit all countries,
    including the United States and other major powers." for a visitor's "How will the
    reforms benefit all countries?" (the default model's, cited)."""
    if not _HOW_OR_WHY.match(question) or _MEANS.search(claim):
        return False
    asked = [t for w in words(question) for t in content_terms(w)]
    if len(set(asked)) < 2:
        return False
    said = [t for w in words(claim) for t in content_terms(w)]
    it = iter(said)
    return all(t in it for t in asked)


# A name alone, in two parts joined by a possessive: "The Quincy Institute's Better Order
# Project."
_NAME_PART = r"[A-Z][\w.’'-]*(?:\s+(?:of|and|for|the|[A-Z][\w.’'-]*))*"
_POSSESSIVE_NAME = re.compile(rf"^\W*(?:the\s+)?({_NAME_PART})[’']s\s+({_NAME_PART})\W*$")
_NAME_ALONE = re.compile(rf"^\W*{_NAME_PART}\W*$")
_KIND_OF = re.compile(r"\bwhat\s+(?:kinds?|sorts?|types?)\s+of\b", re.I)


def names_what_is_asked_about(claim: str, question: str) -> bool:
    """True when the claim is a name alone, "A's B", one part of which is what the
    question asks about, by its name or, for a "who" question, the word that heads it:
    "The Quincy Institute's Better Order Project." for "who funds the quincy institute",
    "who directs the Better Order Project" or "who funded the project" names the subject
    back (and answers "what is the project called?"), not who funds or
    directs it (the default model's answer to all three, seen by visitors; the passage
    names the project, so it passed as supported). A name alone does not say what kind
    of thing something is either: "The Better Order Project." for "what kind of order do
    the authors want" (a visitor's) took the question's "order" from the name."""
    if _KIND_OF.search(question) and _NAME_ALONE.match(claim):
        return True
    found = _POSSESSIVE_NAME.match(claim)
    if found is None:
        return False
    asked = content_terms(question)
    who = slot_of(question).kind == "person"  # "what is the project called?" asks its name
    return any(
        (part := content_terms(p))
        and (part <= asked or (who and content_terms(p.split()[-1]) <= asked))
        for p in found.groups()
    )


_QUOTATION = re.compile(r"“([^”]{20,})”")
_SENTENCE_END = re.compile(r"[.!?]\s+")


def drops_the_speaker(claim: str, unit: str) -> bool:
    """True when ``claim`` repeats words that ``unit`` quotes (five in a row) but names no
    word of the first name before the quotation, the one it is attributed to ("*Washington*
    perceives China and Russia as seeking to “remake the international order…”"): the
    reader would take the words for someone else's. The sentence's first word, capitalised
    by position, is not taken for a name."""
    said = f" {' '.join(words(claim))} "  # padded: whole words match, not word ends
    kept = {t.lower() for t in _tokens(claim)}
    for quotation in _QUOTATION.finditer(unit):
        quoted = words(quotation.group(1))
        runs = (" ".join(quoted[i : i + 5]) for i in range(max(1, len(quoted) - 4)))
        if not any(f" {run} " in said for run in runs):
            continue
        before = _tokens(_SENTENCE_END.split(unit[: quotation.start()])[-1])[1:]
        speaker: list[str] = []
        for token in before:
            if token[:1].isupper() and token.lower() not in STOP:
                speaker.append(token.lower())
            elif speaker:
                break
        if speaker and not kept & set(speaker):
            return True
    return False


def cited(claim: str, backed: Sequence[int], evidence: Evidence, cites: CitationList) -> str:
    """``claim`` with the markers of the units ``backed`` (numbered in ``cites`` now)."""
    numbers = [cites.cite(evidence.units[i].chunk, evidence.units[i].text) for i in backed]
    return f"{claim} {markers(numbers)}"


def supported(
    claim: str,
    chosen: Sequence[int],
    evidence: Evidence,
    *,
    threshold: float,
    novelty: float = 0.25,
) -> tuple[str, list[int]] | None:
    """The claim as it would be shown and the indexes of the units that support it, or
    None (see the module's text); nothing is numbered yet."""
    claim = without_yes_or_no(without_markers(claim))
    if len(content_terms(claim)) < 2 or not evidence.units:
        return None
    said, asked = content_terms(claim), content_terms(evidence.question)
    if _WH_QUESTION.match(evidence.asked) and not said - asked:
        return None  # it only turns the question into a statement
    if _words_only(asked) and not _words_only(said & asked):
        return None  # a fragment that names nothing of what was asked about
    if not counts_what_is_asked(claim, evidence.asked):
        return None
    if not places_what_is_asked(claim, evidence.asked):
        return None
    if not describes_who_is_asked(claim, evidence.question):
        return None
    if not explains_what_is_asked(claim, evidence.question):
        return None
    if restates_how_or_why(claim, evidence.asked):
        return None
    if names_what_is_asked_about(claim, evidence.question):
        return None
    if bare_item(claim, evidence) or names_itself(claim):
        return None
    support = evidence.claim_support(claim)
    bare = not _words_only(said - asked)  # "Five proposals.": the question's words, a figure

    answering = set(evidence.answering())

    def backs(i: int) -> bool:
        unit = evidence.units[i].text
        before = " ".join(u.text for u in previous_sentence(evidence.units[i]))
        return (
            support[i] >= threshold
            and i in answering
            and (not bare or about_the_question(unit, asked))
            and entailed(claim, unit, evidence.question, novelty)
            and not swaps_a_name(claim, unit)
            and not drops_the_speaker(claim, unit)
            and not drops_a_qualifier(claim, unit)
            and not drops_a_hedge(claim, unit)
            and not drops_a_quantifier(claim, unit)
            and not unhedges(claim, unit)
            and not stops_mid_sentence(claim, unit)
            and not joins_far_clauses(claim, unit, evidence.question)
            and not drops_a_concession(claim, unit)
            and not mislabels(claim, unit)
            and not misreads_a_pronoun(claim, unit, before)
        )

    backed = [i for i in dict.fromkeys(chosen) if 0 <= i < len(support) and backs(i)]
    if not backed:
        best = max(range(len(support)), key=lambda i: support[i])
        backed = [best] if backs(best) else []
    return (claim, backed) if backed else None
