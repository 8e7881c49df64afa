"""Find and read the corpus documents; one unreadable file never stops the others."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from orderbot.errors import CorpusError
from orderbot.ingest.text import parse_text
from orderbot.models import ParsedDocument

Parser = Callable[[str, str, str], ParsedDocument]
PARSERS: dict[str, Parser] = {".txt": parse_text, ".md": parse_text}


class FileProblem(BaseModel):
    path: str
    doc_id: str
    reason: str


class CorpusLoad(BaseModel):
    documents: list[ParsedDocument] = Field(default_factory=list)
    problems: list[FileProblem] = Field(default_factory=list)


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in PARSERS and not p.name.startswith(".")
    )


def doc_id_for(corpus_dir: Path, path: Path) -> str:
    """A document's id: its path under the corpus folder, without the extension."""
    return path.relative_to(corpus_dir).with_suffix("").as_posix()


def load_document(path: Path, doc_id: str | None = None) -> ParsedDocument:
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise CorpusError(
            f"{path}: unsupported file type {path.suffix!r} (known: {', '.join(PARSERS)})"
        )
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise CorpusError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    document = parser(doc_id or path.stem, str(path), raw)
    if not document.sections:
        raise CorpusError(f"{path}: no text found")
    return document


def load_corpus(corpus_dir: Path) -> CorpusLoad:
    """Every readable document under ``corpus_dir``; problems are collected, not raised."""
    result = CorpusLoad()
    for path in corpus_files(corpus_dir):
        doc_id = doc_id_for(corpus_dir, path)
        try:
            result.documents.append(load_document(path, doc_id))
        except CorpusError as exc:
            result.problems.append(FileProblem(path=str(path), doc_id=doc_id, reason=str(exc)))
    return result
