"""Footnotes: the numbered list at a document's end, and the markers in its body."""

from __future__ import annotations

import re

from orderbot.models import Footnote, FootnoteRef

_ENTRY = re.compile(r"^\s{0,8}(\d{1,3})\.\s+(\S.*)$")
_URL = re.compile(r"https?://\S+")
_BACKLINK = re.compile(r"[\u21a9\ufe0e\ufe0f]+")
# A marker: digits right after sentence punctuation or a closing quote, before a space or
# the end of the text ("disorder.1 Outside", "threats.”3").
_MARKER = re.compile(r"(?<=[.,;:!?”\"’)\]])(\d{1,3})(?=\s|$)")


def split_footnote_block(lines: list[str]) -> tuple[list[str], list[Footnote]]:
    """Split a document's lines into body lines and the trailing footnote list.

    The list is the longest tail of the document whose entries are numbered 1, 2, 3, ...
    in order; a line that does not start a new entry continues the previous one.
    """
    start = None
    for i, line in enumerate(lines):
        m = _ENTRY.match(line)
        if m and m.group(1) == "1" and _is_footnote_tail(lines[i:]):
            start = i
            break
    if start is None:
        return lines, []
    entries: list[list[str]] = []
    for line in lines[start:]:
        m = _ENTRY.match(line)
        if m and int(m.group(1)) == len(entries) + 1:
            entries.append([m.group(2)])
        elif line.strip() and entries:
            entries[-1].append(line.strip())
    return lines[:start], [parse_entry(n, " ".join(parts)) for n, parts in enumerate(entries, 1)]


def _is_footnote_tail(lines: list[str]) -> bool:
    expected = 1
    for line in lines:
        m = _ENTRY.match(line)
        if m and int(m.group(1)) == expected:
            expected += 1
        elif line.strip() and expected == 1:
            return False
    return expected > 1


def parse_entry(n: int, raw: str) -> Footnote:
    """One footnote from its raw text: the first URL taken out, white space tidied."""
    text = _BACKLINK.sub("", raw).replace("\xa0", " ").strip()
    url = None
    if m := _URL.search(text):
        url = m.group(0).rstrip(".,;)")
        text = (text[: m.start()] + text[m.end() :]).strip()
    text = re.sub(r"\s+", " ", text).strip().rstrip(",;").strip()
    if not text.endswith((".", "”", '"')):
        text += "."
    return Footnote(n=n, text=text, url=url)


def extract_markers(text: str, known: set[int]) -> tuple[str, list[FootnoteRef]]:
    """Remove footnote markers whose number is a known footnote; return the clean text
    and where each marker stood in it."""
    refs: list[FootnoteRef] = []
    out: list[str] = []
    last = 0
    removed = 0
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        before = text[m.start() - 2] if m.start() >= 2 else ""
        if n not in known or before.isdigit():  # "1.5", a year, a list number
            continue
        out.append(text[last : m.start()])
        refs.append(FootnoteRef(n=n, offset=m.start() - removed))
        removed += m.end() - m.start()
        last = m.end()
    out.append(text[last:])
    return "".join(out), refs
