"""The retriever the pipeline uses: BM25 and dense candidates fused by RRF, and a
relevance floor on the best dense similarity (off-topic questions stop here)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection

from bm25s.stopwords import STOPWORDS_EN

from orderbot.config import RetrievalSettings
from orderbot.index.embedder import Embedder
from orderbot.index.store import ChunkStore
from orderbot.models import Chunk, Retrieval, ScoredChunk
from orderbot.question import (
    acronym_asked,
    acronym_defined,
    asks_for_all_sources,
    notes_named,
    spells_out,
)
from orderbot.retrieve.bm25 import BM25Index
from orderbot.retrieve.fusion import reciprocal_rank_fusion
from orderbot.stopwords import without_the_text

_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS_EN}


def _first(named: list[str], fused: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """``fused`` with ``named`` at its head, scored as its best."""
    if not named:
        return fused
    top = max((score for _, score in fused), default=1.0)
    first = set(named)
    return [(i, top) for i in named] + [(i, s) for i, s in fused if i not in first]


class HybridRetriever:
    def __init__(
        self,
        store: ChunkStore,
        embedder: Embedder,
        settings: RetrievalSettings,
        pause: Callable[[], None] | None = None,
    ) -> None:
        """Reads every chunk and indexes them for BM25; a server loading a new version in
        the background passes ``pause`` to step aside for requests between steps."""
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.chunks: dict[str, Chunk] = {c.id: c for c in store.chunks(pause)}
        self.bm25 = BM25Index(list(self.chunks.values()), pause)
        if settings.sentence_weight > 0:
            store.sentences.load_vectors(pause)
        self._next: dict[str, Chunk] = {}
        by_doc: dict[str, list[Chunk]] = {}
        for chunk in self.chunks.values():
            if chunk.kind != "footnote":
                by_doc.setdefault(chunk.doc_id, []).append(chunk)
        # The first passage of each section, in reading order (what an overview quotes).
        self._openings: list[Chunk] = []
        for chunks in by_doc.values():
            chunks.sort(key=lambda c: (c.paragraph_start, c.paragraph_end))
            self._next.update({a.id: b for a, b in itertools.pairwise(chunks)})
            seen: set[str] = set()
            for chunk in chunks:
                if chunk.section not in seen:
                    seen.add(chunk.section)
                    self._openings.append(chunk)

    def retrieve(self, query: str, top_k: int | None = None) -> Retrieval:
        k = top_k or self.settings.top_k
        n = max(self.settings.candidates, k)
        vector = self.embedder.embed([without_the_text(query)])[0]
        ranking = self.settings.sentence_weight > 0
        pool = max(n, self.settings.sentence_pool) if ranking else n
        near = [(i, s) for i, s in self.store.query(vector, pool) if i in self.chunks]
        dense = near[:n]
        lexical = [(i, s) for i, s in self.bm25.search(query, n) if i in self.chunks]
        # The chunks whose best sentence is nearest, among the pool: a paraphrase of one
        # sentence is found even when the rest of its chunk is about other things.
        among = [i for i, _ in near] + [i for i, _ in lexical]
        sentences = (
            [(i, s) for i, s in self.store.sentences.search(vector, n, among) if i in self.chunks]
            if ranking
            else []
        )
        weights = [self.settings.dense_weight, self.settings.bm25_weight]
        rankings = [[i for i, _ in dense], [i for i, _ in lexical]]
        fused = reciprocal_rank_fusion(
            [*rankings, [i for i, _ in sentences]],
            k=self.settings.rrf_k,
            weights=[*weights, self.settings.sentence_weight],
        )
        named = self._named(query, fused)
        fused = _first(named, fused)
        results = [ScoredChunk(chunk=self.chunks[i], score=score) for i, score in fused[:k]]
        judged: list[ScoredChunk] = []
        if sentences:  # coverage weighs the ranking its weights were fitted on
            plain = reciprocal_rank_fusion(rankings, k=self.settings.rrf_k, weights=weights)
            plain = _first(named, plain)
            judged = [ScoredChunk(chunk=self.chunks[i], score=score) for i, score in plain[:k]]
        best = max((s for _, s in dense), default=-1.0)
        # A note asked for by number, or all of them, is found whatever the words; and a
        # short question may score under the floor though one passage holds every word of
        # it ("who signed on": "… have signed on to indicate their broad support …").
        relevant = best >= self.settings.min_similarity or bool(named)
        if not relevant and self.settings.whole_question_rescues:
            found = [i for i, _ in lexical]
            relevant = self.bm25.holds_every_word(query, found) or self.bm25.holds_a_phrase(
                query, [self.chunks[i].embed_text for i in found]
            )
        return Retrieval(
            question=query, results=results, relevant=bool(results) and relevant, judged=judged
        )

    def _notes_of(self, doc_id: str) -> list[str]:
        """The footnotes of a document, in their order."""
        notes = [(c.note, i) for i, c in self.chunks.items() if c.note and c.doc_id == doc_id]
        return [i for _, i in sorted(notes)]

    def _named(self, query: str, fused: list[tuple[str, float]]) -> list[str]:
        """The chunks a question asks for by what they are, not by their words, to lead
        the ranking: the footnotes it names by number ("What does footnote 3 cite?"); for
        all the sources cited ("What sources does the report cite?"), the notes of the
        best passage's document, in order; the passage that spells out an acronym it asks
        about ("What does RBIO stand for?", "What is the RBIO?": the one with "… order”
        (RBIO)"), which the many passages using the acronym outrank."""
        if numbers := set(notes_named(query)):
            return [i for i, c in self.chunks.items() if c.note in numbers]
        if asks_for_all_sources(query) and fused:
            return self._notes_of(self.chunks[fused[0][0]].doc_id)[: self.settings.top_k]
        if acronym := acronym_asked(query) or acronym_defined(query):  # the best-ranked
            ids = itertools.chain((i for i, _ in fused), self.chunks)  # spelling it out
            return next(([i] for i in ids if spells_out(self.chunks[i].text, acronym)), [])
        return []

    def outline(self, query: str, sections: int) -> Retrieval:
        """The opening passage of each section of the document ``query`` is about, in
        reading order (at most ``sections`` of them, spread over the whole document): what
        an overview quotes. The document is the one whose title shares the most words
        with the query, else the one of the query's best passage."""
        best = self.retrieve(query)
        asked = _words(query)
        documents = {c.doc_id: c.document for c in self._openings}
        if not documents:
            return best
        found = next((r.chunk.doc_id for r in best.results if r.chunk.doc_id in documents), None)
        doc_id = max(
            documents,
            key=lambda d: (len(asked & _words(documents[d])), d == found),
        )
        openings = [c for c in self._openings if c.doc_id == doc_id]
        if len(openings) > sections:  # spread over the document, first and last kept
            step = (len(openings) - 1) / (sections - 1) if sections > 1 else 0
            openings = [openings[round(i * step)] for i in range(sections)]
        return Retrieval(
            question=query,
            results=[ScoredChunk(chunk=c, score=1.0) for c in openings],
            relevant=True,
            outline=True,
        )

    def section_titles(self) -> list[str]:
        """The titles of the documents' sections, in reading order, each once."""
        return list(dict.fromkeys(c.section for c in self._openings if c.section))

    def section(self, query: str, title: str) -> Retrieval:
        """The passages of the section titled ``title``, in reading order: what a summary
        of that section quotes ("Summarize the “Back to basics” section")."""
        results: list[ScoredChunk] = []
        for opening in (c for c in self._openings if c.section == title):
            chunk: Chunk | None = opening
            while chunk is not None and chunk.section == title:
                results.append(ScoredChunk(chunk=chunk, score=1.0))
                chunk = self._next.get(chunk.id)
        return Retrieval(question=query, results=results, relevant=bool(results), outline=True)

    def title_pages(self, query: str, titles: Collection[str]) -> Retrieval:
        """The first passage of each document titled in ``titles``, in index order: what
        an answer naming the documents cites ("What is this report called?")."""
        firsts: dict[str, Chunk] = {}
        for chunk in self._openings:
            if chunk.document in titles:
                firsts.setdefault(chunk.doc_id, chunk)
        return Retrieval(
            question=query,
            results=[ScoredChunk(chunk=c, score=1.0) for c in firsts.values()],
            relevant=bool(firsts),
        )

    def next_chunk(self, chunk: Chunk) -> Chunk | None:
        """The body or list chunk that follows ``chunk`` in its document, if any."""
        return self._next.get(chunk.id)
