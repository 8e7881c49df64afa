"""Sentence vectors computed once, at ingest, and stored with the version.

An extractive answer (and the citation check of a model's answer) scores every sentence
of the retrieved passages against the question; embedding those sentences per question
was 94% of an answer's time at 10,000 chunks. An ingest therefore embeds each chunk's
sentences — split exactly as the answer path splits them (``sentence_texts``) — and keeps
them in ``sentences.sqlite`` inside the version folder, one row per (chunk id, sentence
hash). ``StoredSentenceEmbedder`` serves them: it is an ``Embedder`` that returns the
stored vector of a text it knows and embeds only the others (the question)."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from orderbot.index.embedder import Embedder, Vectors
from orderbot.ingest.sentences import unit_spans
from orderbot.models import Chunk

FILE = "sentences.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sentences (
    chunk TEXT NOT NULL,
    key BLOB NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (chunk, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sentences_key ON sentences (key);
"""
_BATCH = 500  # sqlite's host-parameter limit is well above this
_PAGE = 2000  # sentence vectors read between two pauses


def sentence_texts(chunk: Chunk) -> list[str]:
    """The texts an answer scores for ``chunk``: its units (``unit_spans``)."""
    return [chunk.text[start:end] for start, end in unit_spans(chunk.kind, chunk.text)]


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class SentenceTable:
    """The ``sentences.sqlite`` of one version: read-only when serving, writable while
    an ingest fills a new version. Thread-safe (one connection behind a lock)."""

    def __init__(self, folder: Path, *, writable: bool) -> None:
        self.path = folder / FILE
        self.writable = writable
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        if writable:
            self._conn = sqlite3.connect(self.path, check_same_thread=False)
            self._conn.executescript(_SCHEMA)
        elif self.path.is_file():  # an index built before sentence vectors: no table
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._matrix: SentenceMatrix | None = None
        self._loaded = False  # read once, even when there was nothing to read

    def get(self, keys: Iterable[bytes]) -> dict[bytes, Vectors]:
        """The stored vector of each known key (unknown keys are left out)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[bytes, Vectors] = {}
        with self._lock:
            if self._conn is None:
                return found
            for start in range(0, len(wanted), _BATCH):
                part = wanted[start : start + _BATCH]
                rows = self._conn.execute(
                    f"SELECT key, vector FROM sentences WHERE key IN ({','.join('?' * len(part))})",
                    part,
                )
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def replace(self, chunk_ids: Iterable[str], rows: Iterable[tuple[str, bytes, Vectors]]) -> None:
        """Drop the rows of ``chunk_ids``, then store (chunk id, sentence key, vector) rows."""
        with self._lock:
            conn = self._writer()
            conn.executemany("DELETE FROM sentences WHERE chunk = ?", ((i,) for i in chunk_ids))
            conn.executemany(
                "INSERT OR REPLACE INTO sentences VALUES (?, ?, ?)",
                ((c, k, np.asarray(v, dtype=np.float32).tobytes()) for c, k, v in rows),
            )
            conn.commit()

    def keep_only(self, chunk_ids: Iterable[str]) -> None:
        """Drop the rows of every chunk not in ``chunk_ids`` (removed or changed ones)."""
        with self._lock:
            conn = self._writer()
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep (chunk TEXT PRIMARY KEY)")
            conn.execute("DELETE FROM keep")
            conn.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((i,) for i in chunk_ids))
            conn.execute("DELETE FROM sentences WHERE chunk NOT IN (SELECT chunk FROM keep)")
            conn.commit()

    def chunks(self) -> set[str]:
        with self._lock:
            if self._conn is None:
                return set()
            return {row[0] for row in self._conn.execute("SELECT DISTINCT chunk FROM sentences")}

    def load_vectors(self, pause: Callable[[], None] | None = None) -> None:
        """Read every sentence vector into memory for ``search`` (~1.5 KB a sentence), a
        page at a time with ``pause()`` before each (a server loading this version in the
        background steps aside for requests)."""
        with self._lock:
            if self._loaded or self._conn is None:
                return
            cursor = self._conn.execute("SELECT chunk, vector FROM sentences ORDER BY chunk")
            chunks: list[str] = []
            blobs: list[bytes] = []
            while True:
                if pause is not None:
                    pause()
                rows = cursor.fetchmany(_PAGE)
                if not rows:
                    break
                for chunk, blob in rows:
                    chunks.append(chunk)
                    blobs.append(blob)
            self._matrix = SentenceMatrix.of(chunks, blobs)
            self._loaded = True

    def search(
        self, vector: Vectors, n: int, among: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, similarity of its best sentence to ``vector``), best ``n`` first;
        with ``among``, only those chunks are weighed."""
        if not self._loaded:
            self.load_vectors()
        return self._matrix.search(vector, n, among) if self._matrix is not None else []

    def close(self) -> None:
        with self._lock:
            self._matrix = None
            self._loaded = False
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _writer(self) -> sqlite3.Connection:
        if self._conn is None or not self.writable:
            raise ValueError(f"{self.path} is not open for writing")
        return self._conn


