"""What every chat-completion backend is: one Protocol, one request type, and the one
place where an OpenAI-style stream chunk is read.

A backend's ``stream`` is an iterator of text pieces. The caller pulls; when it stops
pulling and closes the iterator (a visitor closed the page), the backend stops the model:
the local model's callback says stop, the HTTP stream is closed.

A backend that can also say how likely each first token of its answer is
(``ScoringModel.top_logprobs``: llama.cpp's ``logprobs``/``top_logprobs`` on a
non-streamed completion) can serve as the coverage check's yes/no judge.
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
    top_logprobs: int = 0  # >0: one non-streamed token, with this many alternatives

    def __post_init__(self) -> None:
        if self.top_logprobs > 0 and (self.max_tokens != 1 or self.json_schema is not None):
            raise ValueError(
                "a request for the first token's log probabilities writes one token, "
                "unconstrained: max_tokens must be 1 and json_schema None"
            )

    def body(self) -> dict[str, Any]:
        """The OpenAI-compatible request body (``stream`` on, unless ``top_logprobs`` asks
        for the first token's log probabilities)."""
        if self.top_logprobs > 0:
            return {
                "messages": self.messages,
                "max_tokens": 1,
                "temperature": self.temperature,
                "stream": False,
                "logprobs": True,
                "top_logprobs": self.top_logprobs,
            }
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


class ScoringModel(Protocol):
    name: str

    def top_logprobs(self, request: ChatRequest) -> dict[str, float]:
        """The most likely first tokens of the answer with their log probabilities
        (``request.top_logprobs`` of them)."""
        ...


def first_token_logprobs(response: dict[str, Any]) -> dict[str, float]:
    """The top log probabilities of the first token of an OpenAI-style (non-streamed)
    chat completion: ``{token: logprob}``; empty when the server sent none."""
    out: dict[str, float] = {}
    for choice in response.get("choices") or []:
        content = (choice.get("logprobs") or {}).get("content") or []
        if not content:
            continue
        first = content[0]
        for entry in first.get("top_logprobs") or [first]:
            token, logprob = entry.get("token"), entry.get("logprob")
            if isinstance(token, str) and isinstance(logprob, int | float):
                out[token] = max(float(logprob), out.get(token, float("-inf")))
        break
    return out


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
