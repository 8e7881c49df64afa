"""The retriever the pipeline uses: BM25 and dense candidates fused by RRF, and a
relevance decision from the best dense similarity."""

from __future__ import annotations

from orderbot.config import RetrievalSettings
from orderbot.index.embedder import Embedder
from orderbot.index.store import ChunkStore
from orderbot.models import Chunk, Retrieval, ScoredChunk
from orderbot.retrieve.bm25 import BM25Index
from orderbot.retrieve.fusion import reciprocal_rank_fusion


class HybridRetriever:
    def __init__(self, store: ChunkStore, embedder: Embedder, settings: RetrievalSettings) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.chunks: dict[str, Chunk] = {c.id: c for c in store.chunks()}
        self.bm25 = BM25Index(list(self.chunks.values()))

    def retrieve(self, query: str, top_k: int | None = None) -> Retrieval:
        k = top_k or self.settings.top_k
        n = max(self.settings.candidates, k)
        vector = self.embedder.embed([query])[0]
        dense = [(i, s) for i, s in self.store.query(vector, n) if i in self.chunks]
        lexical = [(i, s) for i, s in self.bm25.search(query, n) if i in self.chunks]
        fused = reciprocal_rank_fusion(
            [[i for i, _ in dense], [i for i, _ in lexical]],
            k=self.settings.rrf_k,
            weights=[self.settings.dense_weight, self.settings.bm25_weight],
        )
        similarity = dict(dense)
        bm25 = dict(lexical)
        results = [
            ScoredChunk(
                chunk=self.chunks[i], score=score, similarity=similarity.get(i), bm25=bm25.get(i)
            )
            for i, score in fused[:k]
        ]
        best = max((s for _, s in dense), default=-1.0)
        return Retrieval(
            question=query,
            results=results,
            best_similarity=best,
            relevant=bool(results) and best >= self.settings.min_similarity,
        )
