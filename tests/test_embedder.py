"""The embedding model as served (onnxruntime over a local ONNX export) against
sentence-transformers itself, and what an export does on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from orderbot.errors import ModelError
from orderbot.index.embedder import OnnxEmbedder, load_embedder, resolve_model_path
from orderbot.index.onnx_export import exported

REPORT = Path(__file__).resolve().parents[1] / "corpus" / "toward-a-better-security-order.txt"


def test_vectors_equal_sentence_transformers(embedder: OnnxEmbedder) -> None:
    from sentence_transformers import SentenceTransformer

    lines = [line.strip() for line in REPORT.read_text("utf-8").splitlines() if line.strip()]
    texts = [*lines[:40], "What are the seven variables?", "x", "word " * 400]  # one too long
    reference = SentenceTransformer(
        str(resolve_model_path("all-MiniLM-L6-v2")), device="cpu", local_files_only=True
    ).encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    ours = embedder.embed(texts)
    assert ours.dtype == np.float32 and ours.shape == reference.shape
    assert np.abs(ours - reference).max() < 1e-5
    # Alone (one thread) or in a batch (padded with others): the same vector.
    assert np.abs(embedder.embed([texts[-1]])[0] - reference[-1]).max() < 1e-5


def test_the_export_is_made_once_and_reused(tmp_path: Path) -> None:
    model = resolve_model_path("all-MiniLM-L6-v2")
    first = exported(model, tmp_path)
    made = first.graph.stat().st_mtime_ns
    assert exported(model, tmp_path) == first and first.graph.stat().st_mtime_ns == made
    assert json.loads((first.folder / "export.json").read_text("utf-8"))["dimension"] == 384
    assert [p.name for p in tmp_path.iterdir()] == [first.folder.name]  # no staging left


def test_serving_never_imports_torch(tmp_path: Path) -> None:
    """With the export there, a new process embeds without torch or sentence-transformers
    (the seconds of a cold start they would cost)."""
    exported(resolve_model_path("all-MiniLM-L6-v2"), tmp_path, "all-MiniLM-L6-v2")
    code = (
        "import sys; from pathlib import Path; from orderbot.index.embedder import load_embedder\n"
        f"e = load_embedder('all-MiniLM-L6-v2', Path({str(tmp_path)!r}))\n"
        "print(e.embed(['a question']).shape)\n"
        "heavy = ('torch', 'sentence_transformers', 'transformers')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["(1, 384)", "[]"]


def test_a_damaged_export_says_what_to_delete(tmp_path: Path) -> None:
    model = resolve_model_path("all-MiniLM-L6-v2")
    export = exported(model, tmp_path, "all-MiniLM-L6-v2")
    export.graph.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="delete"):
        load_embedder("all-MiniLM-L6-v2", tmp_path)


def test_an_unknown_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        load_embedder(str(tmp_path / "no-such-model"), tmp_path)
