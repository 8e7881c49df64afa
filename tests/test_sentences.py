"""Sentence vectors stored at ingest: the answer path embeds only the question."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from orderbot.config import Settings
from orderbot.generate.evidence import split_units
from orderbot.index import build_index
from orderbot.index.embedder import OnnxEmbedder, Vectors
from orderbot.index.sentences import (
    SentenceMatrix,
    SentenceTable,
    StoredSentenceEmbedder,
    sentence_texts,
    text_key,
)
from orderbot.index.store import ChunkStore
from orderbot.pipeline import Pipeline
from orderbot.retrieve import HybridRetriever
from orderbot.stopwords import without_the_text
from tests.conftest import make_settings

pytestmark = pytest.mark.slow

QUESTIONS = [
    "How many proposals are in the package?",
    "What did Blinken tell Chinese officials?",
    "Which variable covers artificial intelligence?",
    "What is a good recipe for banana bread?",
]


class Recording:
    """The real embedder, remembering every text it was asked to embed."""

    def __init__(self, model: OnnxEmbedder) -> None:
        self.model = model
        self.name = model.name
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.texts += texts
        return self.model.embed(texts)


def test_every_scored_sentence_is_stored_at_ingest(built: Settings, embedder: OnnxEmbedder) -> None:
    store = ChunkStore.open(built.index.index_path())
    try:
        chunks = store.chunks()
        texts = [t for c in chunks for t in sentence_texts(c)]
        stored = store.sentences.get(text_key(t) for t in texts)
        assert len(texts) > len(chunks) and set(stored) == {text_key(t) for t in texts}
        assert store.sentences.chunks() == {c.id for c in chunks}
        sample = texts[:: max(1, len(texts) // 8)]
        expected = embedder.embed(sample)
        got = np.stack([stored[text_key(t)] for t in sample])
        np.testing.assert_allclose(got, expected, atol=1e-5)
    finally:
        store.close()


def test_an_answer_embeds_only_the_question(
    built: Settings, embedder: OnnxEmbedder, pipeline: Pipeline
) -> None:
    recording = Recording(embedder)
    stored = StoredSentenceEmbedder(recording, pipeline.store.sentences)
    passages = pipeline.retriever.retrieve(QUESTIONS[0]).results
    units = split_units(passages)
    embedder._cache.clear()
    vectors = stored.embed([QUESTIONS[0], *(u.text for u in units)])
    assert recording.texts == [QUESTIONS[0]] and len(vectors) == len(units) + 1
    expected = embedder.embed([QUESTIONS[0], *(u.text for u in units)])
    np.testing.assert_allclose(vectors, expected, atol=1e-5)  # batch padding: ~1e-7

    # The same answers as embedding every sentence per question.
    retriever = HybridRetriever(pipeline.store, embedder, built.retrieval)
    plain = Pipeline(built, pipeline.store, retriever, pipeline.generator)
    for question in QUESTIONS:
        assert pipeline.ask(question).answer == plain.ask(question).answer


def test_carried_over_chunks_keep_their_sentence_vectors(
    corpus_copy: Path, embedder: OnnxEmbedder
) -> None:
    settings = make_settings(corpus_copy)
    build_index(settings, embedder=embedder)
    extra = corpus_copy / "corpus" / "extra.md"
    extra.write_text("# Extra note\n\nThe project met in Vienna. It met again in May.\n", "utf-8")
    embedder._cache.clear()
    recording = Recording(embedder)
    report = build_index(settings, embedder=recording)  # type: ignore[arg-type]
    # One new chunk: its text and its two sentences, nothing of the carried-over file.
    assert report.embedded == 1
    assert sorted(recording.texts) == [
        "Introduction. The project met in Vienna. It met again in May.",  # the chunk
        "It met again in May.",
        "The project met in Vienna.",
    ]

    extra.write_text("# Extra note\n\nThe project met in Vienna. It met again in June.\n", "utf-8")
    recording.texts.clear()
    build_index(settings, embedder=recording)  # type: ignore[arg-type]
    assert "The project met in Vienna." not in recording.texts  # an unchanged sentence
    assert "It met again in June." in recording.texts

    store = ChunkStore.open(settings.index.index_path())
    try:
        chunks = store.chunks()
        assert store.sentences.chunks() == {c.id for c in chunks}
        texts = [t for c in chunks for t in sentence_texts(c)]
        assert set(store.sentences.get(text_key(t) for t in texts)) == {text_key(t) for t in texts}
        assert not store.sentences.get([text_key("It met again in May.")])  # removed with its chunk
    finally:
        store.close()


def test_sentence_search_ranks_chunks_by_their_best_sentence(
    built: Settings, embedder: OnnxEmbedder
) -> None:
    store = ChunkStore.open(built.index.index_path())
    try:
        chunks = {c.id: c for c in store.chunks() if c.kind != "footnote"}
        query = "Which variable covers artificial intelligence?"
        vector = embedder.embed([query])[0]
        # By hand: every chunk's best sentence, every sentence embedded afresh.
        expected = sorted(
            (
                (i, float(np.max(embedder.embed(sentence_texts(c)) @ vector)))
                for i, c in chunks.items()
            ),
            key=lambda pair: -pair[1],
        )[:5]
        found = [(i, s) for i, s in store.sentences.search(vector, 50) if i in chunks][:5]
        assert [i for i, _ in found] == [i for i, _ in expected]
        np.testing.assert_allclose([s for _, s in found], [s for _, s in expected], atol=1e-5)
        assert store.sentences.search(vector, 0) == []
    finally:
        store.close()


def test_sentence_matrix_takes_the_best_row_of_each_chunk() -> None:
    rows = np.eye(3, dtype=np.float32)
    matrix = SentenceMatrix.of(["a", "a", "b"], [row.tobytes() for row in rows])
    assert matrix is not None and matrix.chunk_ids == ["a", "b"]
    assert matrix.search(np.array([0.1, 0.2, 0.9], dtype=np.float32), 5) == [
        ("b", pytest.approx(0.9)),
        ("a", pytest.approx(0.2)),
    ]
    assert matrix.search(np.array([0.0, 0.0, 1.0], dtype=np.float32), 1)[0][0] == "b"
    # Among given chunks only (unknown ids and repeats ignored), each still by its best row.
    query = np.array([0.1, 0.2, 0.9], dtype=np.float32)
    assert matrix.search(query, 5, among=["a", "x", "a"]) == [("a", pytest.approx(0.2))]
    assert matrix.search(query, 5, among=["b", "a"]) == matrix.search(query, 5)
    assert matrix.search(query, 5, among=[]) == []
    assert SentenceMatrix.of([], []) is None


def test_a_paraphrase_of_one_sentence_is_retrieved_through_it(
    built: Settings, embedder: OnnxEmbedder
) -> None:
    """With the sentence ranking, the chunk holding the paraphrased sentence ranks higher
    than with chunk vectors and BM25 alone."""
    store = ChunkStore.open(built.index.index_path())
    try:
        # Its words are not the passage's: chunk vectors and BM25 leave it out of the ten best.
        question = "What do the authors fear the world is heading into?"
        ranks = []
        for weight in (0.0, 1.0):
            retrieval_settings = built.retrieval.model_copy(update={"sentence_weight": weight})
            retriever = HybridRetriever(store, embedder, retrieval_settings)
            ids = [r.chunk.id for r in retriever.retrieve(question, top_k=10).results]
            target = next(
                i for i, c in retriever.chunks.items() if "two major crises" in c.text.lower()
            )
            ranks.append(ids.index(target) if target in ids else 99)
        assert ranks[1] <= ranks[0]
        assert ranks[1] < ranks[0] and ranks[1] < 10, ranks  # found through its sentence
    finally:
        store.close()


def test_coverage_weighs_the_ranking_it_was_fitted_on(
    built: Settings, embedder: OnnxEmbedder
) -> None:
    """The answer's passages come from the fusion with the sentence ranking; the coverage
    decision's from the fusion without it, so better passages do not make a question the
    documents do not answer look covered."""
    store = ChunkStore.open(built.index.index_path())
    try:
        question = "What do the authors fear the world is heading into?"
        plain = HybridRetriever(
            store, embedder, built.retrieval.model_copy(update={"sentence_weight": 0.0})
        ).retrieve(question)
        both = HybridRetriever(
            store, embedder, built.retrieval.model_copy(update={"sentence_weight": 1.0})
        ).retrieve(question)
        assert plain.judged == []  # the same as its results
        assert [r.chunk.id for r in both.judged] == [r.chunk.id for r in plain.results]
        assert [r.chunk.id for r in both.results] != [r.chunk.id for r in plain.results]
        pipeline = Pipeline.from_settings(built, embedder=embedder)
        retriever = pipeline.retriever
        retrieval = retriever.retrieve(question)
        judged = pipeline.evidence(retriever, retrieval, judged=True)
        answered = pipeline.evidence(retriever, retrieval)
        assert [p.chunk.id for p in judged.passages] == [r.chunk.id for r in retrieval.judged]
        assert [p.chunk.id for p in answered.passages] == [r.chunk.id for r in retrieval.results]
        # And the answer path hands the coverage decision those passages.
        judge = pipeline.judge(retriever)
        weighed: list[list[str]] = []
        decide = judge.decide
        judge.decide = lambda e: weighed.append([p.chunk.id for p in e.passages]) or decide(e)  # type: ignore[method-assign]
        pipeline.ask(question)
        assert weighed == [[r.chunk.id for r in retrieval.judged]]
        pipeline.close()
    finally:
        store.close()


def test_the_sentence_ranking_weighs_the_dense_pool_and_the_bm25_candidates(
    built: Settings, embedder: OnnxEmbedder
) -> None:
    """Not every sentence of the index: the chunks of the dense search's best
    ``sentence_pool`` and BM25's candidates (cheap at any size, the same at 24 chunks)."""
    store = ChunkStore.open(built.index.index_path())
    try:
        settings = built.retrieval.model_copy(
            update={"sentence_weight": 1.0, "sentence_pool": 5, "candidates": 3, "top_k": 3}
        )
        retriever = HybridRetriever(store, embedder, settings)
        asked: list[list[str]] = []
        search = store.sentences.search

        def recording(vector: Vectors, n: int, among: Sequence[str] | None = None) -> object:
            asked.append(list(among or []))
            return search(vector, n, among)

        store.sentences.search = recording  # type: ignore[method-assign,assignment]
        question = "What do the authors fear the world is heading into?"
        retriever.retrieve(question)
        vector = embedder.embed([without_the_text(question)])[0]  # as the search embeds it
        dense = [i for i, _ in store.query(vector, 5)]
        lexical = [i for i, _ in retriever.bm25.search(question, 3)]
        assert len(asked) == 1 and set(asked[0]) == set(dense) | set(lexical)
    finally:
        store.close()


def test_an_empty_sentence_table_is_read_once_not_on_every_question(tmp_path: Path) -> None:
    SentenceTable(tmp_path, writable=True).close()  # the table exists, with no rows
    table = SentenceTable(tmp_path, writable=False)
    reads = []
    load = table.load_vectors

    def counting(pause: object = None) -> None:
        reads.append(1)
        load()

    table.load_vectors = counting  # type: ignore[method-assign]
    vector = np.ones(3, dtype=np.float32)
    assert table.search(vector, 5) == [] and table.search(vector, 5) == []
    assert len(reads) == 1
    table.close()
