"""The chunk store: a Chroma ``PersistentClient`` on disk, reached through llama-index's
Chroma integration. Vectors are always supplied by orderbot's embedder; Chroma's own
embedding function (which would download a model) is never set."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings
from llama_index.core.schema import BaseNode, TextNode
from llama_index.core.vector_stores.types import VectorStoreQuery
from llama_index.vector_stores.chroma import ChromaVectorStore
from pydantic import BaseModel, Field

from orderbot.errors import IndexNotFoundError, OrderbotError
from orderbot.index.embedder import Vectors
from orderbot.models import Chunk

COLLECTION = "orderbot-chunks"
MANIFEST = "manifest.json"


class DocumentEntry(BaseModel):
    doc_id: str
    title: str
    path: str
    chunks: int


class Manifest(BaseModel):
    """What an index holds and how it was built; written after each complete ingest."""

    index_name: str
    embedding_model: str
    built_at: str
    documents: list[DocumentEntry] = Field(default_factory=list)

    @property
    def chunks(self) -> int:
        return sum(d.chunks for d in self.documents)


class ChunkStore:
    def __init__(self, path: Path, client: Any, collection: Any) -> None:
        self.path = path
        self._client = client
        self._collection = collection
        self._vectors = ChromaVectorStore.from_collection(collection)

    @classmethod
    def open(cls, path: Path, *, create: bool = False) -> ChunkStore:
        if not create and not (path / MANIFEST).is_file():
            raise IndexNotFoundError(f"no index at {path}", hint="build it with `orderbot ingest`")
        path.mkdir(parents=True, exist_ok=True)
        try:
            client = chromadb.PersistentClient(
                path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
            )
            collection = client.get_or_create_collection(
                COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        except Exception as exc:  # chromadb raises many types for a damaged folder
            raise OrderbotError(
                f"cannot open the index at {path}: {exc}",
                hint="delete the folder and run `orderbot ingest`",
            ) from exc
        return cls(path, client, collection)

    def count(self) -> int:
        return int(self._collection.count())

    def hashes(self) -> dict[str, tuple[str, str]]:
        """chunk id -> (document id, content hash) for every stored chunk."""
        got = self._collection.get(include=["metadatas"])
        return {
            i: (str(m["doc"]), str(m["content_hash"]))
            for i, m in zip(got["ids"], got["metadatas"], strict=True)
        }

    def chunks(self) -> list[Chunk]:
        got = self._collection.get(include=["documents", "metadatas"])
        return [
            Chunk.from_metadata(i, text, meta)
            for i, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def add(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        if not chunks:
            return
        self.delete([c.id for c in chunks])
        nodes: list[BaseNode] = [
            TextNode(id_=c.id, text=c.text, metadata=c.to_metadata(), embedding=v.tolist())
            for c, v in zip(chunks, vectors, strict=True)
        ]
        self._vectors.add(nodes)

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self._collection.delete(ids=list(ids))

    def query(self, vector: Vectors, k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``k`` nearest chunks, nearest first."""
        k = min(k, self.count())
        if k <= 0:
            return []
        result = self._vectors.query(
            VectorStoreQuery(query_embedding=vector.tolist(), similarity_top_k=k)
        )
        # The integration reports exp(-distance); Chroma's cosine distance is 1 - cos.
        return [
            (node_id, 1.0 + math.log(max(sim, 1e-12)))
            for node_id, sim in zip(result.ids or [], result.similarities or [], strict=True)
        ]

    def read_manifest(self) -> Manifest:
        return Manifest.model_validate_json((self.path / MANIFEST).read_text(encoding="utf-8"))

    def write_manifest(self, manifest: Manifest) -> None:
        tmp = self.path / (MANIFEST + ".tmp")
        tmp.write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        tmp.replace(self.path / MANIFEST)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def manifest_documents(chunks: Sequence[Chunk], paths: dict[str, str]) -> list[DocumentEntry]:
    counts: dict[str, int] = {}
    titles: dict[str, str] = {}
    for c in chunks:
        counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
        titles[c.doc_id] = c.document
    return [
        DocumentEntry(doc_id=d, title=titles[d], path=paths.get(d, ""), chunks=n)
        for d, n in sorted(counts.items())
    ]


__all__ = ["ChunkStore", "DocumentEntry", "Manifest", "manifest_documents", "now_iso"]
