"""Test doubles shipped with orderbot, so users can test their own set-ups offline.

``HashEmbedder`` gives deterministic unit vectors from word hashes: texts that share
words are similar. It is for testing logic, never for answering questions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

import numpy as np

from orderbot.index.embedder import Vectors


class HashEmbedder:
    name = "hash"

    def __init__(self, dimension: int = 256) -> None:
        if dimension < 8:
            raise ValueError(f"dimension must be >= 8, got {dimension}")
        self.dimension = dimension
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out


class FakeChatModel:
    """A chat model that answers from a script: ``reply(messages) -> str``. Records every
    request; streams its reply word by word."""

    def __init__(self, reply: str | Callable[[list[dict[str, str]]], str]) -> None:
        self.name = "fake"
        self._reply = reply
        self.requests: list[list[dict[str, str]]] = []

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
    ) -> str:
        self.requests.append(messages)
        text = self._reply(messages) if callable(self._reply) else self._reply
        if on_token:
            for piece in re.findall(r"\S+\s*", text):
                on_token(piece)
        return text
