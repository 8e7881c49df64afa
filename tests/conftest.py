"""Shared fixtures: no network but loopback, settings isolated per test, and the
expensive real parts (the packaged MiniLM, a built Chroma index) once per session."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from orderbot.config import Settings, load_settings
from orderbot.index import build_index
from orderbot.index.embedder import OnnxEmbedder, load_embedder
from orderbot.pipeline import Pipeline
from tests.services import ChromaServer, PostgresServer, RedisServer
from tests.web import LiveServer, free_port, server_settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REPORT = CORPUS / "toward-a-better-security-order.txt"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if host not in _LOOPBACK:
                raise RuntimeError(f"test tried to reach {address!r}: network is blocked")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_cache: Path) -> None:
    for key in list(os.environ):
        if key.startswith("ORDERBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # Tests answer extractively unless they choose a model backend themselves.
    monkeypatch.setenv("ORDERBOT_GENERATION__BACKEND", "extractive")
    # One model cache for the session: packaged models are assembled and the embedding
    # model exported once, not in every test that loads them.
    monkeypatch.setenv("ORDERBOT_GENERATION__MODEL_CACHE", str(model_cache))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def embedder(model_cache: Path) -> OnnxEmbedder:
    return load_embedder("all-MiniLM-L6-v2", model_cache)


def make_settings(base: Path, **overrides: object) -> Settings:
    """Settings whose corpus and index live under ``base``; ``index`` entries merge."""
    index = {"root": base / "index", **overrides.pop("index", {})}  # type: ignore[dict-item]
    overrides.setdefault("generation", {"backend": "extractive"})
    return load_settings(corpus_dir=base / "corpus", index=index, **overrides)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, embedder: OnnxEmbedder) -> Settings:
    """The real corpus, indexed once for the session with the real model."""
    base = tmp_path_factory.mktemp("built")
    shutil.copytree(CORPUS, base / "corpus")
    settings = make_settings(base)
    build_index(settings, embedder=embedder)
    return settings


@pytest.fixture(scope="session")
def pipeline(built: Settings, embedder: OnnxEmbedder) -> Pipeline:
    return Pipeline.from_settings(built, embedder=embedder)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path


@pytest.fixture(scope="session")
def live(
    built: Settings, pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The whole web server (chat, API, widget, demo) on 127.0.0.1, one per session.
    The outreach site's origin is on its allow-list; its port is reserved here."""
    outreach_port = free_port()
    settings = server_settings(
        built,
        tmp_path_factory.mktemp("web-data"),
        allowed_origins=[f"http://127.0.0.1:{outreach_port}"],
        rate_limit="1000/minute",
        concurrency_limit=4,
    )
    with LiveServer(settings, pipeline, demo=True) as server:
        server.outreach_port = outreach_port
        yield server


def _service(*commands: str) -> None:
    """Skip on a developer's machine without the Debian package; never in CI (.ci/run
    installs it)."""
    from tests.services import available

    if not available(*commands) and not os.environ.get("CI"):
        pytest.skip(f"{' and '.join(commands)} not installed")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL cluster on 127.0.0.1, one per session."""
    _service("initdb", "pg_ctl")
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real Redis server on 127.0.0.1, one per session."""
    _service("redis-server")
    with RedisServer() as server:
        yield server


@pytest.fixture(scope="session")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """A real Chroma server (``chroma run``) on 127.0.0.1, one per session."""
    with ChromaServer(tmp_path_factory.mktemp("chroma")) as server:
        yield server
