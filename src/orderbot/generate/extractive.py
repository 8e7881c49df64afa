"""The extractive backend: no language model. It quotes the sentences of the retrieved
passages that best answer the question, each followed by its citation marker.

A sentence's support score mixes its embedding similarity to the question with the share
of the question's content words (stemmed) that it contains. Deterministic and fast; it
is the fallback and the test backend for the model backends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from orderbot.generate.base import OnToken
from orderbot.generate.citations import CitationList, markers
from orderbot.generate.guard import is_instruction
from orderbot.index.embedder import Embedder
from orderbot.ingest.sentences import sentence_spans
from orderbot.models import Chunk, Generation, ScoredChunk
from orderbot.per_thread import per_thread

NOT_SUPPORTED = (
    "The retrieved passages do not state an answer to this question, so I cannot answer it "
    "from the documents."
)
_WORD = re.compile(r"\w+")
# Question words and talk about the text itself say nothing about where the answer is.
_STOP = frozenset(STOPWORDS_EN) | {
    "how",
    "many",
    "much",
    "who",
    "whom",
    "whose",
    "why",
    "what",
    "which",
    "when",
    "where",
    "does",
    "did",
    "do",
    "say",
    "says",
    "said",
    "tell",
    "give",
    "me",
    "you",
    "your",
    "please",
    "list",
    "describe",
    "explain",
    "according",
    "report",
    "author",
    "authors",
    "document",
}


@dataclass(frozen=True)
class _Unit:
    chunk: Chunk
    text: str
    footnotes: tuple[int, ...]
    rank: int


@per_thread  # PyStemmer's stemmers are not thread-safe
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def content_terms(text: str) -> set[str]:
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOP]
    return set(_stemmer().stemWords(words))


def lexical_overlap(question: str, sentence: str) -> float:
    """Share of the question's content terms found in the sentence (0..1)."""
    wanted = content_terms(question)
    return len(wanted & content_terms(sentence)) / len(wanted) if wanted else 0.0


def split_units(passages: Sequence[ScoredChunk]) -> list[_Unit]:
    """The quotable sentences of ``passages`` (a footnote is one unit)."""
    units: list[_Unit] = []
    for rank, passage in enumerate(passages):
        chunk = passage.chunk
        if chunk.kind == "footnote":
            units.append(_Unit(chunk, chunk.text, (), rank))
            continue
        for start, end in sentence_spans(chunk.text):
            notes = tuple(r.n for r in chunk.refs if start < r.offset <= end)
            units.append(_Unit(chunk, chunk.text[start:end], notes, rank))
    return units


def sentence_scores(
    question: str, units: Sequence[_Unit], embedder: Embedder, semantic_weight: float = 0.65
) -> list[float]:
    """How well each sentence answers ``question``: embedding similarity and the share of
    the question's content words it holds, with a small bonus for better-ranked passages."""
    if not units:
        return []
    vectors = embedder.embed([question, *(u.text for u in units)])
    semantic = vectors[1:] @ vectors[0]
    n_ranks = max(u.rank for u in units) + 1
    return [
        semantic_weight * float(sim)
        + (1 - semantic_weight) * lexical_overlap(question, u.text)
        + 0.03 * (1 - u.rank / n_ranks)
        for u, sim in zip(units, semantic, strict=True)
    ]


def focus(
    question: str, passages: Sequence[ScoredChunk], embedder: Embedder, keep: int
) -> list[ScoredChunk]:
    """The passages cut down to the ``keep`` sentences that best answer ``question`` (in
    their own order), so a model has less to read; passages left empty are dropped."""
    units = [u for u in split_units(passages) if not is_instruction(u.text)]
    scores = sentence_scores(question, units, embedder)
    kept = set(sorted(range(len(units)), key=lambda i: scores[i], reverse=True)[:keep])
    out = []
    for rank, passage in enumerate(passages):
        texts = [u.text for i, u in enumerate(units) if i in kept and u.rank == rank]
        if texts:
            chunk = passage.chunk.model_copy(update={"text": " … ".join(texts), "refs": []})
            out.append(passage.model_copy(update={"chunk": chunk}))
    return out


class ExtractiveGenerator:
    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        *,
        max_sentences: int = 3,
        min_score: float = 0.3,
        semantic_weight: float = 0.65,
    ) -> None:
        if max_sentences < 1:
            raise ValueError(f"max_sentences must be >= 1, got {max_sentences}")
        if not 0.0 <= semantic_weight <= 1.0:
            raise ValueError(f"semantic_weight must be in [0, 1], got {semantic_weight}")
        self.embedder = embedder
        self.max_sentences = max_sentences
        self.min_score = min_score
        self.semantic_weight = semantic_weight

    def score(self, question: str, units: Sequence[_Unit]) -> list[float]:
        return sentence_scores(question, units, self.embedder, self.semantic_weight)

    def generate(
        self, question: str, passages: Sequence[ScoredChunk], on_token: OnToken | None = None
    ) -> Generation:
        units = [u for u in split_units(passages) if not is_instruction(u.text)]
        scores = self.score(question, units)
        order = [int(i) for i in np.argsort(scores)[::-1]]
        if not scores or scores[order[0]] < self.min_score:
            return Generation(answer=NOT_SUPPORTED, refused=True)
        floor = max(self.min_score, scores[order[0]] - 0.12)
        chosen: list[_Unit] = []
        for i in order:
            unit = units[i]
            if scores[i] < floor or len(chosen) == self.max_sentences:
                break
            if any(unit.text in c.text or c.text in unit.text for c in chosen):
                continue
            chosen.append(unit)

        cites = CitationList()
        parts = []
        for unit in chosen:
            numbers = [cites.cite(unit.chunk, unit.text)]
            numbers += [n for f in unit.footnotes if (n := cites.cite_footnote(unit.chunk, f))]
            parts.append(f"{unit.text} {markers(numbers)}")
        return Generation(answer=" ".join(parts), citations=cites.citations)
