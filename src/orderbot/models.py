"""Typed values that cross stage borders."""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ChunkKind = Literal["body", "list", "footnote"]

# Chroma metadata values must be flat scalars.
MetadataValue = str | int | float | bool


class Footnote(BaseModel):
    """One numbered footnote entry: the citation text and, where given, its URL."""

    model_config = ConfigDict(frozen=True)

    n: int = Field(ge=1)
    text: str = Field(description="Citation text without the URL.")
    url: str | None = None


class FootnoteRef(BaseModel):
    """A footnote marker in a text: ``offset`` is where the marker stood."""

    model_config = ConfigDict(frozen=True)

    n: int = Field(ge=1)
    offset: int = Field(ge=0)


class Paragraph(BaseModel):
    """A paragraph of the body, its footnote markers removed and recorded."""

    index: int = Field(ge=1, description="1-based position among the document's paragraphs.")
    text: str
    kind: Literal["body", "list"] = "body"
    refs: list[FootnoteRef] = Field(default_factory=list)
    page: int | None = Field(None, ge=1, description="1-based page, for a paginated source.")


class Section(BaseModel):
    title: str
    paragraphs: list[Paragraph] = Field(default_factory=list)


class ParsedDocument(BaseModel):
    """A corpus document as the loader understood it."""

    doc_id: str = Field(description="Stable id: the file name without its extension.")
    path: str
    title: str
    sections: list[Section]
    footnotes: list[Footnote] = Field(default_factory=list)
    url: str | None = Field(None, description="For a fetched source: the URL it came from.")

    def footnote(self, n: int) -> Footnote | None:
        return next((f for f in self.footnotes if f.n == n), None)


def chunk_id(doc_id: str, kind: str, position: str) -> str:
    """Stable id from the document and the chunk's position in it."""
    return hashlib.sha256(f"{doc_id}\x1f{kind}\x1f{position}".encode()).hexdigest()[:20]


def footnote_chunk_id(doc_id: str, n: int) -> str:
    return chunk_id(doc_id, "footnote", f"fn{n}")


def footnote_section(n: int) -> str:
    return f"Footnote {n}"


class Chunk(BaseModel):
    """The unit that is embedded, retrieved and cited."""

    id: str
    doc_id: str
    document: str = Field(description="Document title.")
    section: str
    kind: ChunkKind
    text: str
    paragraph_start: int = Field(0, ge=0)
    paragraph_end: int = Field(0, ge=0)
    refs: list[FootnoteRef] = Field(
        default_factory=list, description="Footnote markers, offsets into `text`."
    )
    footnotes: list[Footnote] = Field(
        default_factory=list, description="The footnotes that `refs` point to."
    )
    url: str | None = Field(
        None, description="A footnote's URL, or the URL of the fetched source the text is from."
    )
    page: int | None = Field(None, ge=1, description="Page of the text's start, for a PDF.")
    context: str = Field("", description="For a footnote chunk: the body sentence that cites it.")

    @property
    def embed_text(self) -> str:
        """What BM25 and the embedder see: the text with its section (and, for a
        footnote, the sentence that cites it)."""
        if self.kind == "footnote":
            return f"{self.section}. {self.text} (Cited for: {self.context})"
        return f"{self.section}. {self.text}"

    @property
    def content_hash(self) -> str:
        payload = self.model_dump_json(exclude={"id"})
        return hashlib.sha256(payload.encode()).hexdigest()[:20]

    def footnote(self, n: int) -> Footnote | None:
        return next((f for f in self.footnotes if f.n == n), None)

    @property
    def note(self) -> int | None:
        """For a footnote's own chunk, the note's number ("Footnote 3": 3)."""
        return self.footnotes[0].n if self.kind == "footnote" and self.footnotes else None

    def cited_work(self, n: int) -> Chunk | None:
        """Footnote ``n`` of this chunk as the chunk of its own that cites the work (the
        one ingest indexes), or None if the chunk has no such footnote."""
        note = self.footnote(n)
        return None if note is None else footnote_chunk(self.doc_id, self.document, note)

    def to_metadata(self) -> dict[str, MetadataValue]:
        return {
            # "doc_id" and "document_id" are llama-index's own keys: not ours to use.
            "doc": self.doc_id,
            "document": self.document,
            "section": self.section,
            "kind": self.kind,
            "paragraph_start": self.paragraph_start,
            "paragraph_end": self.paragraph_end,
            "footnote_numbers": ",".join(str(f.n) for f in self.footnotes),
            "refs_json": json.dumps([r.model_dump() for r in self.refs]),
            "footnotes_json": json.dumps([f.model_dump() for f in self.footnotes]),
            "url": self.url or "",
            "context": self.context,
            "page": self.page or 0,  # Chroma stores no None
            "content_hash": self.content_hash,
        }

    @classmethod
    def from_metadata(cls, chunk_id_: str, text: str, meta: dict[str, object]) -> Chunk:
        """Inverse of ``to_metadata``; pydantic checks every stored value."""
        return cls.model_validate(
            {
                "id": chunk_id_,
                "text": text,
                "doc_id": meta["doc"],
                "document": meta["document"],
                "section": meta["section"],
                "kind": meta["kind"],
                "paragraph_start": meta["paragraph_start"],
                "paragraph_end": meta["paragraph_end"],
                "refs": json.loads(str(meta["refs_json"])),
                "footnotes": json.loads(str(meta["footnotes_json"])),
                "url": meta.get("url") or None,
                "context": meta.get("context", ""),
                "page": meta.get("page") or None,
            }
        )


