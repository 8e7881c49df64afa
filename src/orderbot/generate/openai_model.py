"""Any OpenAI-compatible ``/chat/completions`` endpoint (llama.cpp's server, vLLM, Ollama,
a hosted API), streamed, with timeouts and retries with exponential backoff.

A retry is made only before the first piece of text went out: after that, a retry would
repeat text the reader already has, so a stream that breaks off is an error. Closing the
stream closes the HTTP response, which tells the server to stop.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from orderbot.errors import ModelError
from orderbot.generate.model_api import (
    ChatRequest,
    Stream,
    StreamInfo,
    delta_text,
    first_token_logprobs,
)
from orderbot.retrying import Passing, is_passing


class OpenAIChatModel:
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
        self.info = StreamInfo()
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        )

    def top_logprobs(self, request: ChatRequest) -> dict[str, float]:
        """One non-streamed token's log probabilities (retried like a stream that sent
        nothing yet)."""
        body = request.body() | {"model": self.name}
        data: Any = None
        try:
            for attempt in self._retrying():
                with attempt:
                    response = self._client.post("/chat/completions", json=body)
                    if response.status_code == 429 or response.status_code >= 500:
                        raise Passing(f"HTTP {response.status_code}")
                    if response.status_code >= 400:
                        raise ModelError(
                            f"model server refused the request: HTTP {response.status_code} "
                            f"{response.text[:200]}"
                        )
                    try:
                        data = response.json()
                    except ValueError as exc:
                        raise Passing(f"malformed response: {response.text[:80]}") from exc
        except (Passing, httpx.HTTPError) as exc:
            raise ModelError(f"model server {self.base_url} failed: {exc}") from exc
        return first_token_logprobs(data) if isinstance(data, dict) else {}

    def _retrying(self) -> Retrying:
        """Retries of a passing failure (a 429, a 5xx, a dropped connection), with backoff."""
        return Retrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_exponential(multiplier=self.backoff, max=8),
            retry=retry_if_exception(is_passing),
            reraise=True,
        )

    def stream(self, request: ChatRequest) -> Stream:
        body = request.body() | {"model": self.name}
        sent = False
        try:
            for attempt in self._retrying():
                with attempt:
                    try:
                        for text in self._stream(body):
                            sent = True
                            yield text
                    except (Passing, httpx.TransportError) as exc:
                        if sent:  # text already went out: a retry would repeat it
                            raise ModelError(
                                f"model server {self.base_url} broke off: {exc}"
                            ) from exc
                        raise
                    return
        except (Passing, httpx.HTTPError) as exc:
            raise ModelError(f"model server {self.base_url} failed: {exc}") from exc

    def _stream(self, body: dict[str, Any]) -> Iterator[str]:
        info = StreamInfo()
        self.info = info
        with self._client.stream("POST", "/chat/completions", json=body) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise Passing(f"HTTP {response.status_code}")
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
                    raise Passing(f"malformed stream chunk: {data[:80]}") from exc
                if text := delta_text(chunk, info):
                    yield text
            if info.finish_reason is None:  # no [DONE], no finish reason: cut off
                raise Passing("the stream ended before the answer did")
