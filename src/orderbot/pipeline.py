"""Question in, grounded answer out: retrieval, relevance gate, generation, timings."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Sequence

from orderbot.chat import Turn, standalone_question
from orderbot.config import Settings
from orderbot.generate import Generator, check_backend, make_generator
from orderbot.index import versions
from orderbot.index.embedder import Embedder, load_embedder
from orderbot.index.store import ChunkStore
from orderbot.ingest.sentences import split_sentences
from orderbot.models import Answer, Context, Generation, StreamEvent, Timings
from orderbot.question import check_question
from orderbot.retrieve import HybridRetriever


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        store: ChunkStore,
        retriever: HybridRetriever,
        generator: Generator,
    ) -> None:
        self.settings = settings
        self.store = store
        self.retriever = retriever
        self.generator = generator
        self.manifest = store.read_manifest()
        stamp = versions.pointer_stamp(settings.index.index_path())
        # Only a stamp naming this very store: one published while it opened is stale.
        self._stamp = stamp if stamp and versions.stamp_names(stamp, store.path.name) else None
        self._reload_lock = threading.Lock()

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
    ) -> Pipeline:
        if generator is None:
            check_backend(settings.generation.backend)  # fail before loading any model
        store = ChunkStore.open(settings.index.index_path())
        embedder = embedder or load_embedder(
            settings.index.embedding_model, settings.index.embed_batch_size
        )
        retriever = HybridRetriever(store, embedder, settings.retrieval)
        return cls(
            settings, store, retriever, generator or make_generator(settings.generation, embedder)
        )

    def reload_if_stale(self) -> bool:
        """Switch to a newer index if an ingest has published one; True if it did.

        Cheap when nothing changed (one small file read), so a server calls it before
        each request. Thread-safe: a request already running finishes on the store it
        started with; later ones use the new one."""
        root = self.settings.index.index_path()
        if versions.pointer_stamp(root) == self._stamp:
            return False
        with self._reload_lock:
            stamp = versions.pointer_stamp(root)
            if stamp == self._stamp:
                return False
            store = ChunkStore.open(root)
            retriever = HybridRetriever(store, self.retriever.embedder, self.settings.retrieval)
            self.store, self.retriever, self.manifest = store, retriever, store.read_manifest()
            self._stamp = stamp
            return True

    @property
    def documents(self) -> list[str]:
        """Titles of the indexed documents, fetched sources left out."""
        return [d.title for d in self.manifest.documents if not d.url]

    def refusal(self) -> str:
        titles = "; ".join(f"“{t}”" for t in self.documents) or "the indexed documents"
        return (
            "The documents do not cover this question, so I cannot answer it without "
            f"guessing. I answer questions about {titles} and the sources its footnotes cite."
        )

    def check_question(self, question: str) -> str:
        return check_question(question, self.settings.max_question_chars)

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        return self._answer(question, history)

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]:
        """The answer as checked sentences (``sentence`` events), then the whole
        ``answer``. Nothing that failed the citation check is ever sent."""
        answer = self.ask(question, history)
        cited = {c.n: c for c in answer.citations}
        for sentence in split_sentences(answer.answer):
            numbers = [int(n) for n in re.findall(r"\[(\d+)\]", sentence)]
            yield StreamEvent(
                kind="sentence",
                text=sentence,
                citations=[cited[n] for n in dict.fromkeys(numbers) if n in cited],
            )
        yield StreamEvent(kind="answer", answer=answer)

    def _answer(self, question: str, history: Sequence[Turn]) -> Answer:
        text = self.check_question(question)
        t0 = time.perf_counter()
        query = standalone_question(text, history)
        retriever = self.retriever  # one index for the whole question, even mid-reload
        retrieval = retriever.retrieve(query)
        t1 = time.perf_counter()
        if retrieval.relevant:  # no model is called when nothing relevant was found
            generation = self.generator.generate(query, retrieval.results)
        else:
            generation = Generation(answer=self.refusal(), refused=True)
        if generation.refused:
            generation = generation.model_copy(update={"answer": self.refusal()})
        t2 = time.perf_counter()
        return Answer(
            question=text,
            answer=generation.answer,
            refused=generation.refused,
            citations=generation.citations,
            contexts=[
                Context(
                    chunk_id=r.chunk.id,
                    document=r.chunk.document,
                    section=r.chunk.section,
                    text=r.chunk.text,
                    score=round(r.score, 6),
                )
                for r in retrieval.results
            ],
            generator=generation.generator or self.generator.name,
            timings_ms=Timings(retrieve=_ms(t1 - t0), generate=_ms(t2 - t1), total=_ms(t2 - t0)),
            rewritten_question=query if query != text else None,
            unsupported=generation.unsupported,
        )


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)
