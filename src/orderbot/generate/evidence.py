"""Evidence: the one home of the tools that read passages sentence by sentence.

The passages a question retrieved are cut once into *units* (a sentence; a list passage
as a whole; a footnote's bibliographic line), each embedded once and scored once against
the question. Coverage, the quoting backend, the model backend and the citation check all
read the same ``Evidence``: nothing re-splits or re-embeds a passage for every claim.

Term tools (stemmed content words, numbers, names) live here too; the evaluation code does
not use them, so a bug here cannot grade itself.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import Stemmer

from orderbot.acronyms import without_abbreviations
from orderbot.generate.guard import is_instruction
from orderbot.index.embedder import Embedder, Vectors
from orderbot.ingest.sentences import split_sentences, unit_spans
from orderbot.models import Chunk, ScoredChunk
from orderbot.per_thread import per_thread
from orderbot.question import LABEL_NOUNS
from orderbot.stopwords import STOP, without_the_text

UnitKind = Literal["sentence", "list", "bibliography"]
# The chunk after a given one in its document, if any (the index knows them all).
NextChunk = Callable[[Chunk], Chunk | None]
# A year as the documents and questions write one ("2022"): the year correction, the
# index of the chunks giving each year, a work named with its year.
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# The documents' sentences that hold a year ("2022": the 2022 National Security
# Strategy's), for what else they say of it.
Saying = Callable[[str], list[str]]

_WORD = re.compile(r"\w+")
_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
NUMBER_VALUES = {w: str(n) for n, w in enumerate(_NUMBER_WORDS)} | {
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "hundred": "100",
}
# The word that opens each sentence of a list written out in prose ("First, … Second, …").
OPENS_AN_ITEM = re.compile(
    r"^(first|second|third|fourth|fifth|sixth|seventh|finally|lastly)\b", re.IGNORECASE
)
# The other way of writing one out: "One such grouping …", "A rival … coalition …", "A
# potential third grouping …"; "Under …, we present twelve proposals", "The … category …".
OPENS_ANOTHER_ITEM = re.compile(
    r"^(another|one such|a rival|a potential|a second|a third|the other|under|"
    r"the [a-z]+ category)\b",
    re.IGNORECASE,
)
# A sentence that goes on about the one before it.
GOES_ON = re.compile(
    r"^(these|this|they|it|its|such|that|those|thus|hence|as a result|in other words|"
    r"consequently|accordingly|in turn)\b",
    re.IGNORECASE,
)


def goes_on(text: str) -> bool:
    """``text`` goes on about the sentence before it ("These …", "One such grouping …"),
    which a reader needs first."""
    return bool(GOES_ON.match(text) or OPENS_ANOTHER_ITEM.match(text))


# "Where" only as a question's first word ("Where?", "Where was it published?"): not "a
# world where might makes right".
_SOURCE_WORDS = re.compile(
    r"\b(journal|article|title[sd]?|publish\w*|cite[sd]?|citation|source|footnote|notes?|"
    r"pages?|speech|remarks|event|conference|meeting|when|date|year|month|day|volume|issue|wrote|"
    r"what\s+(?:did|does|has|have)\s+(?:[\w’'-]+\s+){1,2}write|"  # not "… to write the rules"
    r"written|author|mention(?:s|ed)?|referenced)\b|(?:^|[.?!]\s+)where\b",
    re.IGNORECASE,
)


# A clause that sets the scene before what is asked: "When a larger number of states
# enjoy that freedom, who ends up at risk?", "When the group sat down to brainstorm, did
# they start from what's politically possible?" ask no "when".
SUBORDINATE = re.compile(
    r"^\s*(?:when|if|once|while|as)\b[^,?]{3,120},\s*(?=(?:who|whom|whose|what|which|where|"
    r"how|why|did|do|does|is|are|was|were|can|could|would|will|should|has|have)\b)",
    re.I,
)


# What follows a term where a text says what it is: its letters in brackets, an
# apposition ("a more equitable order — one that …", "the RBIO, a …"), a verb that
# defines ("… consists of …", "… means …"), or its form ("a … superstructure accepted by
# both camps in the form of the United Nations").
_DEFINING = re.compile(
    r"[”’\"']?\s*(?:\(|[—–:]|--|,\s+(?:an?|the|which|one|i\.e\.|that\s+is)\b|"
    r"\s+(?:is|are|was|were|means?|refers?\s+to|consists?\s+of|denotes?)\b|"
    r"[^.;—–]{0,40}?(?:[—–]\s*one\b|\bin\s+the\s+form\s+of\b))",
    re.IGNORECASE,
)
_OPENING = re.compile(r"^\W*(?:(?:an?|the|one\s+such|such\s+an?)\s+)?[“‘\"']?", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def term_pattern(term: str) -> re.Pattern[str] | None:
    """A pattern finding ``term`` in a text whatever its punctuation and case, its last
    word with any ending ("multi-order world", "zero-sum rivalries"); None for no word.
    Remembered: every unit of every answer is read with it."""
    parts = re.findall(r"[^\W_]+", term)
    if not parts:
        return None
    # the last word as typed or by its stem, for its other endings: "rivalry" of "zero-sum
    # rivalries"
    last = parts.pop()
    ends = "|".join(map(re.escape, dict.fromkeys([last, _stemmer().stemWord(last.lower())])))
    words = [*map(re.escape, parts), f"(?:{ends})"]
    return re.compile(r"\b" + r"[\W_]{1,3}".join(words) + r"\w*", re.IGNORECASE)


def uses_term(text: str, term: str) -> bool:
    """``text`` holds ``term``, whatever its punctuation ("multi-order world")."""
    pattern = term_pattern(term)
    return bool(pattern and pattern.search(text))


def defines(text: str, term: str) -> bool:
    """``text`` says what ``term`` is: it opens with it as what the sentence is about ("A
    rival, heterogeneous coalition might be led by …"), spells it out ("… order” (RBIO)"),
    or follows it with an apposition or a defining verb (``_DEFINING``). Using it ("…
    foster positive-sum thinking.") is not saying what it is."""
    pattern = term_pattern(term)
    if pattern is None:
        return False
    if f"({term})" in text:
        return True
    opening = _OPENING.match(text)
    if opening and pattern.match(text, opening.end()):
        return True
    return any(_DEFINING.match(text, found.end()) for found in pattern.finditer(text))


def holds_words(text: str, words: str) -> int:
    """2 when ``text`` holds ``words`` (whatever their case and spacing) in quote marks
    ("… countries can “subscribe to,” …"), 1 when it holds them bare, else 0."""
    text, words = " ".join(text.lower().split()), re.escape(" ".join(words.lower().split()))
    if re.search(rf"[“\"‘']{words}[,.]?[”\"’']", text):
        return 2
    return 1 if re.search(rf"\b{words}\b", text) else 0


def without_source_words(text: str) -> str:
    """``text`` without its words for sources ("named in the source cited for …"): the
    frame of a question, not what it is about."""
    return _SOURCE_WORDS.sub(" ", text)


def asks_about_sources(question: str) -> bool:
    """The question asks about a cited work (its title, journal, date, where it was
    said…) or whether someone is mentioned ("is john dugard mentioned": only in a
    footnote's citation): only then may a bibliographic line answer it."""
    return bool(_SOURCE_WORDS.search(SUBORDINATE.sub("", question)))


_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b|\b[a-z]+\b", re.IGNORECASE)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,})\b")
# A bibliographic line: a quoted title, alone or after a short author or publisher and a
# comma ("John Dugard, “The choice…”"); or a publisher, a year and pages. Prose that
# quotes someone ("Blinken told officials: “…”") is not one.
_BIBLIOGRAPHY = re.compile(
    r"^(?:[^“\"]{0,90},\s*)?[“\"][^”\"]{3,}[”\"]|^[^.]{0,60}\(\d{4}\)(?::\s*[\d\-–]+)?\.?$"
)


@per_thread  # PyStemmer's stemmers are not thread-safe
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_terms(text: str) -> set[str]:
    """Stemmed words of ``text`` that carry meaning (no stop or question words)."""
    return set(_stemmer().stemWords([w for w in words(text) if w not in STOP]))


def whole_terms(text: str) -> set[str]:
    """``content_terms`` without single letters: the "u" and "s" of "U.S." and the "s" of
    a possessive, which name nothing and which any other "U.S." or possessive holds."""
    return {t for t in content_terms(text) if len(t) > 1}


def holds_half(wanted: set[str] | frozenset[str], held: set[str] | frozenset[str]) -> bool:
    """Whether ``held`` holds half or more of the terms ``wanted`` (all of none)."""
    return 2 * len(wanted & held) >= len(wanted)


def term_overlap(question: str, sentence: str) -> float:
    """Share of the question's content terms found in the sentence (0..1)."""
    wanted = content_terms(question)
    return len(wanted & content_terms(sentence)) / len(wanted) if wanted else 0.0


# Words that name no subject of their own ("parts of the world", "the kind of order").
GENERIC = frozenset(
    content_terms(
        "issue issues matter matters thing things stuff question questions topic topics subject "
        "subjects aspect aspects area areas kind kinds type types sort sorts part parts"
    )
)


# Words that give a reason: a sentence holding one says why ("… because …", "… so that …").
GIVES_REASON = re.compile(
    r"\b(because|since|due to|owing to|as a result|thereby|so that|in order to|given)\b",
    re.IGNORECASE,
)
# Words of a question that ask what something covers, not name what is asked about ("which
# flashpoints do the regional proposals *address*").
COVERING = content_terms("cover covers covered deal deals address addresses include mean")


def _pairs(text: str) -> set[tuple[str, str]]:
    stems = _stemmer().stemWords([w for w in words(text) if w not in STOP])
    return {p for p in itertools.pairwise(stems) if p[0] not in GENERIC}


def sentences_saying(texts: Iterable[str], word: str) -> list[str]:
    """The sentences of ``texts`` that hold ``word`` (as a whole word), split as the
    index splits them."""
    whole = re.compile(rf"\b{re.escape(word)}\b")
    return [s for t in texts if whole.search(t) for s in split_sentences(t) if whole.search(s)]


def phrase_match(question: str, texts: Sequence[str], rare: int = 3) -> list[float]:
    """1 for a text that holds two of the question's content words in a row, as the
    question has them ("the way forward", "a more equitable order"; not "parts of the
    world": ``GENERIC``), when at most ``rare`` of ``texts`` do; else 0."""
    wanted = _pairs(question)
    held = [_pairs(t) & wanted for t in texts]
    df = {p: sum(p in h for h in held) for p in wanted}
    return [float(any(df[p] <= rare for p in h)) for h in held]


def numbers(text: str) -> set[str]:
    """The numbers a text states, in digits ("twelve" and "12" are the same)."""
    found = set()
    for token in _NUMBER.findall(text.lower()):
        if token[0].isdigit():
            found.add(token.replace(",", ""))
        elif token in NUMBER_VALUES:
            found.add(NUMBER_VALUES[token])
    return found


def counted(text: str, span: int = 4) -> list[tuple[str, list[str]]]:
    """Each number in ``text`` with the stems of the content words just after it. A number
    that names something ("Variable 3", "Article 51") counts nothing and is left out."""
    return [(f.number, list(f.after)) for f in figures(text, span)]


# Words that qualify a figure: "from *over* 40 countries", "*more than* 130 scholars".
FIGURE_QUALIFIERS = (
    "over",
    "more than",
    "nearly",
    "almost",
    "about",
    "around",
    "roughly",
    "approximately",
    "some",
    "at least",
    "at most",
    "fewer than",
    "less than",
    "up to",
    "under",
    "upwards of",
    "close to",
    "just over",
    "just under",
)
# A qualifier right before a figure, or "or more" after it: no exact figure.
_QUALIFIER_BEFORE = re.compile(rf"\b(?:{'|'.join(FIGURE_QUALIFIERS)})\s*$", re.IGNORECASE)
_OR_MORE = re.compile(r"\s+or\s+(?:more|so|fewer|less)\b|\+|\s+plus\b", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """A number a text states, with what it counts."""

    number: str  # in digits ("twenty" and "20" alike)
    written: str  # as the text writes it: "twenty"
    after: tuple[str, ...]  # stems of the content words just after it
    start: int  # where it is written in the text
    end: int  # where the words after it end
    before: str  # the word before it, lower case ("the" of "the 20 proposals")
    qualified: bool  # "more than 130", "two or more", "about 50": no exact figure


_SENTENCE_END = re.compile(r"[?!;]|\.(?:\s|$)")


def figures(text: str, span: int = 4) -> list[Figure]:
    """The numbers ``text`` states (see ``counted``), where they are and how they are
    qualified."""
    tokens = list(_NUMBER.finditer(text))
    out = []
    for i, token in enumerate(tokens):
        word = token.group()
        lower = word.lower()
        number = lower.replace(",", "") if lower[0].isdigit() else NUMBER_VALUES.get(lower)
        before = tokens[i - 1].group() if i else ""
        if number is None or (lower[0].isdigit() and before and _is_label(before)):
            continue
        # the words after it in its own sentence ("variable 2? how many proposals" counts
        # no proposals)
        stop = _SENTENCE_END.search(text, token.end())
        after = [t for t in tokens[i + 1 : i + 1 + span] if not stop or t.start() < stop.start()]
        if YEAR.fullmatch(word) and after and after[0].group()[0].isupper():
            after = []  # a year in a name counts nothing: "the 2022 National Security Strategy"
        ahead = text[max(0, token.start() - 20) : token.start()]
        qualified = bool(_QUALIFIER_BEFORE.search(ahead) or _OR_MORE.match(text, token.end()))
        out.append(
            Figure(
                number=number,
                written=word,
                after=tuple(t for w in after for t in content_terms(w.group())),
                start=token.start(),
                end=after[-1].end() if after else token.end(),
                before=before.lower(),
                qualified=qualified,
            )
        )
    return out


# Words that may open a sentence right before a figure, so do not name it as a label does
# ("Over 40 countries", "Only 5"; not "Variable 3").
_BEFORE_FIGURES = frozenset(q.split()[0] for q in FIGURE_QUALIFIERS) | {"only", "exactly", "top"}


def labels(text: str) -> set[str]:
    """Stems of the words that name things by number in ``text``: {"variabl"} for
    "Variable 5, Climate, Peace, and Security; Variable 6, …"."""
    tokens = _NUMBER.findall(text)
    return {
        stem
        for i, word in enumerate(tokens)
        if word[0].isdigit() and i and _is_label(tokens[i - 1])
        for stem in content_terms(tokens[i - 1])
    }


def _is_label(word: str) -> bool:
    """A capitalised noun right before a number names it: "Variable" in "Variable 3"."""
    lower = word.lower()
    if lower in LABEL_NOUNS:  # typed in lower case: "what's variable 2"
        return True
    return word[:1].isupper() and lower not in STOP and lower not in _BEFORE_FIGURES


def gives_figures(claim: str, sentence: str) -> bool:
    """Each figure of ``claim`` is in ``sentence`` with what it counts close after it:
    "130 proposals" is not backed by "130 leading scholars … a package of proposals"."""
    given = counted(sentence)
    for number, after in counted(claim, span=2):
        if number in {"0", "1"} or not after:
            continue
        if not any(n == number and after[0] in things for n, things in given):
            return False
    return True


def names(text: str) -> set[str]:
    """Capitalised words inside a sentence (not its first word): mostly proper names."""
    return {m.lower() for m in _NAME.findall(text.strip())}


def is_bibliographic(text: str) -> bool:
    """A citation of a work (author, "Title," publisher, date, pages), not prose."""
    return bool(_BIBLIOGRAPHY.search(text.strip()))


@dataclass(frozen=True)
class Unit:
    """One quotable piece of a passage."""

    chunk: Chunk
    text: str
    rank: int = field(compare=False)  # the passage's rank, 0 = best
    position: int  # the sentence's place in its chunk
    kind: UnitKind = "sentence"
    footnotes: tuple[int, ...] = ()


def split_units(passages: Sequence[ScoredChunk]) -> list[Unit]:
    """The units of ``passages``; sentences that read as instructions are left out."""
    units: list[Unit] = []
    for rank, passage in enumerate(passages):
        units += chunk_units(passage.chunk, rank)
    return units


@functools.lru_cache(maxsize=16384)
def _unit_parts(kind: str, text: str) -> tuple[tuple[int, int, int, UnitKind], ...]:
    """(position, start, end, unit kind) of the units of a chunk's text, instructions left
    out. Remembered: the same passages come back question after question, and the
    instruction check (Unicode normalization) cost a third of an answer's CPU."""
    out: list[tuple[int, int, int, UnitKind]] = []
    for position, (start, end) in enumerate(unit_spans(kind, text)):
        piece = text[start:end]
        if is_instruction(piece):
            continue
        if kind == "list":
            out.append((position, start, end, "list"))
        elif kind == "footnote" and is_bibliographic(piece):
            out.append((position, start, end, "bibliography"))
        else:
            out.append((position, start, end, "sentence"))
    return tuple(out)


def chunk_units(chunk: Chunk, rank: int = 0) -> list[Unit]:
    out = []
    for position, start, end, kind in _unit_parts(chunk.kind, chunk.text):
        text = chunk.text[start:end]
        notes = (
            tuple(r.n for r in chunk.refs if start < r.offset <= end)
            if chunk.kind not in ("list", "footnote")
            else ()
        )
        out.append(Unit(chunk, text, rank, position, kind, notes))
    return out


def previous_sentence(unit: Unit) -> list[Unit]:
    """The sentence right before ``unit`` in its passage, if the unit before it is one."""
    before = [
        s
        for s in chunk_units(unit.chunk, unit.rank)
        if s.position == unit.position - 1 and s.kind == "sentence"
    ]
    return before[:1]


# A word that points back at what the sentence before named ("… tend to view it as …").
_POINTS_BACK = re.compile(r"\b(?:it|its|they|them|their|this|these|those)\b", re.I)


def with_what_it_points_at(unit: Unit) -> str:
    """``unit``'s text, after the sentence before it when it points back at that one with a
    pronoun: "Observers in the West, especially in Europe, tend to view it as …" speaks of
    the RBIO the sentence before names."""
    if not _POINTS_BACK.search(unit.text):
        return unit.text
    return " ".join([*(u.text for u in previous_sentence(unit)), unit.text])


class Evidence:
    """The units of a question's passages, embedded and scored once.

    ``scores[i]`` is how well unit ``i`` answers the question: embedding similarity and
    the share of the question's content words it holds, with small bonuses for units of
    better-ranked passages and for one of few units holding two of the question's words
    in a row (``phrase_bonus``).

    ``question`` is what was retrieved with (a follow-up after the question it follows);
    ``asked`` what the kind of thing asked for is read from (``Standalone.asked``: the
    follow-up alone when it asks something by itself), the question when not given."""

    def __init__(
        self,
        question: str,
        passages: Sequence[ScoredChunk],
        embedder: Embedder,
        *,
        semantic_weight: float = 0.65,
        phrase_bonus: float = 0.05,
        next_chunk: NextChunk | None = None,
        saying: Saying | None = None,
        outline: bool = False,
        asked: str | None = None,
        adds: str = "",
        cited_answers: bool = False,
    ) -> None:
        if not 0.0 <= semantic_weight <= 1.0:
            raise ValueError(f"semantic_weight must be in [0, 1], got {semantic_weight}")
        self.question = question
        self.asked = asked or question
        # A citation's line answers though no source is asked about: "who is jake
        # sullivan" (footnote 1: "… National Security Advisor Jake Sullivan …").
        self.cited_answers = cited_answers
        self.passages = list(passages)
        # The passages are a document's section openings in reading order (an overview).
        self.outline = outline
        self.embedder = embedder
        self.next_chunk = next_chunk
        self.saying = saying
        self.units = split_units(self.passages)
        vectors = embedder.embed([without_the_text(question), *(u.text for u in self.units)])
        self.question_vector: Vectors = vectors[0]
        self.vectors: Vectors = vectors[1:]
        self.similarity = [float(s) for s in self.vectors @ self.question_vector]
        typed = without_abbreviations(question)
        self.overlap = [term_overlap(typed, u.text) for u in self.units]
        # A follow-up's words of its own weigh as much as all the question's: "what about
        # the global south" after a question about China and Russia is about the South.
        semantic, lexical = self.similarity, self.overlap
        if content_terms(adds):
            own = self.vectors @ embedder.embed([adds])[0] if self.units else []
            semantic = [(a + float(b)) / 2 for a, b in zip(semantic, own, strict=True)]
            lexical = [
                (o + term_overlap(adds, u.text)) / 2
                for o, u in zip(lexical, self.units, strict=True)
            ]
        n_ranks = max(len(self.passages), 1)
        # Two of the question's words in a row, as few sentences have them ("the way
        # forward", "a more equitable order"): the sentence the question quotes, which
        # its vector may rank below others on the same subject.
        phrased = self.phrased = phrase_match(typed, [u.text for u in self.units])
        self.scores = [
            semantic_weight * sim
            + (1 - semantic_weight) * lex
            + 0.03 * (1 - u.rank / n_ranks)
            + phrase_bonus * p
            for u, sim, lex, p in zip(self.units, semantic, lexical, phrased, strict=True)
        ]

    def ranked(self) -> list[int]:
        """Unit indexes, best-scoring first."""
        return [int(i) for i in np.argsort(self.scores, kind="stable")[::-1]]

    @functools.cached_property
    def about_sources(self) -> bool:
        return self.cited_answers or asks_about_sources(self.question)

    def answering(self) -> list[int]:
        """The indexes of the units that may answer (a bibliographic line only a question
        about sources), best-scoring first: what is quoted, what a model reads and may
        lean on, and what the coverage judge reads."""
        return [
            i for i in self.ranked() if self.units[i].kind != "bibliography" or self.about_sources
        ]

    def best(self) -> float:
        return max(self.scores, default=0.0)

    def standing(self, i: int) -> float:
        """Unit ``i``'s score or, for a footnote's line, the best score of a sentence
        citing it when that is higher: the date a note gives ("February 16, 2024") is the
        date of what the citing sentence says ("In the words of … Guterres, …")."""
        unit = self.units[i]
        note = unit.chunk.note
        if note is None:
            return self.scores[i]
        citing = (
            s
            for u, s in zip(self.units, self.scores, strict=True)
            if note in u.footnotes and u.chunk.doc_id == unit.chunk.doc_id
        )
        return max([self.scores[i], *citing])

    def claim_support(self, claim: str) -> list[float]:
        """How well each unit supports ``claim`` (embedding similarity plus word
        overlap), 0 for a unit that lacks a figure or a name the claim states."""
        if not self.units:
            return []
        vector = self.embedder.embed([claim])[0]
        sims = self.vectors @ vector
        stated = numbers(claim) - {"1", "0"}  # "one of the ..." is rarely a figure
        named = names(claim)
        out = []
        for unit, sim in zip(self.units, sims, strict=True):
            if not stated <= numbers(unit.text) or not gives_figures(claim, unit.text):
                out.append(0.0)  # a figure the unit does not give, or gives for another thing
            elif named and not all(n in unit.chunk.text.lower() for n in named):
                out.append(0.0)  # a name the passage never mentions
            else:
                out.append(0.5 * float(sim) + 0.5 * term_overlap(claim, unit.text))
        return out
