"""Links that open a document's web page at the cited passage.

A text fragment (``#:~:text=start,end``, supported by Chromium, Safari and Firefox) makes
the browser scroll to the quoted words and highlight them, so a reader checks a citation
without hunting through the page. A browser that does not find the words, or does not
know text fragments, opens the page at the top, as a bare link does.

The page shows a footnote marker where the index keeps none ("…chaos and disorder.¹"),
so no phrase of the fragment spans a marker or a paragraph break: the start phrase is
taken from the quote's first stretch without one, the end phrase from its last.
"""

from __future__ import annotations

import itertools
import re
from urllib.parse import quote as percent_encode

from orderbot.models import Chunk

PHRASE_WORDS = 5  # words in each of the start and end phrases
_WORD = re.compile(r"\S+")
_EDGE = re.compile(r"^\W+|\W+$")  # punctuation a phrase does not start or end on


def passage_link(chunk: Chunk, quote: str = "") -> str | None:
    """``chunk``'s web address, opening at ``quote`` (quotes joined by " … " from the
    first to the last; the passage's start when the quote is not found in it); a PDF's
    opens at the passage's page. A footnote's address
    is the cited work's, where the note's own words do not stand: returned as it is."""
    if not chunk.url:
        return None
    if chunk.kind == "footnote":
        return chunk.url
    if chunk.page is not None:  # a PDF: viewers open a page, not words
        return chunk.url if "#" in chunk.url else f"{chunk.url}#page={chunk.page}"
    parts = [p.strip() for p in quote.split(" … ") if p.strip()]
    first = _find(chunk.text, parts[0]) if parts else None
    span = first or (0, len(chunk.text))
    if first is not None:  # joined quotes: from the first to the last found after it
        for part in parts[1:]:
            if (at := _find(chunk.text, part, span[1])) is not None:
                span = (first[0], at[1])
    directive = _text_directive(chunk, *span)
    if not directive:
        return chunk.url
    return chunk.url + (":~:" if "#" in chunk.url else "#:~:") + directive


def _find(text: str, part: str, start: int = 0) -> tuple[int, int] | None:
    """Where ``part`` is in ``text`` from ``start``, whatever white space stands between
    its words: quotes of two paragraphs are joined by one space ("… technologies.
    Finally, under …"), the passage has a paragraph break there."""
    words = part.split()
    if not words:
        return None
    found = re.compile(r"\s+".join(map(re.escape, words))).search(text, start)
    return found.span() if found else None


def _text_directive(chunk: Chunk, start: int, end: int) -> str:
    """``text=start[,end]`` for ``chunk.text[start:end]``, split at markers and breaks."""
    breaks = {start + m.start() for m in re.finditer(r"\n", chunk.text[start:end])}
    markers = {r.offset for r in chunk.refs if start < r.offset < end}
    cuts = sorted(breaks | markers | {start, end})
    stretches = [
        words for a, b in itertools.pairwise(cuts) if (words := _WORD.findall(chunk.text[a:b]))
    ]
    if not stretches:
        return ""
    head, tail = stretches[0], stretches[-1]
    if len(stretches) == 1 and len(head) <= 2 * PHRASE_WORDS:
        phrases = [_phrase(head)]
    else:
        phrases = [_phrase(head[:PHRASE_WORDS]), _phrase(tail[-PHRASE_WORDS:])]
    phrases = [p for p in phrases if p]
    return "text=" + ",".join(_encode(p) for p in phrases) if phrases else ""


def _phrase(words: list[str]) -> str:
    return _EDGE.sub("", " ".join(words))


def _encode(phrase: str) -> str:
    """Percent-encoded for a text directive, where ``-``, ``,`` and ``&`` are syntax."""
    return percent_encode(phrase, safe="").replace("-", "%2D")
