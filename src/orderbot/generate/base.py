"""The Generator protocol every answer backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from orderbot.models import Generation, ScoredChunk


class Generator(Protocol):
    """Writes an answer to ``question`` from ``passages`` (best first)."""

    name: str

    def generate(self, question: str, passages: Sequence[ScoredChunk]) -> Generation: ...
