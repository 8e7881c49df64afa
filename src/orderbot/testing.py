"""Test doubles shipped with orderbot, so users can test their own set-ups offline.

``HashEmbedder`` gives deterministic unit vectors from word hashes: texts that share
words are similar. It is for testing logic, never for answering questions.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence

import numpy as np

from orderbot.generate.model_api import ChatRequest, Stream
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
    request; streams its reply word by word; ``closed`` counts streams closed early.

    ``top_logprobs`` (a yes/no judge's view) gives log(p_yes) for "Yes" and log(1 - p_yes)
    for "No", where ``p_yes`` is a number or ``p_yes(messages) -> float``."""

    def __init__(
        self,
        reply: str | Callable[[list[dict[str, str]]], str] = "",
        *,
        p_yes: float | Callable[[list[dict[str, str]]], float] = 0.5,
    ) -> None:
        self.name = "fake"
        self._reply = reply
        self._p_yes = p_yes
        self.requests: list[ChatRequest] = []
        self.closed = 0

    def top_logprobs(self, request: ChatRequest) -> dict[str, float]:
        self.requests.append(request)
        p = self._p_yes(request.messages) if callable(self._p_yes) else self._p_yes
        p = min(max(p, 1e-9), 1 - 1e-9)
        return {"Yes": math.log(p), "No": math.log(1 - p)}

    def stream(self, request: ChatRequest) -> Stream:
        self.requests.append(request)
        text = self._reply(request.messages) if callable(self._reply) else self._reply
        pieces = re.findall(r"\S+\s*", text)
        done = 0
        try:
            for piece in pieces:
                yield piece
                done += 1
        finally:
            if done < len(pieces):
                self.closed += 1


def model_answer(answer: str, evidence: list[int]) -> str:
    """What a model says under the answer grammar (see ``generate.prompt``)."""
    return json.dumps({"evidence": evidence, "answer": answer})
