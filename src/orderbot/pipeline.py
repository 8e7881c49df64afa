"""Question in, grounded answer out: retrieval, evidence, the coverage decision, checked
sentences as they are written, timings."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import re
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import closing
from typing import TypeVar

from orderbot.acronyms import Glossary
from orderbot.config import Settings
from orderbot.conversation import (
    Standalone,
    Turn,
    asks_for_more,
    earlier_answers,
    repeats,
    standalone,
)
from orderbot.errors import IndexUnavailableError
from orderbot.foreground import Foreground, paced
from orderbot.generate import Generator, check_backend, make_generator
from orderbot.generate.asked import (
    asks_for_overview,
    person_asked,
    slot_of,
    speaker_of,
    titled_in,
)
from orderbot.generate.base import Written
from orderbot.generate.citations import CitationList
from orderbot.generate.coverage import CoverageJudge, Vocabulary
from orderbot.generate.evidence import (
    Evidence,
    Saying,
    asks_about_sources,
    goes_on,
    sentences_saying,
)
from orderbot.generate.factory import make_yes_no_judge
from orderbot.generate.lists import Enumeration, enumerations
from orderbot.generate.model_api import Stream
from orderbot.generate.title import write_address, write_title
from orderbot.generate.yesno import YesNoJudge
from orderbot.index.embedder import Embedder, load_embedder
from orderbot.index.location import index_location
from orderbot.index.sentences import StoredSentenceEmbedder
from orderbot.index.store import ChunkStore, Manifest
from orderbot.language import other_language
from orderbot.models import (
    Answer,
    Context,
    Coverage,
    Refusal,
    Retrieval,
    StreamEvent,
    Timings,
)
from orderbot.question import (
    THE_DOCUMENT,
    SmallTalk,
    about_the_makers,
    asks_for_title,
    asks_what_it_is,
    asks_where_it_is_online,
    check_question,
    is_instruction_to_me,
    small_talk,
    written_out,
)
from orderbot.retrieve import HybridRetriever
from orderbot.spelling import Speller

log = logging.getLogger(__name__)
_T = TypeVar("_T")


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        store: ChunkStore,
        retriever: HybridRetriever,
        generator: Generator,
        yes_no: YesNoJudge | None = None,
    ) -> None:
        self.settings = settings
        self.yes_no = yes_no  # coverage's second stage (coverage.judge), if on
        self.store = store
        self.retriever = retriever
        self.generator = generator
        self.manifest = store.read_manifest()
        self.location = index_location(settings.index)  # a folder, or a Chroma server
        stamp = self.location.stamp()
        # Only a stamp naming this very store: one published while it opened is stale.
        current = self.location.current_name() if stamp else None
        self._stamp = stamp if current == store.path.name else None
        self._failed: Hashable | None = None
        # Held by whoever loads a new index (a background thread, or a waiting caller).
        self._reload_lock = threading.Lock()
        # Per index version, dropped with its retriever (no strong reference): the coverage
        # judge, the lists its documents hold and the acronyms of their names; one lock
        # guards them.
        self._judges: weakref.WeakKeyDictionary[HybridRetriever, CoverageJudge] = (
            weakref.WeakKeyDictionary()
        )
        self._lists: weakref.WeakKeyDictionary[HybridRetriever, tuple[Enumeration, ...]] = (
            weakref.WeakKeyDictionary()
        )
        self._glossaries: weakref.WeakKeyDictionary[HybridRetriever, Glossary] = (
            weakref.WeakKeyDictionary()
        )
        self._spellers: weakref.WeakKeyDictionary[HybridRetriever, Speller] = (
            weakref.WeakKeyDictionary()
        )
        self._per_index_lock = threading.Lock()
        self.judge(retriever)  # the vocabulary is read here, not in a visitor's request
        self.glossary(retriever)  # and so are the documents' names
        self.speller(retriever)  # and their words
        # Requests in flight (a server marks them): a background load steps aside for them.
        self.foreground = Foreground()

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
        yes_no: YesNoJudge | None = None,
    ) -> Pipeline:
        """The pipeline over the serving index. The retriever and the generator get a
        ``StoredSentenceEmbedder``: the sentence vectors stored at ingest, the model
        only for texts the index does not hold (the question). The coverage judge's
        second stage is made from ``coverage.judge`` unless ``yes_no`` is given."""
        if generator is None:
            check_backend(settings.generation.backend)  # fail before loading any model
        store = index_location(settings.index).open()
        try:
            index = settings.index
            model = embedder or load_embedder(
                index.embedding_model, settings.generation.cache_dir(), index.embed_batch_size
            )
            if not isinstance(model, StoredSentenceEmbedder):
                model = StoredSentenceEmbedder(model, store.sentences)
            retriever = HybridRetriever(store, model, settings.retrieval)
            if generator is None:  # the prompt names the indexed documents
                titles = main_titles(store.read_manifest())
                generator = make_generator(settings.generation, subject(settings, titles))
            if yes_no is None:
                yes_no = make_yes_no_judge(settings.coverage, settings.generation)
            pipeline = cls(settings, store, retriever, generator, yes_no)
        except BaseException:
            store.close()
            raise
        return pipeline

    def reload_if_stale(self, *, wait: bool = False) -> bool:
        """Pick up a newer index if an ingest has published one.

        The check is one ``stat`` of the pointer, so a server calls this before each
        request. A new index is loaded beside the serving one in a background thread
        (opening it and building BM25 take seconds at 10,000 chunks) and swapped in when
        ready; requests meanwhile, and any request already running, answer from the old
        one, which is closed once no request uses it. Returns at once (False) unless
        ``wait``: then it loads the new index itself, or waits for the load under way,
        and returns True if this call switched. Thread-safe: one load per new index."""
        try:
            stamp = self.location.stamp()
        except IndexUnavailableError as exc:  # the question in hand will say so (503)
            log.warning("cannot check for a new index: %s", exc)
            return False
        if stamp == self._stamp or (stamp == self._failed and not wait):
            return False
        if wait:
            with self._reload_lock:
                return self._reload()
        if self._reload_lock.acquire(blocking=False):
            threading.Thread(target=self._reload_in_background, name="orderbot-reload").start()
        return False

    def wait_for_reload(self) -> None:
        """Wait until a background load, if one is running, has finished."""
        with self._reload_lock:
            pass

    def close(self) -> None:
        """Close the serving store (the pipeline is unusable afterwards), and wait for
        released ones to finish closing."""
        self.wait_for_reload()
        self.store.close()
        wait_for_released()

    def _reload_in_background(self) -> None:
        try:
            self._reload()
        except Exception:  # keep serving the old index; retried when the pointer changes
            log.exception("could not load the new index; still serving %s", self.store.path)
        finally:
            self._reload_lock.release()

    def _reload(self) -> bool:
        """Load the published index and swap it in (the caller holds ``_reload_lock``)."""
        stamp = self.location.stamp()  # before reading the pointer: never too new
        if stamp == self._stamp:
            return False
        if self.location.current_name() == self.store.path.name:
            self._stamp = stamp
            return False
        self._failed = stamp
        pause = self.foreground.pause
        pause()
        store = self.location.open()
        try:
            embedder = self.retriever.embedder
            retriever = HybridRetriever(store, embedder, self.settings.retrieval, pause)
            manifest = store.read_manifest()
            self.judge(retriever, pause)  # off the request path too
            self.glossary(retriever, pause)
            self.speller(retriever, pause)
        except BaseException:
            store.close()
            raise
        old_store, old_retriever = self.store, self.retriever
        if isinstance(embedder, StoredSentenceEmbedder):
            embedder.table = store.sentences  # same vectors for the same text in any version
        self.store, self.retriever, self.manifest = store, retriever, manifest
        self._stamp, self._failed = stamp, None
        # The old store is closed when the last question holding its retriever is done.
        weakref.finalize(old_retriever, _release, old_store)
        return True

    @property
    def documents(self) -> list[str]:
        """Titles of the indexed documents, fetched sources left out."""
        return main_titles(self.manifest)

    @property
    def subject(self) -> str:
        """What the assistant is about (see ``subject``)."""
        return subject(self.settings, self.documents)

    def refusal(self, coverage: Coverage | None = None) -> Refusal:
        """Why the documents do not answer (what is missing, when the decision named it)."""
        text = "The documents do not cover this question, so I cannot answer it without guessing."
        if coverage and coverage.missing:
            text = (
                f"The documents do not say {coverage.missing}: they do not cover this "
                "question, so I cannot answer it without guessing."
            )
        if not (coverage and coverage.nearest):
            text = f"{text} I answer questions about {self.subject}."
        return Refusal(reason="not_covered", message=text)

    def refusal_of_language(self, language: str) -> Refusal:
        return Refusal(
            reason="other_language",
            message=f"This question seems to be in {language}, and I can only read questions "
            f"in English: please ask it in English. I answer questions about {self.subject}.",
        )

    @staticmethod
    def refusal_of_repeat() -> Refusal:
        return Refusal(
            reason="nothing_more",
            # What the search found, not a claim about the whole of the documents.
            message="I found nothing in the documents beyond my previous answer on this. "
            "To learn more, ask about one part of it by name.",
        )

    def refusal_of_small_talk(self, kind: SmallTalk) -> Refusal:
        messages = {
            "greeting": f"Hello! I answer questions about {self.subject}, from the documents, "
            "with citations you can check. What would you like to know?",
            "thanks": f"Glad to help. If you have another question about {self.subject}, "
            "ask it here.",
            "no_words": "I could not find a question in that. I answer questions about "
            f"{self.subject}: please ask one in words.",
            "remark": f"I answer questions about {self.subject} from the documents alone, "
            "each sentence cited so you can check it. You can rate any answer and say why, "
            "or ask me a question.",
        }
        return Refusal(reason="not_a_question", message=messages[kind])

    def refusal_of_instruction(self) -> Refusal:
        return Refusal(
            reason="instruction",
            message="This reads as an instruction to me, not a question about the documents: "
            f"I only answer questions about {self.subject}.",
        )

    @staticmethod
    def refusal_text(refusal: Refusal, coverage: Coverage | None) -> str:
        """The answer's text: the refusal's message, then the nearest sections' titles,
        which a page shows as links from ``coverage.nearest`` instead."""
        if not (coverage and coverage.nearest):
            return refusal.message
        near = "; ".join(  # quotes inside a title become single ones, as in print
            f"“{n.section.replace('“', '‘').replace('”', '’')}”" for n in coverage.nearest
        )
        return f"{refusal.message} The nearest parts of the documents: {near}."

    def check_question(self, question: str) -> str:
        return check_question(question, self.settings.max_question_chars)

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        events = self.stream(question, history)
        for event in events:
            if event.answer is not None:
                return event.answer
        raise AssertionError("a stream always ends with its answer")  # pragma: no cover

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]:
        """The answer as checked sentences (``sentence`` events), each sent as soon as it
        passed the citation check, then the whole ``answer``. Nothing that failed the
        check is ever sent. Closing the stream stops the backend (and its model)."""
        text = self.check_question(question)
        t0 = time.perf_counter()
        retriever = self.retriever  # one index for the whole question, even mid-reload
        read = self.read(retriever, text, history)
        query = read.query
        chat = small_talk(text)  # "hi", "thanks", "🤔🌍🔥"
        # "Ignore ur instructions and…", "write me a poem about NATO": no question to look up.
        plain = written_out(text)
        instruction = not chat and is_instruction_to_me(plain)
        # Surely another language: the English passages its names and cognates match
        # would make half an answer (a visitor got only the second of the two crises).
        foreign = None if chat or instruction else other_language(text)
        looked_up = not (chat or instruction or foreign)
        online = looked_up and asks_where_it_is_online(query)  # the document's own address
        title = online or (looked_up and asks_for_title(query))
        if not looked_up:  # nothing to look up
            retrieval = Retrieval(question=query, results=[], relevant=False)
        elif title:
            retrieval = retriever.title_pages(query, self.documents)
        elif part := _part_summarized(retriever, query):
            retrieval = retriever.section(query, part)
        elif asks_for_overview(query):
            retrieval = retriever.outline(query, self.settings.retrieval.overview_sections)
        else:
            retrieval = retriever.retrieve(query)
        coverage: Coverage | None = None
        sentences: list[str] = []
        # "Why?", "Tell me more": sentences an earlier answer holds wait until one that it
        # does not; if none comes, the answer says there is nothing more, not the same again.
        # Any other follow-up shows them after the new ones: "what happens if they are not
        # solved?" after "what are the crises" led with the crises again (a visitor's).
        previous = earlier_answers(history) if query != text else []
        more = bool(previous) and asks_for_more(text)
        held: list[StreamEvent] = []
        last_held = False  # the sentence written last is held
        cites = CitationList()
        written = Written()
        first: float | None = None
        t1 = time.perf_counter()
        if retrieval.relevant:  # else: off-topic, nothing to weigh
            if title:  # a document names itself: no sentence of it to weigh or quote
                coverage = Coverage(verdict="covered")
                sentences_of = (write_address if online else write_title)(retrieval, cites)
            else:
                evidence = self.evidence(retriever, retrieval, asked=read.asked, adds=read.adds)
                judged = (
                    self.evidence(
                        retriever, retrieval, judged=True, asked=read.asked, adds=read.adds
                    )
                    if retrieval.judged
                    else evidence
                )
                coverage = (  # a document covers its own gist
                    Coverage(verdict="covered")
                    if retrieval.outline
                    else self.judge(retriever).decide(judged).coverage
                )
                sentences_of = self.generator.write(evidence, cites, written)
                if retrieval.outline and asks_what_it_is(query):  # its name, then its gist
                    named = retriever.title_pages(query, self.documents)
                    sentences_of = _chained(write_title(named, cites), sentences_of)
            if coverage.verdict == "covered":
                with closing(sentences_of) as writing:
                    for sentence in writing:
                        first = first or time.perf_counter()
                        numbers = [int(n) for n in _MARKER.findall(sentence)]
                        by_n = {c.n: c for c in cites.citations}
                        event = StreamEvent(
                            kind="sentence",
                            text=sentence,
                            citations=[by_n[n] for n in dict.fromkeys(numbers) if n in by_n],
                        )
                        # with the sentence held, the one going on about it ("These …")
                        follows = last_held and not more and goes_on(sentence)
                        last_held = bool(previous) and (repeats(sentence, previous) or follows)
                        if last_held:
                            held.append(event)
                            continue
                        if more:  # something new: the rest is shown as is
                            sentences.extend(e.text for e in held)
                            yield from held
                            held, previous = [], []
                        sentences.append(sentence)
                        yield event
                if held and not more:  # said before: after what is new
                    sentences.extend(e.text for e in held)
                    yield from held
                    held = []
        else:
            coverage = Coverage(verdict="not_covered")
        repeated = bool(held)  # held to the end: every sentence was said before
        if repeated:
            sentences = []
        refused = not sentences
        refusal: Refusal | None = None
        if refused and not repeated and coverage is not None and coverage.verdict == "covered":
            # Nothing answered: for "When will…?" or "How many…?", what was not found.
            missing = coverage.missing or slot_of(read.asked).describe(read.asked) or None
            coverage = coverage.model_copy(update={"verdict": "not_covered", "missing": missing})
        if chat:
            refusal = self.refusal_of_small_talk(chat)
        elif instruction:
            refusal = self.refusal_of_instruction()
        elif repeated:
            refusal = self.refusal_of_repeat()
            if coverage is not None:  # the nearest sections answer another question
                coverage = coverage.model_copy(update={"nearest": []})
        elif foreign:
            # Not "the documents do not cover this": they may, read in English.
            refusal = self.refusal_of_language(foreign)
            coverage = (coverage or Coverage(verdict="not_covered")).model_copy(
                update={"missing": None, "nearest": []}  # sections found by foreign words
            )
        elif refused:
            refusal = self.refusal(coverage)
        answer_text = (
            self.refusal_text(refusal, coverage) if refusal is not None else " ".join(sentences)
        )
        t2 = time.perf_counter()
        yield StreamEvent(
            kind="answer",
            answer=Answer(
                question=text,
                answer=answer_text,
                refused=refused,
                citations=cites.citations if sentences else [],
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
                generator=written.generator or self.generator.name,
                timings_ms=Timings(
                    retrieve=_ms(t1 - t0),
                    generate=_ms(t2 - t1),
                    total=_ms(t2 - t0),
                    first_sentence=_ms((first or t2) - t0),
                ),
                rewritten_question=query if query != text else None,
                unsupported=written.unsupported,
                coverage=coverage,
                refusal=refusal,
            ),
        )

    def read(
        self, retriever: HybridRetriever, question: str, history: Sequence[Turn] = ()
    ) -> Standalone:
        """``question`` read after ``history`` (a follow-up after the question it
        follows), written out (``question.written_out``: "whats the budget", "r there"),
        its slips read as the documents' words (``spelling``: "climate chnage"), each
        acronym of the documents' names spelt out beside it ("AI (Artificial
        Intelligence)") and each acronym they define put beside its words ("rules based
        order (RBIO)")."""
        speller = self.speller(retriever)

        def typed(text: str) -> str:  # "whats the secuirty council": "what's … security …"
            return speller.correct(written_out(text))

        turns = [
            t.model_copy(update={"content": typed(t.content)}) if t.role == "user" else t
            for t in history
        ]
        asked = typed(question)
        read = standalone(asked, turns, lists=lambda: self.lists(retriever))
        earlier = "" if read.query == asked else read.query.removesuffix(asked)
        first = not any(t.role == "user" for t in history)
        if makers := about_the_makers(asked, earlier, first=first):  # "who wrote it?"
            read = Standalone(query=makers, asked=makers)
        glossary = self.glossary(retriever)

        def spelt(text: str) -> str:
            # The documents' acronym beside its words ("rules based order (RBIO)"),
            # unless someone's words or a cited work are asked about: Blinken's
            # "rules-based order" is his phrase, not the RBIO's every mention.
            text = glossary.spell_out(text)
            quoted = asks_about_sources(text) or speaker_of(text) is not None
            return text if quoted else glossary.abbreviate(text)

        query = spelt(read.query)
        asked = query if read.asked == read.query else spelt(read.asked)
        return Standalone(query=query, asked=asked, adds=read.adds)

    def evidence(
        self,
        retriever: HybridRetriever,
        retrieval: Retrieval,
        *,
        judged: bool = False,
        asked: str | None = None,
        adds: str = "",
    ) -> Evidence:
        """The evidence an answer weighs: ``retrieval``'s passages cut into scored units;
        with ``judged``, the passages the coverage decision weighs. ``asked`` is what the
        kind of thing asked for is read from (``Standalone.asked``); ``adds``, what a
        follow-up asks about that the questions before it did not (``Standalone.adds``)."""
        passages = (retrieval.judged or retrieval.results) if judged else retrieval.results
        # "who is jake sullivan": footnote 1 names him with his office, and answers
        who = person_asked(asked or retrieval.question)
        cited = bool(who) and any(
            p.chunk.kind == "footnote" and titled_in(p.chunk.text, who or "") for p in passages
        )
        return Evidence(
            retrieval.question,
            passages,
            retriever.embedder,
            semantic_weight=self.settings.generation.semantic_weight,
            phrase_bonus=self.settings.generation.phrase_bonus,
            next_chunk=retriever.next_chunk,
            saying=self.saying(retriever),
            outline=retrieval.outline,
            asked=asked,
            adds=adds,
            cited_answers=cited,
        )

    def saying(self, retriever: HybridRetriever) -> Saying:
        """The sentences of ``retriever``'s documents that hold a year, read only in the
        chunks the vocabulary lists for it (none for a year they never give)."""
        holding = self.judge(retriever).vocabulary.holding_year

        def saying(year: str) -> list[str]:
            chunks = (retriever.chunks.get(i) for i in holding(year))
            return sentences_saying((c.text for c in chunks if c is not None), year)

        return saying

    def lists(self, retriever: HybridRetriever) -> tuple[Enumeration, ...]:
        """The lists ``retriever``'s documents hold (the seven variables under their three
        categories), for a follow-up that points at "the first category"; read once."""
        with self._per_index_lock:  # a few list passages: read under the lock
            found = self._lists.get(retriever)
            if found is None:
                chunks = [c for c in retriever.chunks.values() if c.kind == "list"]
                found = tuple(e for c in chunks for e in enumerations(c.text))
                self._lists[retriever] = found
            return found

    def _per_index(
        self,
        cache: weakref.WeakKeyDictionary[HybridRetriever, _T],
        retriever: HybridRetriever,
        build: Callable[[], _T],
    ) -> _T:
        """What ``build()`` reads from ``retriever``'s index, read once. Built outside the
        lock: the questions asking for the serving index's meanwhile must not wait for a
        new version's (nor it for them)."""
        with self._per_index_lock:
            found = cache.get(retriever)
        if found is not None:
            return found
        built = build()
        with self._per_index_lock:
            return cache.setdefault(retriever, built)

    def glossary(
        self, retriever: HybridRetriever, pause: Callable[[], None] | None = None
    ) -> Glossary:
        """The acronyms of the names ``retriever``'s documents use (read as the judge's
        vocabulary is: when the index is loaded, ``pause()`` between runs of chunks)."""
        return self._per_index(
            self._glossaries, retriever, lambda: Glossary.of(_texts(retriever, pause))
        )

    def speller(
        self, retriever: HybridRetriever, pause: Callable[[], None] | None = None
    ) -> Speller:
        """The words ``retriever``'s documents use, a question's slips read as them."""
        return self._per_index(
            self._spellers, retriever, lambda: Speller.of(_texts(retriever, pause))
        )

    def judge(
        self, retriever: HybridRetriever, pause: Callable[[], None] | None = None
    ) -> CoverageJudge:
        """The coverage judge for ``retriever``'s index (its vocabulary read once, with
        ``pause()`` between runs of chunks when a background load reads it)."""

        def build() -> CoverageJudge:
            vocabulary = Vocabulary.of(paced(retriever.chunks.values(), pause, every=200))
            return CoverageJudge(self.settings.coverage, vocabulary, self.yes_no)

        return self._per_index(self._judges, retriever, build)


