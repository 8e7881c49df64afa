"""The index on a Chroma server (``chromadb.HttpClient``) instead of a folder, for web
replicas on several machines.

The same guarantees as the folder (``versions.py``), with collections for folders:

- a version is a pair of collections, ``<index>--<version>`` (chunks and their vectors,
  the manifest in its metadata, written last: it marks the version complete) and
  ``<index>--<version>--sentences`` (the stored sentence vectors);
- the pointer is the metadata of the collection ``<index>--pointer``
  (``current``, ``previous``, ``published_at``); publishing is one metadata update, which
  the server applies atomically, so a reader sees the old version or the new one;
- an ingest holds the collection ``<index>--lock`` while it runs (creating a collection
  that exists fails, so two ingests cannot both hold it); one killed leaves it, and the
  next ingest takes it over once it is older than ``STALE_LOCK_S``;
- ``clean`` drops every version but the current and the previous one.

Every call has a timeout (``index.chroma_timeout``): a server that is down or hangs is an
``IndexUnavailableError`` in seconds, never a hang, and the next call tries again.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from orderbot.config import IndexSettings
from orderbot.errors import (
    REBUILD_HINT,
    IndexDamagedError,
    IndexNotFoundError,
    IndexUnavailableError,
    OrderbotError,
)
from orderbot.index.embedder import Vectors
from orderbot.models import Chunk

STALE_LOCK_S = 1800
POLL_S = 1.0
_MANIFEST_KEY = "orderbot_manifest"
_BATCH = 1000


__all__ = ["IndexUnavailableError", "RemoteChunkStore", "RemoteIndex", "connect"]


class Pointer(BaseModel):
    current: str
    previous: str | None = None
    published_at: str


def _unavailable(settings: IndexSettings, exc: BaseException) -> IndexUnavailableError:
    where = f"{settings.chroma_host}:{settings.chroma_port}"
    return IndexUnavailableError(
        f"the index server {where} is unavailable: {type(exc).__name__}: {exc}",
        hint="start it, or check index.chroma_host and index.chroma_port",
    )


def connect(settings: IndexSettings) -> Any:
    """An ``HttpClient`` for the configured server, every request bounded by the timeout.
    The token is read from the variable ``index.chroma_token_env`` names."""
    import chromadb
    import httpx
    from chromadb.config import Settings as ChromaSettings

    token = os.environ.get(settings.chroma_token_env, "")
    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        client = chromadb.HttpClient(
            host=settings.chroma_host,
            port=settings.chroma_port,
            ssl=settings.chroma_ssl,
            headers=headers,
            settings=ChromaSettings(anonymized_telemetry=False),
        )
    except Exception as exc:  # chromadb checks the tenant on connect: any transport error
        raise _unavailable(settings, exc) from exc
    # chromadb's client waits forever by default; a replica must not.
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(settings.chroma_timeout)
    return client


class RemoteIndex:
    """The versions of one index on a Chroma server."""

    def __init__(self, settings: IndexSettings, client: Any | None = None) -> None:
        self.settings = settings
        self.name = settings.index_name()
        self._client = client
        self._polled: tuple[float, tuple[str, str] | None] | None = None

    def __str__(self) -> str:
        scheme = "https" if self.settings.chroma_ssl else "http"
        return f"{scheme}://{self.settings.chroma_host}:{self.settings.chroma_port} ({self.name})"

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = connect(self.settings)
        return self._client

    @contextmanager
    def _calls(self) -> Iterator[None]:
        """Transport failures and timeouts become ``IndexUnavailableError``."""
        import httpx

        try:
            yield
        except (httpx.TransportError, ConnectionError, TimeoutError) as exc:
            raise _unavailable(self.settings, exc) from exc

    def collection_name(self, version: str, part: str = "") -> str:
        return f"{self.name}--{version}" + (f"--{part}" if part else "")

    # The pointer.

    def read_pointer(self) -> Pointer | None:
        from chromadb.errors import NotFoundError

        with self._calls():
            try:
                collection = self.client.get_collection(f"{self.name}--pointer")
            except NotFoundError:
                return None
        try:
            return Pointer.model_validate(collection.metadata or {})
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"]
            raise IndexDamagedError(
                f"the index pointer on the server is damaged: {problem}", hint=REBUILD_HINT
            ) from exc

    def stamp(self) -> tuple[str, str] | None:
        """What changes when a version is published: one small request, made at most
        every ``POLL_S`` seconds (a server asks before every request)."""
        now = time.monotonic()
        if self._polled is not None and now - self._polled[0] < POLL_S:
            return self._polled[1]
        pointer = self.read_pointer()
        stamp = (pointer.current, pointer.published_at) if pointer else None
        self._polled = (now, stamp)
        return stamp

    def current_name(self) -> str | None:
        pointer = self.read_pointer()
        return pointer.current if pointer else None

    def publish(self, store: RemoteChunkStore) -> None:
        """Make ``store`` the serving version; the old one becomes ``previous`` (when the
        old pointer is damaged, the newest other version: a replica may still read it)."""
        try:
            old = self.read_pointer()
            previous = old.current if old else None
        except IndexDamagedError:
            others = [v for v in self.versions() if v != store.version]
            previous = others[-1] if others else None  # names start with their time
        pointer = Pointer(
            current=store.version,
            previous=previous,
            published_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        )
        with self._calls():
            collection = self.client.get_or_create_collection(
                f"{self.name}--pointer", embedding_function=None
            )
            collection.modify(metadata=pointer.model_dump(exclude_none=True))
        self._polled = None

    # Versions.

    def open(self) -> RemoteChunkStore:
        """The serving version."""
        pointer = self.read_pointer()
        if pointer is None:
            raise IndexNotFoundError(
                f"no index {self.name} on the index server",
                hint="build it with `orderbot ingest`",
            )
        return RemoteChunkStore(self, pointer.current)

    def create(self, copy_of: RemoteChunkStore | None = None) -> RemoteChunkStore:
        """A new, unpublished version: empty, or a copy of ``copy_of`` that the ingest
        then edits (the serving version is only read)."""
        version = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
        store = RemoteChunkStore(self, version, writable=True)
        if copy_of is not None:
            store.copy_from(copy_of)
        return store

    def versions(self) -> list[str]:
        prefix = f"{self.name}--"
        with self._calls():
            names = [c.name for c in self.client.list_collections()]
        found = set()
        for name in names:
            if name.startswith(prefix):
                rest = name[len(prefix) :]
                version = rest.split("--", 1)[0]
                if version not in ("pointer", "lock"):
                    found.add(version)
        return sorted(found)

    def clean(self) -> list[str]:
        """Drop every version but the current and the previous one."""
        from chromadb.errors import NotFoundError

        pointer = self.read_pointer()
        keep = {pointer.current, pointer.previous} if pointer else set()
        removed = []
        for version in self.versions():
            if version in keep:
                continue
            for name in (self.collection_name(version), self.collection_name(version, "sentences")):
                with self._calls(), suppress(NotFoundError):
                    self.client.delete_collection(name)
            removed.append(version)
        return removed

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One ingest at a time per index on the server; a second one fails at once."""
        from chromadb.errors import ChromaError

        name = f"{self.name}--lock"
        holder = {"since": time.time(), "host": socket.gethostname(), "pid": os.getpid()}
        with self._calls():
            try:
                self.client.create_collection(name, embedding_function=None, metadata=holder)
            except ChromaError as exc:  # the server says so only in words
                if "already exists" not in str(exc):
                    raise
                held = self.client.get_collection(name).metadata or {}
                if not _stale(held):
                    raise OrderbotError(
                        f"another ingest is running on the index server ({self.name}, "
                        f"process {held.get('pid')} on {held.get('host')})",
                        hint="wait for it to finish",
                    ) from exc
                self.client.get_collection(name).modify(metadata=holder)
        try:
            yield
        finally:
            with self._calls():
                self.client.delete_collection(name)


