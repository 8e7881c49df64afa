"""The chunk store: a Chroma ``PersistentClient`` on disk, used directly (llama-index's
Chroma integration cost ~2 ms a query turning every hit's metadata back into a node,
and stored each chunk's text twice). Vectors are always supplied by orderbot's embedder;
Chroma's own embedding function (which would download a model) is never set.

An index folder holds versions of the store (``versions.py``); ``ChunkStore.open`` opens
the one the pointer names, ``ChunkStore.create`` a new one that an ingest fills."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from pydantic import BaseModel, Field, ValidationError

from orderbot.errors import REBUILD_HINT, IndexDamagedError, IndexNotFoundError, OrderbotError
from orderbot.index import versions
from orderbot.index.embedder import Vectors
from orderbot.index.sentences import FILE as SENTENCES_FILE
from orderbot.index.sentences import SentenceTable
from orderbot.ingest.quarantine import Quarantined
from orderbot.models import Chunk

COLLECTION = "orderbot-chunks"
MANIFEST = versions.MANIFEST
PAGE = 100  # chunks read per call when reading them all


class DocumentEntry(BaseModel):
    """One corpus file as indexed: what ``orderbot corpus`` lists."""

    doc_id: str
    title: str
    path: str
    chunks: int
    sha256: str = Field("", description="Hash of the file (and its provenance sidecar).")
    pages: int | None = Field(None, description="Pages, for a PDF.")
    url: str | None = Field(None, description="For a fetched source: its URL.")
    retrieved_at: str | None = Field(None, description="For a fetched source: when.")
    ingested_at: str = Field("", description="When this version of the file was ingested.")


class Manifest(BaseModel):
    """What an index holds and how it was built; written after each complete ingest."""

    index_name: str
    embedding_model: str
    built_at: str
    documents: list[DocumentEntry] = Field(default_factory=list)
    quarantined: list[Quarantined] = Field(
        default_factory=list,
        description="Documents not indexed: they carry an instruction to an assistant.",
    )

    @property
    def chunks(self) -> int:
        return sum(d.chunks for d in self.documents)


class ChunkStore:
    """One version of the index: its chunks and vectors (Chroma) and the sentence vectors
    of its chunks (``sentences``). Whoever opens one closes it."""

    def __init__(self, path: Path, client: Any, collection: Any, sentences: SentenceTable) -> None:
        self.path = path
        self.sentences = sentences
        self._scratch: weakref.finalize[Any, Any] | None = None
        self._scratch_dir: Path | None = None  # the private copy a serving store reads
        self._client = client
        self._collection = collection
        self._count: int | None = None  # a serving version never changes: counted once

    @classmethod
    def open(cls, path: Path) -> ChunkStore:
        """The serving version of the index folder ``path``, read from a private copy.

        Chroma writes to its folder whenever a client opens it (its SQLite database, and
        the HNSW files as it applies its write-ahead log), and two processes doing so at
        once could damage it. So the serving version is copied to a temporary folder
        that only this store uses, and removed when the store is closed or collected:
        the serving version itself is never written to."""
        current = versions.current_version(path)
        if current is None or not (current / MANIFEST).is_file():
            raise IndexNotFoundError(f"no index at {path}", hint="build it with `orderbot ingest`")
        _sweep_private_copies()
        scratch = Path(tempfile.mkdtemp(prefix=f"{_SCRATCH}{os.getpid()}-"))
        try:
            # Chroma's files only: the sentence table opens read-only where it is.
            skip = shutil.ignore_patterns(SENTENCES_FILE, MANIFEST)
            shutil.copytree(current, scratch, dirs_exist_ok=True, ignore=skip)
            store = cls._connect(scratch)
        except (OSError, OrderbotError) as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            if isinstance(exc, OrderbotError):
                raise
            raise OrderbotError(f"cannot read the index at {current}: {exc}") from exc
        store.sentences.close()
        store.sentences = SentenceTable(current, writable=False)
        store.path = current  # the manifest and the version's name are read from here
        store._scratch = weakref.finalize(store, shutil.rmtree, scratch, ignore_errors=True)
        store._scratch_dir = scratch
        return store

    @classmethod
    def create(cls, path: Path) -> ChunkStore:
        """A writable store in the new, unpublished version folder ``path`` (empty, or a
        file-level copy of the serving version that the ingest then edits)."""
        return cls._connect(path, writable=True)

    @classmethod
    def _connect(cls, path: Path, *, writable: bool = False) -> ChunkStore:
        try:
            client = chromadb.PersistentClient(
                path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
            )
            collection = client.get_or_create_collection(
                COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        except Exception as exc:  # chromadb raises many types for a damaged folder
            raise IndexDamagedError(
                f"cannot open the index at {path}: {exc}", hint=REBUILD_HINT
            ) from exc
        return cls(path, client, collection, SentenceTable(path, writable=writable))

    def close(self) -> None:
        """Release Chroma's and the sentence table's handles on the folder (the store is
        unusable afterwards). Idempotent."""
        self.sentences.close()
        close = getattr(self._client, "close", None)
        if close is not None:
            close()
        if self._scratch is not None:
            self._scratch()  # the private copy of a serving version

    def hand_over(self, dest: Path) -> None:
        """Close the store and leave its files in the new version folder ``dest``, which
        an ingest then edits. A store read from a private copy of the serving version
        hands that copy over (a rename) and only the sentence table is copied, so an
        ingest copies the serving version once, not twice; otherwise ``dest`` gets a
        file-level copy of ``path``."""
        scratch = self._scratch_dir
        if self._scratch is not None:
            self._scratch.detach()
            self._scratch = None
        self.close()
        skip = shutil.ignore_patterns(MANIFEST, "*.tmp")
        if scratch is None:
            shutil.copytree(self.path, dest, ignore=skip, dirs_exist_ok=True)
            return
        self._scratch_dir = None
        for item in scratch.iterdir():
            item.rename(dest / item.name)
        scratch.rmdir()
        if (self.path / SENTENCES_FILE).is_file():
            shutil.copy2(self.path / SENTENCES_FILE, dest / SENTENCES_FILE)

    def count(self) -> int:
        if self._count is None or self.sentences.writable:
            self._count = int(self._collection.count())
        return self._count

    def hashes(self) -> dict[str, tuple[str, str]]:
        """chunk id -> (document id, content hash) for every stored chunk."""
        return {
            i: (str(m["doc"]), str(m["content_hash"])) for i, _, m in self._pages(["metadatas"])
        }

    def chunks(self, pause: Callable[[], None] | None = None) -> list[Chunk]:
        """Every stored chunk; ``pause()`` is called before each page (see ``_pages``)."""
        return [Chunk.from_metadata(i, text, m) for i, text, m in self._pages(pause=pause)]

    def _pages(
        self,
        include: list[str] | None = None,
        size: int = PAGE,
        pause: Callable[[], None] | None = None,
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every stored (id, text, metadata), read a page at a time: a server loading a new
        version in the background then holds the interpreter for one page at a time, not
        for the whole read, and steps aside between pages (``pause``) for the questions
        it answers meanwhile."""
        include = include or ["documents", "metadatas"]
        for offset in itertools.count(0, size):
            if pause is not None:
                pause()
            got = self._collection.get(include=include, limit=size, offset=offset)
            texts = got["documents"] or [""] * len(got["ids"])
            yield from zip(got["ids"], texts, got["metadatas"], strict=True)
            if len(got["ids"]) < size:
                return

    def add(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        if not chunks:
            return
        self._collection.upsert(
            ids=[c.id for c in chunks],
            embeddings=np.asarray(vectors, dtype=np.float32),
            documents=[c.text for c in chunks],
            metadatas=[c.to_metadata() for c in chunks],
        )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self._collection.delete(ids=list(ids))

    def query(self, vector: Vectors, k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``k`` nearest chunks, nearest first."""
        k = min(k, self.count())
        if k <= 0:
            return []
        result = self._collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=k,
            include=["distances"],
        )
        distances = result["distances"] or [[]]
        # Chroma's cosine distance is 1 - cos.
        return [
            (chunk_id, 1.0 - float(d))
            for chunk_id, d in zip(result["ids"][0], distances[0], strict=True)
        ]

    def read_manifest(self) -> Manifest:
        path = self.path / MANIFEST
        try:
            return Manifest.model_validate_json(path.read_bytes())
        except (OSError, ValidationError) as exc:
            problem = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else exc
            raise IndexDamagedError(
                f"cannot read the index manifest {path}: {problem}", hint=REBUILD_HINT
            ) from exc

    def write_manifest(self, manifest: Manifest) -> None:
        tmp = self.path / (MANIFEST + ".tmp")
        tmp.write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        tmp.replace(self.path / MANIFEST)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


__all__ = ["ChunkStore", "DocumentEntry", "Manifest", "now_iso"]


_SCRATCH = "orderbot-index-"  # + the pid of the process reading it + a random part


def _sweep_private_copies() -> None:
    """Remove the private copies that processes no longer running left behind (a server
    that was killed cannot remove its own: at 10,000 chunks each is ~100 MB)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_SCRATCH}*-*"):
        pid = folder.name[len(_SCRATCH) :].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