def _texts(retriever: HybridRetriever, pause: Callable[[], None] | None) -> Iterator[str]:
    """Each chunk's section title and text, ``pause()`` between runs of them."""
    for chunk in paced(retriever.chunks.values(), pause, every=200):
        yield f"{chunk.section}\n{chunk.text}"


def main_titles(manifest: Manifest) -> list[str]:
    """Titles of the indexed documents, fetched sources (retrieved from a footnote's URL)
    left out; a document of the corpus's own may have a URL too, where it is published."""
    return [d.title for d in manifest.documents if d.retrieved_at is None]


def subject(settings: Settings, titles: list[str]) -> str:
    """What the assistant is about: the settings' ``subject``, else the documents' titles."""
    if settings.subject:
        return settings.subject
    named = "; ".join(f"“{t}”" for t in titles) or "the indexed documents"
    return f"{named} and the sources its footnotes cite"


_MARKER = re.compile(r"\[(\d+)\]")


_RELEASE_THREAD = "orderbot-release"


def _release(store: ChunkStore) -> None:
    """Close a store nobody uses any more, in a thread of its own: this runs where the
    last question holding the old index let go of it, and that question's reader should
    not wait for files to close and memory to be trimmed."""
    threading.Thread(target=_close_and_trim, args=(store,), name=_RELEASE_THREAD).start()