def _stale(held: dict[str, Any]) -> bool:
    """A lock left by a killed ingest: its process is gone (same machine) or it is old."""
    if held.get("host") == socket.gethostname():
        try:
            os.kill(int(held.get("pid", 0)), 0)
        except (ProcessLookupError, ValueError):
            return True
        except PermissionError:
            return False
        return int(held.get("pid", 0)) <= 0
    return time.time() - float(held.get("since", 0)) > STALE_LOCK_S


class RemoteChunkStore:
    """One version on the server, with the methods of the folder's ``ChunkStore``."""

    def __init__(self, index: RemoteIndex, version: str, *, writable: bool = False) -> None:
        self.index = index
        self.version = version
        self.path = Path(version)  # what the folder store's callers read as its name
        self.writable = writable
        with index._calls():
            if writable:
                self._collection = index.client.get_or_create_collection(
                    index.collection_name(version),
                    embedding_function=None,
                    metadata={"hnsw:space": "cosine"},
                )
            else:
                self._collection = index.client.get_collection(
                    index.collection_name(version), embedding_function=None
                )
        self.sentences = RemoteSentenceTable(index, version, writable=writable)
        self._count: int | None = None

    def close(self) -> None:
        """Nothing to release on the client side; kept for the store interface."""

    def count(self) -> int:
        if self._count is None or self.writable:
            with self.index._calls():
                self._count = int(self._collection.count())
        return self._count

    def _all(
        self, include: list[str], pause: Callable[[], None] | None = None
    ) -> Iterator[dict[str, Any]]:
        total = self.count()
        for offset in range(0, total, _BATCH):
            if pause is not None:  # a server loading this version steps aside for requests
                pause()
            with self.index._calls():
                yield self._collection.get(include=include, limit=_BATCH, offset=offset)

    def hashes(self) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for got in self._all(["metadatas"]):
            for i, m in zip(got["ids"], got["metadatas"], strict=True):
                found[i] = (str(m["doc"]), str(m["content_hash"]))
        return found

    def chunks(self, pause: Callable[[], None] | None = None) -> list[Chunk]:
        return [
            Chunk.from_metadata(i, text, meta)
            for got in self._all(["documents", "metadatas"], pause)
            for i, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def add(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        array = np.asarray(vectors, dtype=np.float32)
        for start in range(0, len(chunks), _BATCH):
            part = chunks[start : start + _BATCH]
            with self.index._calls():
                self._collection.upsert(
                    ids=[c.id for c in part],
                    embeddings=array[start : start + _BATCH],
                    documents=[c.text for c in part],
                    metadatas=[c.to_metadata() for c in part],
                )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            with self.index._calls():
                self._collection.delete(ids=list(ids))

    def query(self, vector: Vectors, k: int) -> list[tuple[str, float]]:
        k = min(k, self.count())
        if k <= 0:
            return []
        with self.index._calls():
            result = self._collection.query(
                query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
                n_results=k,
                include=["distances"],
            )
        distances = result["distances"] or [[]]
        return [
            (chunk_id, 1.0 - float(d))
            for chunk_id, d in zip(result["ids"][0], distances[0], strict=True)
        ]

    def copy_from(self, other: RemoteChunkStore) -> None:
        """Every chunk, vector and sentence vector of ``other`` (not its manifest)."""
        for got in other._all(["documents", "metadatas", "embeddings"]):
            with self.index._calls():
                if got["ids"]:
                    self._collection.upsert(
                        ids=got["ids"],
                        embeddings=got["embeddings"],
                        documents=got["documents"],
                        metadatas=got["metadatas"],
                    )
        self.sentences.copy_from(other.sentences)

    def read_manifest(self) -> Any:
        from orderbot.index.store import Manifest

        with self.index._calls():
            meta = (
                self.index.client.get_collection(
                    self.index.collection_name(self.version), embedding_function=None
                ).metadata
                or {}
            )
        if _MANIFEST_KEY not in meta:
            raise IndexNotFoundError(f"index version {self.version} on the server is incomplete")
        try:
            return Manifest.model_validate_json(str(meta[_MANIFEST_KEY]))
        except ValidationError as exc:
            raise IndexDamagedError(
                f"the manifest of index version {self.version} on the server is damaged: "
                f"{exc.errors()[0]['msg']}",
                hint=REBUILD_HINT,
            ) from exc

    def write_manifest(self, manifest: BaseModel) -> None:
        with self.index._calls():
            self._collection.modify(metadata={_MANIFEST_KEY: manifest.model_dump_json()})


class RemoteSentenceTable:
    """The stored sentence vectors of one version (``--sentences``), with the methods of
    the folder's ``SentenceTable``: one record per (chunk, sentence)."""

    def __init__(self, index: RemoteIndex, version: str, *, writable: bool) -> None:
        self.index = index
        self.writable = writable
        name = index.collection_name(version, "sentences")
        with index._calls():
            self._collection = index.client.get_or_create_collection(name, embedding_function=None)
        self._count: int | None = None  # a serving version never changes: counted once

    def count(self) -> int:
        if self._count is None or self.writable:
            with self.index._calls():
                self._count = int(self._collection.count())
        return self._count

    def get(self, keys: Iterable[bytes]) -> dict[bytes, Vectors]:
        wanted = list(dict.fromkeys(k.hex() for k in keys))
        found: dict[bytes, Vectors] = {}
        for start in range(0, len(wanted), _BATCH):
            part = wanted[start : start + _BATCH]
            with self.index._calls():
                got = self._collection.get(
                    where={"key": {"$in": part}}, include=["metadatas", "embeddings"]
                )
            for meta, vector in zip(got["metadatas"], got["embeddings"], strict=True):
                found[bytes.fromhex(str(meta["key"]))] = np.asarray(vector, dtype=np.float32)
        return found

    def replace(self, chunk_ids: Iterable[str], rows: Iterable[tuple[str, bytes, Vectors]]) -> None:
        self._writable()
        ids = list(chunk_ids)
        with self.index._calls():
            for start in range(0, len(ids), _BATCH):
                self._collection.delete(where={"chunk": {"$in": ids[start : start + _BATCH]}})
        batch: list[tuple[str, bytes, Vectors]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == _BATCH:
                self._upsert(batch)
                batch = []
        self._upsert(batch)

    def _upsert(self, rows: list[tuple[str, bytes, Vectors]]) -> None:
        if rows:
            with self.index._calls():
                self._collection.upsert(
                    ids=[f"{c}:{k.hex()}" for c, k, _ in rows],
                    embeddings=np.stack([np.asarray(v, dtype=np.float32) for _, _, v in rows]),
                    metadatas=[{"chunk": c, "key": k.hex()} for c, k, _ in rows],
                )

    def keep_only(self, chunk_ids: Iterable[str]) -> None:
        self._writable()
        gone = self.chunks() - set(chunk_ids)
        self.replace(gone, [])

    def chunks(self) -> set[str]:
        found: set[str] = set()
        total = self.count()
        for offset in range(0, total, _BATCH):
            with self.index._calls():
                got = self._collection.get(include=["metadatas"], limit=_BATCH, offset=offset)
            found.update(str(m["chunk"]) for m in got["metadatas"])
        return found

    def copy_from(self, other: RemoteSentenceTable) -> None:
        with self.index._calls():
            total = int(other._collection.count())
        for offset in range(0, total, _BATCH):
            with self.index._calls():
                got = other._collection.get(
                    include=["metadatas", "embeddings"], limit=_BATCH, offset=offset
                )
                if got["ids"]:
                    self._collection.upsert(
                        ids=got["ids"], embeddings=got["embeddings"], metadatas=got["metadatas"]
                    )

    def load_vectors(self, pause: Callable[[], None] | None = None) -> None:
        """Nothing to load: the server searches its own index of the sentences."""

    def search(
        self, vector: Vectors, n: int, among: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, similarity of its best sentence), best ``n`` first: the server's
        nearest sentences, a few per chunk asked for, kept once per chunk; with
        ``among``, only sentences of those chunks (a filter on the server)."""
        if n <= 0 or (among is not None and not among):
            return []
        total = self.count()  # one request a question, not two
        if not total:
            return []
        with self.index._calls():
            got = self._collection.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32)],
                n_results=min(total, n * 4),
                where={"chunk": {"$in": sorted(set(among))}} if among is not None else None,
                include=["metadatas", "distances"],
            )
        best: dict[str, float] = {}
        for meta, distance in zip(got["metadatas"][0], got["distances"][0], strict=True):
            # squared L2 between unit vectors: 2 - 2 cos
            best.setdefault(str(meta["chunk"]), 1.0 - float(distance) / 2.0)
        return list(best.items())[:n]

    def close(self) -> None:
        """Nothing to release on the client side."""

    def _writable(self) -> None:
        if not self.writable:
            raise ValueError("a serving version's sentences are not written")
