"""Numbered citations: ``[n]`` markers and the passages they point to."""

from __future__ import annotations

import itertools
import re

from orderbot.generate.links import passage_link
from orderbot.models import Chunk, Citation


class CitationList:
    """Gives each cited passage a number (first cited, first numbered) and collects the
    quoted sentences of each, in the passage's order."""

    def __init__(self) -> None:
        self._by_chunk: dict[str, Citation] = {}
        self._quoted: dict[str, list[str]] = {}

    def cite(self, chunk: Chunk, quote: str) -> int:
        found = self._by_chunk.get(chunk.id)
        if found is None:
            return self._add(
                chunk,
                quote,
                section=chunk.section,
                url=passage_link(chunk, quote),
                work=chunk.text if chunk.kind == "footnote" else None,
                listed=chunk.kind == "list",
            )
        if quote not in found.quote:
            quoted = [q for q in self._quoted[chunk.id] if q not in quote] + [quote]
            self._quoted[chunk.id] = quoted
            found.quote = _in_order(chunk.text, quoted)
            found.url = passage_link(chunk, found.quote)
        return found.n

    def cite_title(self, chunk: Chunk) -> int:
        """Cite the title of ``chunk``'s document, at the document's own address."""
        # Numbered apart from the passage's own quotes, which an overview may cite too.
        found = self._by_chunk.get(_title_key(chunk))
        if found is None:
            return self._add(chunk, chunk.document, section="Title", url=chunk.url, title=True)
        return found.n

    def _add(
        self,
        chunk: Chunk,
        quote: str,
        *,
        section: str,
        url: str | None,
        work: str | None = None,
        listed: bool = False,
        title: bool = False,
    ) -> int:
        """Number ``chunk``'s passage (its document's ``title``), shown as ``section``
        with ``quote`` at ``url``."""
        citation = Citation(
            n=len(self._by_chunk) + 1,
            chunk_id=chunk.id,
            document=chunk.document,
            section=section,
            quote=quote,
            url=url,
            page=chunk.page,
            work=work,
            listed=listed,
        )
        key = _title_key(chunk) if title else chunk.id
        self._by_chunk[key] = citation
        self._quoted[key] = [quote]
        return citation.n

    def cite_footnote(self, chunk: Chunk, n: int) -> int | None:
        """Cite footnote ``n`` of a body chunk as a passage of its own, with its URL."""
        target = chunk.cited_work(n)
        return None if target is None else self.cite(target, target.text)

    @property
    def citations(self) -> list[Citation]:
        return sorted(self._by_chunk.values(), key=lambda c: c.n)


def _title_key(chunk: Chunk) -> str:
    return f"{chunk.id} title"


def _in_order(text: str, quotes: list[str]) -> str:
    """``quotes`` of ``text`` in the order ``text`` has them, with "…" only where it leaves
    words out between two (a visitor read "One such grouping … … As a result, …", the
    other way round from the report, with "…" between sentences that follow each other).
    A quote not found in ``text`` comes last, set apart by "…"."""
    plain = " ".join(text.split())
    spans = []  # (start, end, quote); a quote not found starts after the text's end
    for quote in quotes:
        said = " ".join(quote.split())
        start = plain.find(said)
        found = (start, start + len(said)) if start >= 0 else (len(plain) + 1, len(plain) + 1)
        spans.append((*found, said))
    spans.sort()
    out = spans[0][2]
    for (_, end, _), (start, _, said) in itertools.pairwise(spans):
        adjacent = end <= start <= len(plain) and not plain[end:start].strip()
        out += (" " if adjacent else " … ") + said
    return out


def markers(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in dict.fromkeys(numbers))


_MARKER = re.compile(r"\s*\[\d+\]")


def without_markers(text: str) -> str:
    """``text`` without its citation markers ("… proposals. [1][2]": "… proposals.")."""
    return _MARKER.sub("", text).strip()
