"""A packaged model as a server: llama.cpp's own OpenAI-compatible HTTP server, run by
xllamacpp, so that several web replicas share one model (``openai:MODEL@URL/v1``) and its
memory is paid once.

llama.cpp answers ``parallel`` requests at once (one slot each, continuous batching);
further requests wait in its queue rather than fail.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from orderbot.config import GenerationSettings
from orderbot.errors import ConfigError, ModelError
from orderbot.generate.local_models import resolve_model


class ModelServer:
    """``xllamacpp.Server`` listening on ``host:port`` for the GGUF model at ``path``,
    answering under the name ``name``. It serves until ``close()`` (or the process ends)."""

    def __init__(
        self,
        path: Path,
        *,
        name: str,
        host: str = "127.0.0.1",
        port: int = 8080,
        n_ctx: int = 4096,
        threads: int = 0,
        parallel: int = 1,
        timeout: float = 600.0,
    ) -> None:
        if not 1 <= port <= 65535:
            raise ConfigError(f"port must be 1..65535, got {port}")
        if not 1 <= parallel <= 64:
            raise ConfigError(f"parallel must be 1..64, got {parallel}")
        try:
            import xllamacpp
        except ImportError as exc:
            raise ModelError(
                "serving a model needs xllamacpp", hint="pip install 'orderbot[llm]'"
            ) from exc
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.model_alias = {name}
        params.hostnames = [host]
        params.port = port
        params.n_parallel = parallel
        params.n_ctx = n_ctx * parallel  # every slot gets n_ctx tokens
        params.cont_batching = True
        params.cache_prompt = True
        params.warmup = False
        params.endpoint_metrics = True  # Prometheus figures at /metrics
        params.verbosity = -1
        params.timeout_read = params.timeout_write = int(timeout)
        n = threads or max(1, os.cpu_count() or 1)
        params.cpuparams.n_threads = n
        params.cpuparams_batch.n_threads = n
        try:
            self._server: Any = xllamacpp.Server(params)
        except Exception as exc:  # the binding raises plain exceptions
            raise ModelError(
                f"cannot serve {path} on {host}:{port}: {exc}",
                hint="is the port already in use?",
            ) from exc
        self.name = name
        self.url = str(self._server.listening_address).rstrip("/")

    @property
    def api_url(self) -> str:
        """What ``openai:NAME@...`` points at."""
        return f"{self.url}/v1"

    def close(self) -> None:
        """Stop listening and free the model."""
        self._server = None

    def __enter__(self) -> ModelServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def start_model_server(
    spec: str,
    settings: GenerationSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    parallel: int = 1,
) -> ModelServer:
    """Serve the packaged model ``spec`` (a name or a .gguf path). llama.cpp keeps each
    slot's last prompt cached, so the fixed system prompt is read once per slot."""
    path = resolve_model(spec, Path(settings.model_cache).expanduser())
    name = path.stem if spec.endswith(".gguf") else spec
    return ModelServer(
        path,
        name=name,
        host=host,
        port=port,
        n_ctx=settings.n_ctx,
        threads=settings.threads,
        parallel=parallel,
    )


def wait_forever() -> None:
    """Block the calling thread until the process is interrupted."""
    threading.Event().wait()
