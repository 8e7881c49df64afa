"""The Generator protocol every answer backend implements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from orderbot.models import Generation, ScoredChunk

OnToken = Callable[[str], None]


class Generator(Protocol):
    """Writes an answer to ``question`` from ``passages`` (best first). A backend that
    writes token by token calls ``on_token`` with each piece as it comes."""

    name: str

    def generate(
        self, question: str, passages: Sequence[ScoredChunk], on_token: OnToken | None = None
    ) -> Generation: ...
