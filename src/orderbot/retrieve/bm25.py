"""Lexical retrieval: bm25s (Snowball stemming, English stop words) over the same text the
embedder sees, scored as llama-index's ``BM25Retriever`` scores it (the same tokenizer
calls) but without it: importing llama-index took a third of a server's start, and
wrapping every hit in a node a share of each search."""

from __future__ import annotations

import functools
import itertools
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

import bm25s
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from orderbot.models import Chunk
from orderbot.per_thread import per_thread
from orderbot.stopwords import ABOUT_THE_TEXT, STOP

_TOKENS = r"(?u)\b\w\w+\b"
_QUERY_STOPWORDS = [*STOPWORDS_EN, *ABOUT_THE_TEXT]  # left out of queries
_BATCH = 200  # chunks tokenized between two pauses


@per_thread  # PyStemmer's stemmers are not thread-safe
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


class BM25Index:
    def __init__(self, chunks: Sequence[Chunk], pause: Callable[[], None] | None = None) -> None:
        """The index of ``chunks``, tokenized in batches with ``pause()`` before each (a
        server loading a new version steps aside for the requests it answers meanwhile)."""
        self._ids = [c.id for c in chunks]
        self._bm25: bm25s.BM25 | None = None
        self._terms: dict[str, frozenset[str]] = {}  # each chunk's stemmed words
        if chunks:
            logging.getLogger("bm25s").setLevel(logging.WARNING)
            tokens: list[list[str]] = []
            for start in range(0, len(chunks), _BATCH):
                if pause is not None:
                    pause()
                tokens += _tokenized([c.embed_text for c in chunks[start : start + _BATCH]])
            if pause is not None:
                pause()
            self._terms = {
                i: frozenset(map(sys.intern, t)) for i, t in zip(self._ids, tokens, strict=True)
            }
            self._bm25 = bm25s.BM25()
            self._bm25.index(tokens, show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best ``k`` chunks that share a term with the
        query, best first. Thread-safe: the index is only read, the stemmer per thread."""
        if self._bm25 is None or k <= 0:
            return []
        tokens = _tokenized_query(query, ids=True)
        indexes, scores = self._bm25.retrieve(tokens, k=min(k, len(self._ids)), show_progress=False)
        return [
            (self._ids[int(i)], float(s))
            for i, s in zip(indexes[0], scores[0], strict=True)
            if s > 0
        ]

    def holds_every_word(self, query: str, ids: Sequence[str]) -> bool:
        """Whether one of the chunks ``ids`` holds every word of ``query`` that carries
        meaning (``STOP`` left out), there being one."""
        words = set(self._query_terms(query)) - _stop_stems()
        return bool(words) and any(words <= self._terms.get(i, frozenset()) for i in ids)

    def holds_a_phrase(self, query: str, texts: Sequence[str]) -> bool:
        """Whether one of ``texts`` holds two words of ``query`` that carry meaning, one
        right after the other as the query has them (stop words between left out): "the
        way forward" of "Which two paths does the report reject as the way forward?"."""
        stop = _stop_stems()
        words = [w for w in self._query_terms(query) if w not in stop]
        pairs = set(itertools.pairwise(words))
        if not pairs:
            return False
        return any(pairs & set(itertools.pairwise(tokens)) for tokens in _tokenized(texts))

    @staticmethod
    def _query_terms(query: str) -> list[str]:
        tokens = _tokenized_query(query, ids=False)
        return list(tokens[0]) if tokens else []


def _tokenized(texts: Sequence[str]) -> list[list[str]]:
    """``texts`` as the index reads a chunk: stemmed words, English stop words left out."""
    if not texts:
        return []
    tokens: list[list[str]] = bm25s.tokenize(
        list(texts),
        stopwords="en",
        stemmer=_stemmer(),
        token_pattern=_TOKENS,
        show_progress=False,
        return_ids=False,
    )
    return tokens


@functools.cache
def _stop_stems() -> frozenset[str]:
    """``STOP`` as BM25 stems it: besides its own English stop words, the question words,
    auxiliaries ("were") and words for the text; and the words that ask (``_ASKING``).
    Only the whole-question check leaves them out; searches keep the question words and
    auxiliaries, as the fusion weights were tuned (left out, tune's hit@5 fell 0.948 ->
    0.939)."""
    return frozenset(Stemmer.Stemmer("english").stemWords(sorted(STOP | _ASKING)))


# Words that ask ("list all the variables", "name the categories", "what does the word
# 'fester' refer to"), no more the question's subject than "what" is.
_ASKING = frozenset(
    "list name tell show give explain describe summarize summarise enumerate please all "  # noqa: SIM905
    "refer refers mean means word term phrase".split()
)


def _tokenized_query(query: str, *, ids: bool) -> Any:
    """``query`` as BM25 reads it: token ids for ``retrieve``, or the stemmed words."""
    return bm25s.tokenize(
        query,
        stopwords=_QUERY_STOPWORDS,
        stemmer=_stemmer(),
        token_pattern=_TOKENS,
        show_progress=False,
        return_ids=ids,
    )