def wait_for_released(timeout: float = 10.0) -> None:
    """Wait until the stores released so far (``_release``) have finished closing."""
    for thread in threading.enumerate():
        if thread.name == _RELEASE_THREAD:
            thread.join(timeout=timeout)


def _close_and_trim(store: ChunkStore) -> None:
    """Close ``store`` and give its memory back to the system: glibc keeps freed memory
    in its arenas, and a server's RSS grew by the size of an index with every publish
    although nothing leaked."""
    store.close()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[“”‘’\"']", "", text).lower().split())


def _part_summarized(retriever: HybridRetriever, question: str) -> str | None:
    """The title of the section whose gist ``question`` asks for ("Summarize the “Back to
    basics” section"; a visitor's was refused), if it asks for one."""
    asked = _plain(question)
    for title in retriever.section_titles():
        if _plain(title) in THE_DOCUMENT:
            continue  # "summarize the introduction": the document, which is one
        if re.search(rf"\b{re.escape(_plain(title))}\b", asked) and asks_for_overview(
            question, part=title
        ):
            return title
    return None


def _chained(*streams: Stream) -> Stream:
    """The sentences of ``streams`` one after the other; closing it closes them all."""
    try:
        for stream in streams:
            yield from stream
    finally:
        for stream in streams:
            stream.close()


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)
