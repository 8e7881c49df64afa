"""Section-aware chunking: whole paragraphs of one section, packed up to a word budget;
each footnote is a chunk of its own."""

from __future__ import annotations

from orderbot.ingest.sentences import sentence_spans
from orderbot.models import (
    Chunk,
    FootnoteRef,
    Paragraph,
    ParsedDocument,
    chunk_id,
    footnote_chunk,
)

_SEP = "\n\n"


def chunk_document(doc: ParsedDocument, chunk_size: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section in doc.sections:
        for group in _pack(section.paragraphs, chunk_size):
            for part, (text, refs) in enumerate(_split_long(group, chunk_size)):
                start, end = group[0].index, group[-1].index
                chunks.append(
                    Chunk(
                        id=chunk_id(doc.doc_id, "body", f"p{start}-{end}.{part}"),
                        doc_id=doc.doc_id,
                        document=doc.title,
                        section=section.title,
                        kind=group[0].kind,
                        text=text,
                        paragraph_start=start,
                        paragraph_end=end,
                        refs=refs,
                        footnotes=[
                            f for n in sorted({r.n for r in refs}) if (f := doc.footnote(n))
                        ],
                        url=doc.url,
                        page=group[0].page,
                    )
                )
    contexts = _citing_sentences(doc)
    for note in doc.footnotes:
        chunks.append(footnote_chunk(doc.doc_id, doc.title, note, contexts.get(note.n, "")))
    return chunks


def _words(text: str) -> int:
    return len(text.split())


def _pack(paragraphs: list[Paragraph], budget: int) -> list[list[Paragraph]]:
    """Consecutive paragraphs of one kind, up to ``budget`` words a group."""
    groups: list[list[Paragraph]] = []
    current: list[Paragraph] = []
    size = 0
    for p in paragraphs:
        n = _words(p.text)
        if current and (size + n > budget or p.kind != current[-1].kind):
            groups.append(current)
            current, size = [], 0
        current.append(p)
        size += n
    if current:
        groups.append(current)
    return groups


def _join(group: list[Paragraph]) -> tuple[str, list[FootnoteRef]]:
    text, refs = "", []
    for p in group:
        if text:
            text += _SEP
        refs += [FootnoteRef(n=r.n, offset=r.offset + len(text)) for r in p.refs]
        text += p.text
    return text, refs


def _split_long(group: list[Paragraph], budget: int) -> list[tuple[str, list[FootnoteRef]]]:
    """One piece for a group that fits; a single long paragraph is cut between
    sentences into pieces of at most ``budget`` words (a longer sentence stays whole)."""
    text, refs = _join(group)
    if _words(text) <= budget:
        return [(text, refs)]
    pieces: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        if pieces and _words(text[pieces[-1][0] : end]) <= budget:
            pieces[-1] = (pieces[-1][0], end)
        else:
            pieces.append((start, end))
    return [
        (
            text[s:e],
            [FootnoteRef(n=r.n, offset=r.offset - s) for r in refs if s < r.offset <= e],
        )
        for s, e in pieces
    ]


def _citing_sentences(doc: ParsedDocument) -> dict[int, str]:
    found: dict[int, str] = {}
    for section in doc.sections:
        for p in section.paragraphs:
            spans = sentence_spans(p.text) if p.refs else []
            for ref in p.refs:
                for s, e in spans:
                    if s < ref.offset <= e:
                        found.setdefault(ref.n, p.text[s:e])
    return found
