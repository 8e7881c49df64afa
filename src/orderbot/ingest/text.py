"""Plain-text and Markdown documents: title, section headings, lists, footnotes.

The layout this understands is the one the report is published in as text: a title
line, paragraphs separated by blank lines, short unpunctuated lines as headings,
"Variable N" blocks under category headings, pull quotes repeating the body, and a
numbered footnote list at the end.
"""

from __future__ import annotations

import re

from orderbot.ingest.footnotes import extract_markers, split_footnote_block
from orderbot.models import Paragraph, ParsedDocument, Section

INTRO_SECTION = "Introduction"
_VARIABLE = re.compile(r"^(Variable\s+\d+)\s*\n\s*(\S.*)$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_SENTENCE_END = (".", "?", "!", ":", ";", ",")


def parse_text(doc_id: str, path: str, raw: str) -> ParsedDocument:
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    body_lines, footnotes = split_footnote_block(text.split("\n"))
    known = {f.n for f in footnotes}
    blocks = [b.strip() for b in re.split(r"\n\s*\n", "\n".join(body_lines)) if b.strip()]
    if not blocks:
        return ParsedDocument(doc_id=doc_id, path=path, title=doc_id, sections=[])

    title = _MD_HEADING.sub("", blocks[0]) if _is_heading(blocks[0]) else doc_id
    if title != doc_id:
        blocks = blocks[1:]
    plain = [re.sub(r"\s+", " ", b) for b in blocks]

    sections = [Section(title=INTRO_SECTION)]
    index = 0
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if _is_pull_quote(plain[i], plain):
            i += 1
            continue
        if _is_heading(block) and not _VARIABLE.match(_next(blocks, i)):
            sections.append(Section(title=_MD_HEADING.sub("", block)))
            i += 1
            continue
        if (_is_heading(block) and _VARIABLE.match(_next(blocks, i))) or _VARIABLE.match(block):
            # A list: category headings, each followed by its "Variable N" entries.
            lines, i = _read_list(blocks, i)
            index += 1
            sections[-1].paragraphs.append(
                Paragraph(index=index, text=" ".join(lines), kind="list")
            )
            continue
        clean, refs = extract_markers(plain[i], known)
        index += 1
        sections[-1].paragraphs.append(Paragraph(index=index, text=clean, refs=refs))
        i += 1
    return ParsedDocument(
        doc_id=doc_id,
        path=path,
        title=title,
        sections=[s for s in sections if s.paragraphs],
        footnotes=footnotes,
    )


def _next(blocks: list[str], i: int) -> str:
    return blocks[i + 1] if i + 1 < len(blocks) else ""


def _is_heading(block: str) -> bool:
    if "\n" in block:
        return False
    if _MD_HEADING.match(block):
        return True
    words = block.split()
    return (
        0 < len(words) <= 12
        and len(block) <= 100
        and not block.rstrip("”\"’'").endswith(_SENTENCE_END)
        and not block[0].islower()
    )


def _is_pull_quote(block: str, others: list[str]) -> bool:
    """A pull quote repeats a body sentence, sometimes with a bracketed stand-in."""
    core = re.sub(r"^\[[^\]]{1,40}\]\s*", "", block).strip()
    if core == block and not block.startswith(("“", '"')):
        return False
    core = core.strip('“”"')
    return len(core) > 40 and any(core in o for o in others if o != block)


def _read_list(blocks: list[str], i: int) -> tuple[list[str], int]:
    """Read category headings and their variables into one sentence per category."""
    lines: list[str] = []
    category: str | None = None
    entries: list[str] = []

    def flush() -> None:
        if entries:
            head = f"{category}: " if category else ""
            lines.append(head + "; ".join(entries) + ".")
        entries.clear()

    while i < len(blocks):
        block = blocks[i]
        if m := _VARIABLE.match(block):
            entries.append(f"{m.group(1)}, {m.group(2).strip()}")
        elif _is_heading(block) and _VARIABLE.match(_next(blocks, i)):
            flush()
            category = block
        else:
            break
        i += 1
    flush()
    return lines, i
