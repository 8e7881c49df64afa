"""Answers written by a language model, every citation verified against the passages."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from orderbot.errors import ModelError
from orderbot.generate.base import Generator, OnToken
from orderbot.generate.chat_models import ChatModel
from orderbot.generate.extractive import focus
from orderbot.generate.prompt import NOT_FOUND, build_messages
from orderbot.generate.verify import check_answer
from orderbot.index.embedder import Embedder
from orderbot.models import Generation, ScoredChunk

log = logging.getLogger("orderbot")

FALLBACK_NOTE = (
    "(The language model is unavailable right now, so this answer quotes the documents directly.)"
)
NOT_SUPPORTED = (
    "The documents do not state an answer to this question, so I cannot answer it without guessing."
)


class LLMGenerator:
    def __init__(
        self,
        model: ChatModel,
        embedder: Embedder,
        *,
        label: str,
        fallback: Generator,
        max_tokens: int = 256,
        passages: int = 4,
        sentences: int = 4,
        support_threshold: float = 0.45,
        drop_unsupported: bool = False,
    ) -> None:
        if passages < 1:
            raise ValueError(f"passages must be >= 1, got {passages}")
        self.model = model
        self.embedder = embedder
        self.name = label
        self.fallback = fallback
        self.max_tokens = max_tokens
        self.passages = passages
        self.sentences = sentences
        self.support_threshold = support_threshold
        self.drop_unsupported = drop_unsupported

    def generate(
        self, question: str, passages: Sequence[ScoredChunk], on_token: OnToken | None = None
    ) -> Generation:
        given = list(passages[: self.passages])
        if self.sentences:
            given = focus(question, given, self.embedder, self.sentences)
        try:
            raw = self.model.chat(
                build_messages(question, given), max_tokens=self.max_tokens, on_token=on_token
            )
        except ModelError as exc:
            log.warning("%s; answering with the extractive backend", exc)
            fallback = self.fallback.generate(question, passages)
            return fallback.model_copy(
                update={
                    "answer": f"{fallback.answer} {FALLBACK_NOTE}",
                    "generator": f"{self.fallback.name} (fallback from {self.name})",
                }
            )
        if NOT_FOUND.lower() in raw.lower() or not raw.strip():
            return Generation(answer=NOT_SUPPORTED, refused=True)
        checked = check_answer(
            raw,
            given,
            self.embedder,
            threshold=self.support_threshold,
            drop_unsupported=self.drop_unsupported,
            question=question,
        )
        if checked.supported == 0:
            # Nothing the model wrote is backed by a passage, yet retrieval found relevant
            # ones: show what the documents say (quoted, verifiable) rather than the model.
            log.info("no sentence of the model's answer is supported; quoting instead")
            quoted = self.fallback.generate(question, passages)
            return quoted.model_copy(
                update={"generator": f"{self.fallback.name} (model answer unsupported)"}
            )
        return Generation(
            answer=checked.answer, citations=checked.citations, unsupported=checked.unsupported
        )
