"""A sentence-transformers model turned, once, into an ONNX graph and a tokenizer file.

Serving with onnxruntime and the Rust tokenizer starts in a fraction of a second, where
importing torch, transformers and sentence-transformers takes seconds; the vectors are the
same (a test compares them). The export is local work on files already on disk: the
packaged weights are read and written again, nothing is downloaded. It needs torch and
onnx, which an ingest or the first start has; later starts only read the files.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from orderbot.errors import ModelError

EXPORT_VERSION = 1  # change when the exported files change
OPSET = 17


class ExportedModel(BaseModel):
    """Where an export lies and how to feed it."""

    folder: Path
    inputs: list[str]  # the graph's input names, in the tokenizer's terms
    dimension: int
    max_seq_length: int

    @property
    def graph(self) -> Path:
        return self.folder / "model.onnx"

    @property
    def tokenizer(self) -> Path:
        return self.folder / "tokenizer.json"


def fingerprint(model_path: Path) -> str:
    """Names an export: the model's files (path, size, time), the exporter's version."""
    digest = hashlib.sha256(f"v{EXPORT_VERSION}".encode())
    for path in sorted(p for p in model_path.rglob("*") if p.is_file()):
        info = path.stat()
        digest.update(f"{path.relative_to(model_path)}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def exported(model_path: Path, cache_dir: Path, name: str = "") -> ExportedModel:
    """The export of ``model_path`` under ``cache_dir`` (in a folder named after ``name``,
    the model's own name, and its fingerprint), made now if it is not there yet."""
    label = re.sub(r"[^A-Za-z0-9.]+", "-", Path(name or model_path.name).name).strip("-").lower()
    folder = cache_dir / f"onnx-{label}-{fingerprint(model_path)}"
    meta = folder / "export.json"
    if meta.is_file():
        return ExportedModel(folder=folder, **json.loads(meta.read_text("utf-8")))
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Built beside its final place and renamed into it: a reader never sees half an
    # export, and two processes exporting at once both end with a whole one.
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=cache_dir))
    try:
        details = _export(model_path, staging)
        (staging / "export.json").write_text(json.dumps(details), "utf-8")
        try:
            staging.rename(folder)
        except OSError:  # another process finished first: its export is the same
            if not meta.is_file():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return ExportedModel(folder=folder, **json.loads(meta.read_text("utf-8")))


def _export(model_path: Path, folder: Path) -> dict[str, Any]:
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - both are dependencies
        raise ModelError(f"cannot export {model_path} to ONNX: {exc}") from exc
    try:
        model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    except Exception as exc:  # any loader failure is a model problem for the user
        raise ModelError(f"cannot load embedding model from {model_path}: {exc}") from exc
    model.eval()
    tokenizer = model.tokenizer
    inputs = list(tokenizer.model_input_names)
    texts = ["a sentence", "and a longer second sentence"]
    sample = tokenizer(texts, return_tensors="pt", padding=True)

    class Graph(torch.nn.Module):
        """The whole model, tokens in, sentence vector out (pooling included)."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            features = dict(zip(inputs, tensors, strict=True))
            return self.model(features)["sentence_embedding"]  # type: ignore[no-any-return]

    axes = {name: {0: "batch", 1: "tokens"} for name in inputs}
    try:
        # The exporter warns about indexing with negative values, which BERT never does
        # (a test compares the vectors with sentence-transformers' own).
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Graph(),
                tuple(sample[name] for name in inputs),
                str(folder / "model.onnx"),
                input_names=inputs,
                output_names=["sentence_embedding"],
                dynamic_axes={**axes, "sentence_embedding": {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,
            )
    except Exception as exc:
        raise ModelError(f"cannot export {model_path} to ONNX: {exc}") from exc
    tokenizer.backend_tokenizer.save(str(folder / "tokenizer.json"))
    return {
        "inputs": inputs,
        "dimension": int(_dimension(model)),
        "max_seq_length": int(model.max_seq_length or tokenizer.model_max_length),
    }


def _dimension(model: Any) -> int:
    """The vector's length (``get_embedding_dimension`` in newer sentence-transformers)."""
    method = (
        getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    )
    return int(method() or 0)
