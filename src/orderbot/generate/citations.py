"""Numbered citations: ``[n]`` markers and the passages they point to."""

from __future__ import annotations

import re

from orderbot.generate.links import passage_link
from orderbot.models import Chunk, Citation


class CitationList:
    """Gives each cited passage a number (first cited, first numbered) and collects the
    quoted sentences of each."""

    def __init__(self) -> None:
        self._by_chunk: dict[str, Citation] = {}

    def cite(self, chunk: Chunk, quote: str) -> int:
        found = self._by_chunk.get(chunk.id)
        if found is None:
            found = Citation(
                n=len(self._by_chunk) + 1,
                chunk_id=chunk.id,
                document=chunk.document,
                section=chunk.section,
                quote=quote,
                url=passage_link(chunk, quote),
                page=chunk.page,
                work=chunk.text if chunk.kind == "footnote" else None,
            )
            self._by_chunk[chunk.id] = found
        elif quote not in found.quote:
            # "…" only where the passage really leaves words out between the two
            joined = f"{found.quote} {quote}"
            adjacent = " ".join(joined.split()) in " ".join(chunk.text.split())
            found.quote = joined if adjacent else f"{found.quote} … {quote}"
            found.url = passage_link(chunk, found.quote)
        return found.n

    def cite_footnote(self, chunk: Chunk, n: int) -> int | None:
        """Cite footnote ``n`` of a body chunk as a passage of its own, with its URL."""
        target = chunk.cited_work(n)
        return None if target is None else self.cite(target, target.text)

    @property
    def citations(self) -> list[Citation]:
        return sorted(self._by_chunk.values(), key=lambda c: c.n)


def markers(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in dict.fromkeys(numbers))


_MARKER = re.compile(r"\s*\[\d+\]")


def without_markers(text: str) -> str:
    """``text`` without its citation markers ("… proposals. [1][2]": "… proposals.")."""
    return _MARKER.sub("", text).strip()
