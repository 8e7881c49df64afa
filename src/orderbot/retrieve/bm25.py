"""Lexical retrieval: llama-index's BM25 retriever (bm25s, Snowball stemming, English
stop words) over the same text the embedder sees."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from llama_index.core.schema import BaseNode, QueryBundle, TextNode
from llama_index.retrievers.bm25 import BM25Retriever

from orderbot.models import Chunk


class BM25Index:
    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self._retriever: BM25Retriever | None = None
        if chunks:
            nodes: list[BaseNode] = [TextNode(id_=c.id, text=c.embed_text) for c in chunks]
            logging.getLogger("llama_index.retrievers.bm25").setLevel(logging.ERROR)
            logging.getLogger("bm25s").setLevel(logging.WARNING)
            self._retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=len(nodes))
        self._size = len(chunks)
        # The retriever's top-k is an attribute and its stemmer is shared: one search at a time.
        self._lock = threading.Lock()

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best ``k`` chunks that share a term with the
        query, best first."""
        if self._retriever is None or k <= 0:
            return []
        with self._lock:
            self._retriever.similarity_top_k = min(k, self._size)
            hits = self._retriever.retrieve(QueryBundle(query_str=query))
        return [(h.node.node_id, float(h.score or 0.0)) for h in hits if (h.score or 0.0) > 0]