def footnote_chunk(doc_id: str, document: str, note: Footnote, context: str = "") -> Chunk:
    """Footnote ``note`` of a document as a chunk of its own (retrieved and cited alone)."""
    return Chunk(
        id=footnote_chunk_id(doc_id, note.n),
        doc_id=doc_id,
        document=document,
        section=footnote_section(note.n),
        kind="footnote",
        text=note.text,
        footnotes=[note],
        url=note.url,
        context=context,
    )


class ScoredChunk(BaseModel):
    """A retrieved chunk with its fused score and the signals behind it."""

    chunk: Chunk
    score: float = Field(description="Reciprocal-rank-fusion score; ranks the results.")


class Retrieval(BaseModel):
    """What retrieval found, and whether it is relevant enough to answer from."""

    question: str
    results: list[ScoredChunk]
    relevant: bool = Field(description="Whether the best dense similarity reached the floor.")
    judged: list[ScoredChunk] = Field(
        default_factory=list,
        description="The passages the coverage decision weighs when they differ from "
        "`results`: ranked without the sentence ranking, as its weights were fitted.",
    )
    outline: bool = Field(
        False,
        description="The results are a document's section openings in reading order (an "
        "overview's), not passages ranked by the question.",
    )


class Citation(BaseModel):
    """What a ``[n]`` marker in an answer points to."""

    n: int = Field(ge=1)
    chunk_id: str
    document: str
    section: str
    quote: str
    url: str | None = Field(
        None,
        description="Where to check the passage: a footnote's cited work, or the document's "
        "page with a text fragment that opens it at the quote (generate.links).",
    )
    page: int | None = Field(None, description="Page of the cited passage, for a PDF.")
    work: str | None = Field(
        None, description="For a footnote: the whole note, with the cited work's reference."
    )
    listed: bool = Field(
        False,
        description="The quote is a list passage: headings and items the document sets "
        "apart, joined here with colons and semicolons, so not one sentence to put in "
        "quotation marks.",
    )

    def quoted(self) -> str:
        """The quote in quotation marks; the quotes inside it become single ones, as in
        print (not “““National Security Strategy,” …”). A list is shown as it is, since its
        punctuation is not the document's. The chat's script does the same."""
        if self.listed:
            return self.quote
        return "“" + self.quote.replace("“", "‘").replace("”", "’") + "”"


class Context(BaseModel):
    """A retrieved passage, as reported with an answer."""

    chunk_id: str
    document: str
    section: str
    text: str
    score: float


CoverageVerdict = Literal["covered", "partial", "not_covered"]


class NearestSection(BaseModel):
    """A part of the documents close to a question they do not (fully) answer."""

    document: str
    section: str
    chunk_id: str
    url: str | None = None


class Coverage(BaseModel):
    """Whether the documents answer the question, decided before any answer is written."""

    verdict: CoverageVerdict
    missing: str | None = Field(
        None, description="For 'partial' or 'not_covered': what the documents do not say."
    )
    nearest: list[NearestSection] = Field(
        default_factory=list, description="The closest things the documents do cover."
    )
    score: float = Field(
        0.0, description="The first stage's probability that the documents answer, 0..1."
    )
    judge: float | None = Field(
        None,
        description="The second stage's P(Yes) that the best sentences state the answer, "
        "when it was asked (it then decides, against its own threshold).",
    )


RefusalReason = Literal[
    "not_covered", "other_language", "instruction", "nothing_more", "not_a_question"
]


class Refusal(BaseModel):
    """Why an answer was refused, for a page that lays the refusal out itself: the
    ``message`` is the answer's text without its list of nearest sections, which a page
    shows from ``coverage.nearest``, as links."""

    reason: RefusalReason = Field(
        description="'not_covered': the documents do not answer it; 'other_language': the "
        "question is not in English; 'instruction': it reads as an instruction, not a question; "
        "'nothing_more': a follow-up whose answer would only repeat the previous answer; "
        "'not_a_question': a greeting, thanks, or no word at all."
    )
    message: str


class Timings(BaseModel):
    retrieve: float
    generate: float
    total: float
    first_sentence: float | None = Field(
        None, description="Until the first checked sentence was ready (the refusal, if none)."
    )


class ReaderAnswer(BaseModel):
    """The answer object readers get (the HTTP API, its stream's ``answer`` event, the
    Gradio API): ``Answer`` without the sentences that failed the citation check."""

    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    contexts: list[Context]
    generator: str
    timings_ms: Timings
    rewritten_question: str | None = Field(
        None, description="The stand-alone question retrieval used, when it differs."
    )
    coverage: Coverage | None = Field(
        None, description="Whether the documents answer the question (None: not decided)."
    )
    refusal: Refusal | None = Field(None, description="Why it was refused, when it was.")


class Answer(ReaderAnswer):
    """The whole answer object, for maintainers: ``orderbot ask --json`` prints exactly
    this, and the evaluation reads it. A reader gets ``for_readers()``: the text a model
    wrote that failed the check is shown to no one else, not even in an API's JSON."""

    unsupported: list[str] = Field(
        default_factory=list,
        description="Sentences a model wrote that no passage supports (never shown).",
    )

    def for_readers(self) -> ReaderAnswer:
        return ReaderAnswer.model_validate(self.model_dump(exclude={"unsupported"}))


class StreamEvent(BaseModel):
    """One step of a streamed answer. ``sentence``: one sentence that has passed the
    citation check, with its ``[n]`` markers and the citations they point to (never a
    draft: text that fails the check is never sent); ``answer``: the whole answer, whose
    text is what the sentences added up to."""

    kind: Literal["sentence", "answer"]
    text: str = ""
    citations: list[Citation] = Field(default_factory=list)
    answer: Answer | None = None