class SentenceMatrix:
    """Every sentence vector of a version, rows grouped by chunk, for exact search by the
    best sentence of each chunk: over all rows (~5 ms for 60,000 sentences on one core,
    memory-bound), or over the rows of given chunks (microseconds for a few hundred)."""

    def __init__(self, chunk_ids: list[str], starts: npt.NDArray[np.intp], vectors: Vectors):
        self.chunk_ids = chunk_ids  # one per group of rows
        self.starts = starts  # the first row of each group
        self.vectors = vectors
        ends = [*starts[1:].tolist(), len(vectors)]
        self.rows = {c: (int(s), e) for c, s, e in zip(chunk_ids, starts, ends, strict=True)}

    @classmethod
    def of(cls, chunks: list[str], blobs: list[bytes]) -> SentenceMatrix | None:
        """From rows sorted by chunk id; None when there are none."""
        if not chunks:
            return None
        vectors = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)
        starts = [i for i, c in enumerate(chunks) if i == 0 or c != chunks[i - 1]]
        return cls([chunks[i] for i in starts], np.asarray(starts, dtype=np.intp), vectors)

    def search(
        self, vector: Vectors, n: int, among: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        query = np.asarray(vector, dtype=np.float32)
        if among is None:
            ids, best = self.chunk_ids, np.maximum.reduceat(self.vectors @ query, self.starts)
        else:
            ids = [c for c in dict.fromkeys(among) if c in self.rows]
            if not ids:
                return []
            spans = [self.rows[c] for c in ids]
            sub = self.vectors[np.concatenate([np.arange(s, e) for s, e in spans])]
            starts = np.cumsum([0] + [e - s for s, e in spans[:-1]])
            best = np.maximum.reduceat(sub @ query, starts)
        n = min(n, len(best))
        if n <= 0:
            return []
        top = np.argpartition(-best, n - 1)[:n]
        top = top[np.argsort(-best[top], kind="stable")]
        return [(ids[i], float(best[i])) for i in top]


def embed_sentences(table: SentenceTable, chunks: Sequence[Chunk], embedder: Embedder) -> int:
    """Store the sentence vectors of ``chunks`` (replacing what the table held for them);
    a sentence whose text the table already holds (an unchanged sentence of an edited
    chunk) is not embedded again. Returns the number of sentences embedded."""
    wanted = [(c.id, text_key(t), t) for c in chunks for t in sentence_texts(c)]
    known = table.get(k for _, k, _ in wanted)
    todo = list({k: t for _, k, t in wanted if k not in known}.items())
    if todo:
        vectors = embedder.embed([t for _, t in todo])
        known.update(zip((k for k, _ in todo), vectors, strict=True))
    table.replace((c.id for c in chunks), ((c, k, known[k]) for c, k, _ in wanted))
    return len(todo)


class StoredSentenceEmbedder:
    """An ``Embedder`` for the answer path: stored sentence vectors for the texts the
    index knows, the model for the rest. The table is swapped when a new index is loaded
    (a text has the same vector in every version, so a question in flight is unaffected)."""

    def __init__(self, model: Embedder, table: SentenceTable | None = None) -> None:
        self.model = model
        self.name = model.name
        self.table = table

    def embed(self, texts: Sequence[str]) -> Vectors:
        table = self.table
        keys = [text_key(t) for t in texts]
        known = table.get(keys) if table is not None else {}
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in known))
        if missing:
            known.update(zip(map(text_key, missing), self.model.embed(missing), strict=True))
        if not texts:
            return self.model.embed([])
        return np.stack([known[k] for k in keys])


__all__ = [
    "SentenceMatrix",
    "SentenceTable",
    "StoredSentenceEmbedder",
    "embed_sentences",
    "sentence_texts",
    "text_key",
]
