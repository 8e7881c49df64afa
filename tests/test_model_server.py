"""The model as a server: ``orderbot model serve`` starts llama.cpp's own OpenAI-compatible
server (xllamacpp) for a packaged model, and the ``openai`` backend talks to it for real:
streaming, finish reason and usage, requests queuing, a server killed mid-answer. The
failures a real server will not produce on demand (429, 503, a hang) use the stub in
``tests/openai_server.py``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from orderbot.errors import ModelError
from orderbot.generate.model_api import ChatRequest
from orderbot.generate.openai_model import OpenAIChatModel
from tests.openai_server import openai_server
from tests.services import ModelServerProcess

pytestmark = pytest.mark.slow

MODEL = "smollm2-135m"
HELLO = [{"role": "user", "content": "Name three colours."}]


@pytest.fixture(scope="session")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelServerProcess]:
    """One SmolLM2 server for the session, one slot: extra requests must queue."""
    with ModelServerProcess(MODEL, tmp_path_factory.mktemp("models")) as server:
        yield server


def backend(url: str, **options: float) -> OpenAIChatModel:
    return OpenAIChatModel(MODEL, url, **options)  # type: ignore[arg-type]


def stream(model: OpenAIChatModel, max_tokens: int) -> Iterator[str]:
    """The backend's text pieces as they arrive."""
    yield from model.stream(ChatRequest(messages=HELLO, max_tokens=max_tokens))


def test_serve_prints_the_backend_to_use_and_lists_the_model(
    model_server: ModelServerProcess,
) -> None:
    line = f"web replicas: ORDERBOT_GENERATION__BACKEND='openai:{MODEL}@{model_server.api_url}'"
    assert line in "".join(model_server.output)
    models = httpx.get(f"{model_server.api_url}/models", timeout=10).json()
    assert [m["id"] for m in models["data"]] == [MODEL]


def test_backend_streams_from_the_model_server(model_server: ModelServerProcess) -> None:
    model = backend(model_server.api_url)
    pieces = list(stream(model, 6))
    assert len(pieces) >= 2 and "".join(pieces).strip()
    # The server's own finish reason and token counts reach the backend.
    assert model.info.finish_reason == "length"
    assert model.info.usage.get("completion_tokens") == 6
    metrics = httpx.get(model_server.api_url.removesuffix("/v1") + "/metrics", timeout=10).text
    assert "llamacpp:tokens_predicted_total" in metrics


def test_concurrent_questions_queue_at_the_server(model_server: ModelServerProcess) -> None:
    """One slot, four questions at once: each waits its turn and is answered."""
    results: dict[int, tuple[str, None]] = {}
    failures: list[BaseException] = []

    def ask(i: int) -> None:
        model = backend(model_server.api_url, timeout=300.0)
        try:
            text = "".join(stream(model, 8))
            results[i] = (text, None)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not failures and sorted(results) == [0, 1, 2, 3]
    assert all(text for text, _ in results.values())


def test_server_killed_mid_answer_is_a_clear_error_and_a_restart_recovers(
    tmp_path: Path,
) -> None:
    server = ModelServerProcess(MODEL, tmp_path / "models")
    server.start()
    try:
        model = backend(server.api_url, timeout=30.0, retries=1)
        answer = stream(model, 400)
        first = next(answer)
        assert first
        server.kill()
        started = time.monotonic()
        with pytest.raises(ModelError, match="broke off"):
            for _ in answer:
                pass
        assert time.monotonic() - started < 15
        with pytest.raises(ModelError, match="failed"):  # down: refused, retried, reported
            list(stream(model, 4))
        server.start()  # the same port again: the same backend object works on
        assert "".join(stream(model, 4))
    finally:
        server.stop()


def test_busy_and_unavailable_servers_are_retried_then_reported() -> None:
    with openai_server() as (url, behaviour):
        for status in (429, 503):
            behaviour.mode, behaviour.status, behaviour.failures = "error", status, 1
            behaviour.failed = 0
            model = backend(url, retries=2, backoff=0.01)
            assert "".join(stream(model, 8))
            behaviour.failures, behaviour.failed = 10, 0
            with pytest.raises(ModelError, match=f"HTTP {status}"):
                list(stream(model, 8))


def test_a_hanging_server_times_out() -> None:
    with openai_server() as (url, behaviour):
        behaviour.mode, behaviour.hang_seconds = "hang", 5.0
        model = backend(url, timeout=0.5, retries=1, backoff=0.01)
        started = time.monotonic()
        with pytest.raises(ModelError, match="failed"):
            list(stream(model, 8))
        assert time.monotonic() - started < 4
