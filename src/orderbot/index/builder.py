"""Build or refresh the index from the corpus folder.

Refreshing is incremental: a chunk whose content hash is unchanged is not embedded
again; chunks of removed documents leave the index; the chunks of a file that cannot be
read this time are kept as they were, so a bad edit never loses indexed text.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import BaseModel, Field

from orderbot.config import Settings
from orderbot.index.embedder import Embedder, load_embedder
from orderbot.index.store import ChunkStore, Manifest, manifest_documents, now_iso
from orderbot.ingest import FileProblem, chunk_document, load_corpus
from orderbot.models import Chunk

Progress = Callable[[int, int], None]


class IngestReport(BaseModel):
    index_path: str
    documents: int
    chunks: int
    embedded: int
    removed: int
    problems: list[FileProblem] = Field(default_factory=list)
    seconds: float


def build_index(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    on_progress: Progress | None = None,
) -> IngestReport:
    started = time.perf_counter()
    loaded = load_corpus(settings.corpus_dir)
    chunks: list[Chunk] = []
    for doc in loaded.documents:
        chunks += chunk_document(doc, settings.index.chunk_size)

    store = ChunkStore.open(settings.index.index_path(), create=True)
    stored = store.hashes()
    failed_docs = {p.doc_id for p in loaded.problems}
    fresh = {c.id for c in chunks}
    stale = [i for i, (doc, _) in stored.items() if i not in fresh and doc not in failed_docs]
    todo = [c for c in chunks if stored.get(c.id, ("", ""))[1] != c.content_hash]

    store.delete(stale)
    if todo:
        embedder = embedder or load_embedder(
            settings.index.embedding_model, settings.index.embed_batch_size
        )
        batch = settings.index.embed_batch_size * 4
        for start in range(0, len(todo), batch):
            part = todo[start : start + batch]
            store.add(part, embedder.embed([c.embed_text for c in part]))
            if on_progress:
                on_progress(start + len(part), len(todo))
    elif on_progress:
        on_progress(0, 0)

    kept = store.chunks()
    paths = {d.doc_id: d.path for d in loaded.documents}
    store.write_manifest(
        Manifest(
            index_name=settings.index.index_name(),
            embedding_model=settings.index.embedding_model,
            built_at=now_iso(),
            documents=manifest_documents(kept, paths),
        )
    )
    return IngestReport(
        index_path=str(store.path),
        documents=len({c.doc_id for c in kept}),
        chunks=len(kept),
        embedded=len(todo),
        removed=len(stale),
        problems=loaded.problems,
        seconds=round(time.perf_counter() - started, 3),
    )
