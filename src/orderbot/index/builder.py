"""Build or refresh the index from the corpus folder.

Refreshing is incremental at two levels: a file whose hash is unchanged is not even
parsed (its chunks and vectors are carried over), and a chunk whose content hash is
unchanged is not embedded again. Chunks of removed files leave the index; the chunks of a
file that cannot be read this time are kept as they were, so a bad edit never loses
indexed text.

Refreshing is atomic: the new index is written to a new version folder, beside the
serving one, which is never written to; only when it is complete does the pointer switch
to it (``versions.publish``). A crash or kill before that leaves the previous index
serving, and the next ingest removes the unfinished folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel, Field

from orderbot.config import Settings
from orderbot.errors import CorpusError, IndexDamagedError
from orderbot.index.embedder import Embedder, load_embedder
from orderbot.index.location import IndexLocation, index_location
from orderbot.index.sentences import embed_sentences
from orderbot.index.store import ChunkStore, DocumentEntry, Manifest, now_iso
from orderbot.ingest import FileProblem, chunk_document, load_corpus
from orderbot.ingest.corpus import corpus_files, doc_id_for, file_hash
from orderbot.ingest.provenance import read_provenance
from orderbot.ingest.quarantine import Quarantined
from orderbot.models import Chunk, ParsedDocument

Progress = Callable[[int, int], None]


class IngestReport(BaseModel):
    index_path: str
    documents: int
    chunks: int
    parsed: int = Field(0, description="Files parsed (new or changed).")
    embedded: int
    removed: int
    problems: list[FileProblem] = Field(default_factory=list)
    quarantined: list[Quarantined] = Field(
        default_factory=list, description="Documents held back: they carry an instruction."
    )
    seconds: float
    version: str | None = Field(None, description="The serving version after the ingest.")
    damaged: str | None = Field(
        None,
        description="Why the serving version could not be read, when the index was built "
        "again from the corpus.",
    )


def build_index(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    on_progress: Progress | None = None,
) -> IngestReport:
    started = time.perf_counter()
    root = index_location(settings.index)  # a folder, or a Chroma server
    with root.lock():
        try:
            serving = _open_serving(root)
            damaged = None
        except IndexDamagedError as exc:
            # Built again from the corpus; nothing is deleted, the damaged version stays.
            serving, damaged = None, exc.message
        try:
            report = _build(settings, root, serving, embedder, on_progress, started)
        finally:
            if serving is not None:
                serving[0].close()
        return report.model_copy(update={"damaged": damaged}) if damaged else report


def _open_serving(root: IndexLocation) -> tuple[ChunkStore, Manifest] | None:
    """The serving version and its manifest (read once), after removing what a killed
    ingest left behind; None when there is none yet."""
    root.clean()
    if not root.current_name():
        return None
    store = root.open()
    try:
        return store, store.read_manifest()
    except IndexDamagedError:
        store.close()
        raise


def _build(
    settings: Settings,
    root: IndexLocation,
    serving: tuple[ChunkStore, Manifest] | None,
    embedder: Embedder | None,
    on_progress: Progress | None,
    started: float,
) -> IngestReport:
    old, old_manifest = serving if serving else (None, None)
    before = {d.doc_id: d for d in old_manifest.documents} if old_manifest else {}
    hashes = {
        doc_id_for(settings.corpus_dir, p): file_hash(p) for p in corpus_files(settings.corpus_dir)
    }
    if before and not hashes:
        # An empty or mistyped folder would otherwise remove every document, and a server
        # would switch to the empty index: refuse, keep the index as it is.
        raise CorpusError(
            f"the corpus folder {settings.corpus_dir} has no documents; the index "
            f"({len(before)} document{'' if len(before) == 1 else 's'}) is kept as it is. "
            "Check ORDERBOT_CORPUS_DIR, or, to empty the index on purpose, delete its folder"
        )
    unchanged = {d for d, h in hashes.items() if d in before and before[d].sha256 == h}
    loaded = load_corpus(settings.corpus_dir, skip=lambda doc_id, _: doc_id in unchanged)
    failed = {p.doc_id for p in loaded.problems} & set(before)
    carried = unchanged | failed  # kept as they are in the index
    chunks: list[Chunk] = []
    for doc in loaded.documents:
        chunks += chunk_document(doc, settings.index.chunk_size)

    stored = old.hashes() if old else {}
    keep = [i for i, (doc, _) in stored.items() if doc in carried]
    reuse = [c.id for c in chunks if stored.get(c.id) == (c.doc_id, c.content_hash)]
    todo = [c for c in chunks if stored.get(c.id) != (c.doc_id, c.content_hash)]
    fresh = set(keep) | {c.id for c in chunks}
    removed = [i for i in stored if i not in fresh]
    gone = set(before) - set(hashes)

    def report(version: str | None, count: int, documents: int) -> IngestReport:
        return IngestReport(
            index_path=str(root),
            documents=documents,
            chunks=count,
            parsed=len(loaded.documents),
            embedded=len(todo),
            removed=len(removed),
            problems=loaded.problems,
            quarantined=loaded.quarantined,
            seconds=round(time.perf_counter() - started, 3),
            version=version,
        )

    # A quarantine decision is a change too: an indexed file that now carries an
    # instruction leaves the index; a cleared or deleted one leaves the list.
    held = sorted((q.doc_id, q.sha256) for q in loaded.quarantined)
    held_before = (
        sorted((q.doc_id, q.sha256) for q in old_manifest.quarantined) if old_manifest else []
    )
    if old and old_manifest and not loaded.documents and not gone and held == held_before:
        if on_progress:
            on_progress(0, 0)
        return report(old.path.name, old_manifest.chunks, len(old_manifest.documents))

    # Load the model beside the file copy and the deletions, and only if it is needed.
    model = _ModelLoader(settings, embedder) if todo else None
    # A copy of the serving version, which is never written to (a folder copy closes it).
    new = root.create(copy_of=old)
    try:
        changed = {c.id for c in todo}
        new.delete([i for i in stored if i not in fresh or i in changed])
        new.sentences.keep_only(keep + reuse + list(changed))  # changed: replaced below
        _embed(settings, new, todo, model, on_progress)
        counts: dict[str, int] = {}
        for doc_id in [stored[i][0] for i in keep + reuse] + [c.doc_id for c in todo]:
            counts[doc_id] = counts.get(doc_id, 0) + 1
        entries = _entries(counts, loaded.documents, before, carried, hashes)
        new.write_manifest(
            Manifest(
                index_name=settings.index.index_name(),
                embedding_model=settings.index.embedding_model,
                built_at=now_iso(),
                documents=entries,
                quarantined=loaded.quarantined,
            )
        )
        count = sum(counts.values())
    finally:
        new.close()
        if model is not None:
            model.close()
    root.publish(new)
    root.clean()
    return report(new.path.name, count, len(entries))


class _ModelLoader:
    """The embedding model, loading in a thread from the moment an ingest knows it has
    something to embed (loading it takes seconds; copying the old version meanwhile)."""

    def __init__(self, settings: Settings, embedder: Embedder | None) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="orderbot-model")
        self._future: Future[Embedder] | None = None
        self._embedder = embedder
        if embedder is None:
            index = settings.index
            self._future = self._pool.submit(
                load_embedder,
                index.embedding_model,
                settings.generation.cache_dir(),
                index.embed_batch_size,
            )

    def get(self) -> Embedder:
        if self._embedder is None and self._future is not None:
            self._embedder = self._future.result()
        assert self._embedder is not None
        return self._embedder

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def _embed(
    settings: Settings,
    store: ChunkStore,
    todo: list[Chunk],
    model: _ModelLoader | None,
    on_progress: Progress | None,
) -> None:
    """Embed the new or changed chunks and their sentences into ``store``."""
    if on_progress:
        on_progress(0, len(todo))
    if not todo or model is None:
        return
    embedder = model.get()
    batch = settings.index.embed_batch_size * 4
    for start in range(0, len(todo), batch):
        part = todo[start : start + batch]
        store.add(part, embedder.embed([c.embed_text for c in part]))
        embed_sentences(store.sentences, part, embedder)
        if on_progress:
            on_progress(start + len(part), len(todo))


def _entries(
    counts: dict[str, int],
    parsed: list[ParsedDocument],
    before: dict[str, DocumentEntry],
    carried: set[str],
    hashes: dict[str, str],
) -> list[DocumentEntry]:
    entries = {d: before[d] for d in carried if d in counts}
    now = now_iso()
    for doc in parsed:
        pages = [p.page for s in doc.sections for p in s.paragraphs if p.page]
        provenance = read_provenance(Path(doc.path))
        entries[doc.doc_id] = DocumentEntry(
            doc_id=doc.doc_id,
            title=doc.title,
            path=doc.path,
            chunks=counts.get(doc.doc_id, 0),
            sha256=hashes.get(doc.doc_id, ""),
            pages=max(pages) if pages else None,
            url=doc.url,
            retrieved_at=provenance.retrieved_at if provenance else None,
            ingested_at=now,
        )
    return [entries[d] for d in sorted(entries)]
