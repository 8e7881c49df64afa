"""A GGUF model in this process: llama.cpp through xllamacpp, with the model's own chat
template. The fixed system prompt's prefix stays in the KV cache between questions
(``cache_prompt``); ``warm`` reads the messages every prompt starts with once, at load, so
the first question waits no longer than the next ones.

xllamacpp calls back with each chunk from inside a blocking call. ``stream`` runs that call
in a worker thread it owns and hands the chunks over; when the consumer closes the stream
the callback answers "stop", llama.cpp stops decoding, and the worker ends.

``top_logprobs`` is one non-streamed token: the log probabilities of the answer's first
token (the coverage check's yes/no judge reads them).
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

from orderbot.errors import ModelError
from orderbot.generate.local_models import llama_params
from orderbot.generate.model_api import (
    ChatRequest,
    Message,
    Stream,
    StreamInfo,
    delta_text,
    first_token_logprobs,
)

_DONE = object()


class LocalChatModel:
    def __init__(
        self,
        path: Path,
        *,
        n_ctx: int = 4096,
        threads: int = 0,
    ) -> None:
        import xllamacpp  # llama_params has checked it is installed

        params = llama_params(path, n_ctx=n_ctx, threads=threads)
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # the binding raises plain exceptions
            raise ModelError(f"cannot load local model {path}: {exc}") from exc
        self.name = path.stem
        self._lock = threading.Lock()  # one generation at a time on this CPU
        self.info = StreamInfo()  # about the last answer (cache_n, prompt_n, … in timings)
        self._warmed: list[list[Message]] = []

    def warm(self, prefix: list[Message]) -> None:
        """Read ``prefix`` into the KV cache now, so the first question waits no longer
        than the next ones; once per prefix (one model may serve the answers and the
        coverage judge, each with its own system prompt)."""
        if prefix in self._warmed:
            return
        for _ in self.stream(ChatRequest(messages=prefix, max_tokens=1)):
            pass
        self._warmed.append(prefix)

    def top_logprobs(self, request: ChatRequest) -> dict[str, float]:
        body = request.body() | {"cache_prompt": True}
        try:
            with self._lock:
                result = self._server.handle_chat_completions(body)
        except Exception as exc:  # the binding raises plain exceptions
            raise ModelError(f"local model failed: {exc}") from exc
        if not isinstance(result, dict) or "error" in result:
            error = result.get("error") if isinstance(result, dict) else result
            raise ModelError(f"local model failed: {error}")
        info = StreamInfo()
        if isinstance(result.get("timings"), dict):
            info.timings = {
                k: float(v) for k, v in result["timings"].items() if isinstance(v, int | float)
            }
        self.info = info
        return first_token_logprobs(result)

    def stream(self, request: ChatRequest) -> Stream:
        body = request.body() | {"cache_prompt": True}
        pieces: queue.Queue[Any] = queue.Queue()
        stop = threading.Event()
        info = StreamInfo()

        def callback(chunk: dict[str, Any]) -> bool:
            if "error" in chunk:
                pieces.put(ModelError(f"local model failed: {chunk['error']}"))
                return True
            text = delta_text(chunk, info)
            if text:
                pieces.put(text)
            return stop.is_set()

        def work() -> None:
            try:
                with self._lock:
                    result = self._server.handle_chat_completions(body, callback)
                if isinstance(result, dict) and "error" in result:
                    pieces.put(ModelError(f"local model failed: {result['error']}"))
            except Exception as exc:  # the binding raises plain exceptions
                pieces.put(ModelError(f"local model failed: {exc}"))
            finally:
                pieces.put(_DONE)

        worker = threading.Thread(target=work, name="orderbot-local-model", daemon=True)
        worker.start()
        try:
            while (item := pieces.get()) is not _DONE:
                if isinstance(item, ModelError):
                    raise item
                yield item
        finally:
            stop.set()  # the consumer stopped (or the answer ended): llama.cpp stops
            worker.join(timeout=30)
            self.info = info
