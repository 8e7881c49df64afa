"""A packaged model as a server: llama.cpp's own OpenAI-compatible HTTP server, run by
xllamacpp, so that several web replicas share one model (``openai:MODEL@URL/v1``) and its
memory is paid once.

llama.cpp answers ``parallel`` requests at once (one slot each, continuous batching);
further requests wait in its queue rather than fail.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from orderbot.config import GenerationSettings
from orderbot.errors import ConfigError, ModelError
from orderbot.generate.local_models import llama_params, resolve_model


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
        import xllamacpp  # llama_params has checked it is installed

        params = llama_params(path, n_ctx=n_ctx, threads=threads, parallel=parallel)
        params.model_alias = {name}
        params.hostnames = [host]
        params.port = port
        params.cont_batching = True
        params.endpoint_metrics = True  # Prometheus figures at /metrics
        params.timeout_read = params.timeout_write = int(timeout)
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
    path = resolve_model(spec, settings.cache_dir())
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
