"""PDF documents, read with pdfminer.six's layout analysis.

Layout analysis groups characters into text boxes and orders them in reading order, so a
two-column page reads down the left column, then the right. Each box is classified by its
font size against the document's body size: larger short boxes are headings, smaller
boxes at the foot of a page that start with a number are footnotes, bare page numbers
and running headers are dropped. Every paragraph keeps the page it starts on.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser

from orderbot.ingest.footnotes import extract_markers, parse_entry
from orderbot.ingest.text import INTRO_SECTION
from orderbot.models import Paragraph, ParsedDocument, Section

_NOTE_START = re.compile(r"^(\d{1,3})[.)]?\s+(\S.*)$")
_PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,4}(\s*(/|of)\s*\d{1,4})?$", re.IGNORECASE)
_ENDS_PARAGRAPH = (".", "?", "!", ":", "”", '"', ")", "’")


@dataclass
class _Box:
    page: int
    text: str
    size: float
    lines: int
    low: bool  # in the bottom third of the page


def parse_pdf(doc_id: str, path: Path) -> ParsedDocument:
    boxes = _read_boxes(path)
    if not boxes:
        return ParsedDocument(doc_id=doc_id, path=str(path), title=doc_id, sections=[])
    body_size = statistics.median(b.size for b in boxes for _ in range(len(b.text)))
    repeated = _running_heads(boxes)

    notes: dict[int, str] = {}
    kept: list[_Box] = []
    for box in boxes:
        if _PAGE_NUMBER.match(box.text) or box.text in repeated:
            continue
        if box.low and box.size < 0.9 * body_size and _NOTE_START.match(box.text):
            _read_notes(box.text, notes)
            continue
        kept.append(box)
    footnotes = [parse_entry(n, notes[n]) for n in sorted(notes)]
    known = {f.n for f in footnotes}

    title = _metadata_title(path) or ""
    sections = [Section(title=INTRO_SECTION)]
    index = 0
    pending: tuple[str, int] | None = None  # a paragraph that may go on in the next box

    def flush() -> None:
        nonlocal pending, index
        if pending:
            clean, refs = extract_markers(pending[0], known)
            index += 1
            sections[-1].paragraphs.append(
                Paragraph(index=index, text=clean, refs=refs, page=pending[1])
            )
            pending = None

    for box in kept:
        if _is_heading(box, body_size):
            flush()
            if not title and box.page == 1 and not any(s.paragraphs for s in sections):
                title = box.text
            else:
                sections.append(Section(title=box.text))
            continue
        if pending and not pending[0].endswith(_ENDS_PARAGRAPH) and box.text[:1].islower():
            pending = (f"{pending[0]} {box.text}", pending[1])
        else:
            flush()
            pending = (box.text, box.page)
    flush()
    return ParsedDocument(
        doc_id=doc_id,
        path=str(path),
        title=title or doc_id,
        sections=[s for s in sections if s.paragraphs],
        footnotes=footnotes,
    )


def _read_boxes(path: Path) -> list[_Box]:
    boxes: list[_Box] = []
    for number, page in enumerate(extract_pages(path, laparams=LAParams()), 1):
        for element in page:
            if not isinstance(element, LTTextContainer):
                continue
            low = element.y1 < page.height / 3
            for run in _size_runs([x for x in element if isinstance(x, LTTextLine)]):
                text = _join_lines([line.get_text() for line, _ in run])
                if text:
                    size = statistics.median(s for _, s in run)
                    boxes.append(_Box(page=number, text=text, size=size, lines=len(run), low=low))
    return boxes


def _size_runs(lines: list[LTTextLine]) -> list[list[tuple[LTTextLine, float]]]:
    """A box's lines in runs of one font size: a heading set close above its paragraph
    lands in the same box as the paragraph."""
    runs: list[list[tuple[LTTextLine, float]]] = []
    for line in lines:
        sizes = [c.size for c in line if isinstance(c, LTChar)]
        if not sizes:
            continue
        size = statistics.median(sizes)
        if runs and abs(size - runs[-1][-1][1]) <= 0.1 * size:
            runs[-1].append((line, size))
        else:
            runs.append([(line, size)])
    return runs


def _join_lines(lines: list[str]) -> str:
    """One paragraph from a box's lines; a word hyphenated across lines is rejoined."""
    text = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if text.endswith("-") and line[:1].islower():
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def _is_heading(box: _Box, body_size: float) -> bool:
    words = box.text.split()
    return (
        box.size >= 1.15 * body_size
        and box.lines <= 3
        and 0 < len(words) <= 16
        and not box.text.endswith((".", ","))
    )


def _running_heads(boxes: list[_Box]) -> set[str]:
    """Short texts repeated on at least half of the pages (three or more)."""
    pages = len({b.page for b in boxes})
    seen = Counter({(b.text, b.page) for b in boxes if len(b.text) <= 80})
    per_text = Counter(text for text, _ in seen)
    return {t for t, n in per_text.items() if n >= 3 and n >= pages / 2}


def _read_notes(text: str, notes: dict[int, str]) -> None:
    """Entries "1 Text ..." of a footnote box; the box may hold several."""
    parts = re.split(r"(?:^|\s)(?=\d{1,3}[.)]?\s+[A-Z“\"])", text)
    for part in parts:
        if m := _NOTE_START.match(part.strip()):
            notes.setdefault(int(m.group(1)), m.group(2))


def _metadata_title(path: Path) -> str | None:
    with path.open("rb") as handle:
        info = PDFDocument(PDFParser(handle)).info
    for entry in info:
        value = entry.get("Title")
        if isinstance(value, bytes):
            decoded = _decode_pdf_string(value)
            if decoded.strip():
                return decoded.strip()
        elif isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _decode_pdf_string(raw: bytes) -> str:
    if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
        return raw.decode("utf-16")
    return raw.decode("latin-1")
