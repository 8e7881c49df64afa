"""What every chat-completion backend is: one Protocol, one request type, and the one
place where an OpenAI-style stream chunk is read.

A backend's ``stream`` is an iterator of text pieces. The caller pulls; when it stops
pulling and closes the iterator (a visitor closed the page), the backend stops the model:
the local model's callback says stop, the HTTP stream is closed.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Protocol

Message = dict[str, str]
# A stream of text pieces; closing it stops whatever writes them.
Stream = Generator[str, None, None]


@dataclass(frozen=True)
class ChatRequest:
    messages: list[Message]
    max_tokens: int
    json_schema: dict[str, Any] | None = None  # constrains the output (llama.cpp grammar)
    temperature: float = 0.0

    def body(self) -> dict[str, Any]:
        """The OpenAI-compatible request body (``stream`` on)."""
        body: dict[str, Any] = {
            "messages": self.messages,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "stream": True,
            "stream_options": {"include_usage": True},  # token counts in the last chunk
        }
        if self.json_schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": self.json_schema, "strict": True},
            }
        return body


@dataclass
class StreamInfo:
    """What a backend learnt about its last answer: llama.cpp's timings, the finish
    reason and token usage when the server reports them."""

    finish_reason: str | None = None
    usage: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


class ChatModel(Protocol):
    name: str

    def stream(self, request: ChatRequest) -> Stream:
        """The answer's text as it is written; closing the iterator stops the model."""
        ...


def delta_text(chunk: dict[str, Any], info: StreamInfo | None = None) -> str:
    """The text of one OpenAI-style stream chunk; records finish reason, usage, timings."""
    pieces = []
    for choice in chunk.get("choices") or []:
        delta = choice.get("delta") or {}
        text = delta.get("content") or ""
        if text:
            pieces.append(text)
        if info is not None and choice.get("finish_reason"):
            info.finish_reason = str(choice["finish_reason"])
    if info is not None:
        if isinstance(chunk.get("usage"), dict):
            info.usage = {k: int(v) for k, v in chunk["usage"].items() if isinstance(v, int)}
        if isinstance(chunk.get("timings"), dict):
            info.timings = {
                k: float(v) for k, v in chunk["timings"].items() if isinstance(v, int | float)
            }
    return "".join(pieces)
