"""The model's prompt: a fixed system prompt (rules and one made-up worked example) and a
user message with the numbered evidence sentences, as quoted data, then the question.

Both are templates from the settings (``generation.prompts``), checked when the settings
load: an unknown ``{placeholder}`` is an error at start-up, not at the first question.
The system prompt names what the assistant is about (``{subject}``: the indexed
documents' titles unless the settings say otherwise) and stays fixed between questions,
so a local model keeps it cached.

The model answers in JSON under a schema that llama.cpp turns into a grammar: it must
pick evidence sentences by number (only numbers that exist) and write one sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orderbot.config import PromptSettings
from orderbot.generate.guard import neutralize
from orderbot.generate.model_api import ChatRequest, Message


def answer_schema(count: int, max_chars: int) -> dict[str, Any]:
    """JSON schema of the model's answer: evidence numbers among 1..count, one sentence."""
    return {
        "type": "object",
        "properties": {
            "evidence": {
                "type": "array",
                "minItems": 1,
                "maxItems": min(2, count),
                "items": {"type": "integer", "enum": list(range(1, count + 1))},
            },
            "answer": {"type": "string", "minLength": 8, "maxLength": max_chars},
        },
        "required": ["evidence", "answer"],
    }


class Prompts:
    def __init__(self, settings: PromptSettings, subject: str) -> None:
        self.settings = settings
        self.system = settings.system.format(subject=subject)

    def messages(self, question: str, sentences: Sequence[str]) -> list[Message]:
        evidence = "\n".join(
            f"[{n}] {' '.join(neutralize(text).split())}" for n, text in enumerate(sentences, 1)
        )
        user = self.settings.user.format(evidence=evidence, question=question)
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]

    def request(
        self, question: str, sentences: Sequence[str], *, max_tokens: int, max_chars: int
    ) -> ChatRequest:
        return ChatRequest(
            messages=self.messages(question, sentences),
            max_tokens=max_tokens,
            json_schema=answer_schema(len(sentences), max_chars),
        )
