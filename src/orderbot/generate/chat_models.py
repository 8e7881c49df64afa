"""Chat-completion backends behind one small Protocol: a local GGUF model run in-process
by xllamacpp, or any OpenAI-compatible server over HTTP."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import httpx
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from orderbot.errors import ModelError

Message = dict[str, str]
OnToken = Callable[[str], None]


class ChatModel(Protocol):
    name: str

    def chat(
        self, messages: list[Message], *, max_tokens: int, on_token: OnToken | None = None
    ) -> str: ...


class LocalChatModel:
    """A GGUF model in this process (llama.cpp through xllamacpp), applying the model's own
    chat template. The fixed system prompt's prefix stays in the KV cache between
    questions (``cache_prompt``), so only the passages and question are read anew.
    ``prefix``, the messages every prompt starts with, is read once at load, so that the
    first question waits no longer than the next ones."""

    def __init__(
        self,
        path: Path,
        *,
        n_ctx: int = 4096,
        threads: int = 0,
        prefix: list[Message] | None = None,
    ) -> None:
        try:
            import xllamacpp
        except ImportError as exc:
            raise ModelError(
                "local models need xllamacpp", hint="pip install 'orderbot[llm]'"
            ) from exc
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_ctx = n_ctx
        params.n_parallel = 1
        params.cache_prompt = True
        params.warmup = False
        params.verbosity = -1
        n = threads or max(1, os.cpu_count() or 1)
        params.cpuparams.n_threads = n
        params.cpuparams_batch.n_threads = n
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # the binding raises plain exceptions
            raise ModelError(f"cannot load local model {path}: {exc}") from exc
        self.name = path.stem
        self._lock = threading.Lock()
        # llama.cpp's figures for the last answer: cache_n (prompt tokens reused from the
        # cache), prompt_n (read anew), prompt_ms, predicted_n, predicted_ms.
        self.last_timings: dict[str, float] = {}
        if prefix:
            self.chat(prefix, max_tokens=1)

    def chat(
        self, messages: list[Message], *, max_tokens: int, on_token: OnToken | None = None
    ) -> str:
        request: dict[str, Any] = {
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": 0.0,
            "stream": True,
            "cache_prompt": True,
        }
        pieces: list[str] = []
        errors: list[str] = []

        def callback(chunk: dict[str, Any]) -> bool:
            if "error" in chunk:
                errors.append(str(chunk["error"]))
                return True
            if "timings" in chunk:
                self.last_timings = dict(chunk["timings"])
            for choice in chunk.get("choices", []):
                text = (choice.get("delta") or {}).get("content") or ""
                if text:
                    pieces.append(text)
                    if on_token:
                        on_token(text)
            return False

        with self._lock:  # one generation at a time on this CPU
            result = self._server.handle_chat_completions(request, callback)
        if errors or (isinstance(result, dict) and "error" in result):
            raise ModelError(f"local model failed: {errors or result}")
        return "".join(pieces)


class ServerError(Exception):
    """A failure worth retrying (connection, timeout, 429, 5xx)."""


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, ServerError | httpx.TransportError)


class OpenAIChatModel:
    """Any OpenAI-compatible ``/chat/completions`` endpoint (vLLM, llama.cpp server, Ollama,
    a hosted API), streamed, with timeouts and retries with exponential backoff."""

    def __init__(
        self,
        model: str,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ModelError(f"server URL must start with http:// or https://, got {base_url!r}")
        self.name = model
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        )

    def chat(
        self, messages: list[Message], *, max_tokens: int, on_token: OnToken | None = None
    ) -> str:
        body = {
            "model": self.name,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": 0.0,
            "stream": True,
        }
        try:
            for attempt in Retrying(
                stop=stop_after_attempt(self.retries + 1),
                wait=wait_exponential(multiplier=self.backoff, max=8),
                retry=retry_if_exception(_retryable),
                reraise=True,
            ):
                with attempt:
                    pieces: list[str] = []
                    try:
                        for text in self._stream(body):
                            pieces.append(text)
                            if on_token:
                                on_token(text)
                    except (ServerError, httpx.TransportError) as exc:
                        if pieces:  # tokens already went out: a retry would repeat them
                            raise ModelError(
                                f"model server {self.base_url} broke off: {exc}"
                            ) from exc
                        raise
                    return "".join(pieces)
        except (ServerError, httpx.HTTPError) as exc:
            raise ModelError(f"model server {self.base_url} failed: {exc}") from exc
        raise ModelError(f"model server {self.base_url} gave no answer")  # pragma: no cover

    def _stream(self, body: dict[str, Any]) -> Iterator[str]:
        with self._client.stream("POST", "/chat/completions", json=body) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise ServerError(f"HTTP {response.status_code}")
            if response.status_code >= 400:
                response.read()
                raise ModelError(
                    f"model server refused the request: HTTP {response.status_code} "
                    f"{response.text[:200]}"
                )
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                try:
                    chunk = json.loads(data)
                except json.JSONDecodeError as exc:
                    raise ServerError(f"malformed stream chunk: {data[:80]}") from exc
                for choice in chunk.get("choices", []):
                    text = (choice.get("delta") or {}).get("content") or ""
                    if text:
                        yield text
