"""Reference pipelines scored on the same questions, to keep orderbot honest:

- ``llamaindex_default``: llama-index out of the box: ``SimpleDirectoryReader`` and
  ``VectorStoreIndex`` with default chunking, dense retrieval only, same embedding model;
- ``bm25``: BM25 alone over orderbot's chunks;
- ``dense``: dense vectors alone over orderbot's chunks (an ablation).

They retrieve only; they are scored on hit@k and MRR.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from orderbot.index.embedder import Embedder
from orderbot.ingest.corpus import PARSERS
from orderbot.pipeline import Pipeline

Search = Callable[[str, int], list[str]]


class LlamaIndexEmbedding(BaseEmbedding):
    """orderbot's embedder behind llama-index's embedding interface."""

    _embedder: Any = PrivateAttr()

    def __init__(self, embedder: Embedder) -> None:
        super().__init__(model_name=embedder.name, embed_batch_size=32)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._embedder.embed([query])[0]]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_query_embedding(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._embedder.embed(texts)]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def llamaindex_default(pipeline: Pipeline, embedder: Embedder) -> Search:
    documents = SimpleDirectoryReader(
        str(pipeline.settings.corpus_dir), recursive=True, required_exts=list(PARSERS)
    ).load_data()
    index = VectorStoreIndex.from_documents(documents, embed_model=LlamaIndexEmbedding(embedder))

    def search(query: str, k: int) -> list[str]:
        hits = index.as_retriever(similarity_top_k=k).retrieve(query)
        return [h.node.get_content() for h in hits]

    return search


def bm25_only(pipeline: Pipeline, _embedder: Embedder) -> Search:
    chunks = pipeline.retriever.chunks

    def search(query: str, k: int) -> list[str]:
        return [chunks[i].text for i, _ in pipeline.retriever.bm25.search(query, k)]

    return search


def dense_only(pipeline: Pipeline, embedder: Embedder) -> Search:
    chunks = pipeline.retriever.chunks

    def search(query: str, k: int) -> list[str]:
        vector = embedder.embed([query])[0]
        return [chunks[i].text for i, _ in pipeline.store.query(vector, k) if i in chunks]

    return search


REFERENCES: dict[str, Callable[[Pipeline, Embedder], Search]] = {
    "llamaindex_default": llamaindex_default,
    "bm25": bm25_only,
    "dense": dense_only,
}


def reference_passages(
    pipeline: Pipeline, embedder: Embedder, queries: Sequence[str], k: int
) -> dict[str, list[list[str]]]:
    """For each reference: the top ``k`` passage texts of every query."""
    out: dict[str, list[list[str]]] = {}
    for name, build in REFERENCES.items():
        search = build(pipeline, embedder)
        out[name] = [search(q, k) for q in queries]
    return out
