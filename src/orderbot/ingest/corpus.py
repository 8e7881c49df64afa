"""Find and read the corpus documents; one unreadable file never stops the others.

A parser takes the document id and the file's path and returns a ``ParsedDocument``;
``PARSERS`` maps a file extension to its parser. A fetched source (under
``corpus/sources/``) has a provenance sidecar, ``NAME.EXT.json``, that names the footnote
it was fetched for: its document title and URL come from there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from orderbot.errors import CorpusError
from orderbot.ingest.html import parse_html
from orderbot.ingest.injection import scan_document
from orderbot.ingest.pdf import parse_pdf
from orderbot.ingest.provenance import Provenance, Published, read_sidecar
from orderbot.ingest.quarantine import Quarantined, cleared
from orderbot.ingest.text import parse_text
from orderbot.models import ParsedDocument

Parser = Callable[[str, Path], ParsedDocument]


def _parse_text_file(doc_id: str, path: Path) -> ParsedDocument:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_text(doc_id, str(path), raw)


PARSERS: dict[str, Parser] = {
    ".txt": _parse_text_file,
    ".md": _parse_text_file,
    ".pdf": parse_pdf,
    ".html": parse_html,
    ".htm": parse_html,
}


class FileProblem(BaseModel):
    path: str
    doc_id: str
    reason: str


class CorpusLoad(BaseModel):
    documents: list[ParsedDocument] = Field(default_factory=list)
    problems: list[FileProblem] = Field(default_factory=list)
    quarantined: list[Quarantined] = Field(
        default_factory=list, description="Documents held back: they carry an instruction."
    )


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file()
        and p.suffix.lower() in PARSERS
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def doc_id_for(corpus_dir: Path, path: Path) -> str:
    """A document's id: its path under the corpus folder, without the extension."""
    return path.relative_to(corpus_dir).with_suffix("").as_posix()


def file_hash(path: Path) -> str:
    """Hash of a file and of its sidecar, if any: what decides re-parsing."""
    digest = hashlib.sha256()
    for part in (path, path.with_name(path.name + ".json")):
        if part.is_file():
            digest.update(part.read_bytes())
    return digest.hexdigest()[:32]


def load_document(path: Path, doc_id: str | None = None) -> ParsedDocument:
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise CorpusError(
            f"{path}: unsupported file type {path.suffix!r} (known: {', '.join(PARSERS)})"
        )
    try:
        document = parser(doc_id or path.stem, path)
    except CorpusError:
        raise
    except OSError as exc:
        raise CorpusError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except Exception as exc:  # a parser library's own error for a damaged file
        raise CorpusError(f"{path}: cannot be parsed ({type(exc).__name__}: {exc})") from exc
    if not document.sections:
        raise CorpusError(f"{path}: no text found")
    sidecar = read_sidecar(path)
    if isinstance(sidecar, Provenance):
        return _as_source(document, sidecar)
    if isinstance(sidecar, Published):
        return document.model_copy(update={"url": sidecar.url})
    return document


def _as_source(document: ParsedDocument, provenance: Provenance) -> ParsedDocument:
    """A fetched source: titled by the footnote that cites it, carrying its URL."""
    title = f"Source of footnote {provenance.footnote} ({provenance.cited_by}): {document.title}"
    return document.model_copy(update={"title": title, "url": provenance.url})


def load_corpus(corpus_dir: Path, skip: Callable[[str, Path], bool] | None = None) -> CorpusLoad:
    """Every readable document under ``corpus_dir``; problems are collected, not raised.
    ``skip(doc_id, path)`` leaves a file out (an unchanged one, when refreshing). A
    document with text that reads as an instruction to an assistant is quarantined
    (``orderbot.ingest.quarantine``) unless a maintainer cleared this very file."""
    result = CorpusLoad()
    clearances = cleared(corpus_dir)
    for path in corpus_files(corpus_dir):
        doc_id = doc_id_for(corpus_dir, path)
        if skip and skip(doc_id, path):
            continue
        try:
            document = load_document(path, doc_id)
        except CorpusError as exc:
            result.problems.append(FileProblem(path=str(path), doc_id=doc_id, reason=str(exc)))
            continue
        found = scan_document(document)
        digest = file_hash(path) if found else ""
        if found and clearances.get(doc_id) != digest:
            result.quarantined.append(
                Quarantined(doc_id=doc_id, path=str(path), sha256=digest, reason=found)
            )
        else:
            result.documents.append(document)
    return result
