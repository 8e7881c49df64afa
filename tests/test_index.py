"""Building and refreshing the index: incremental, and nothing lost to a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderbot.index import build_index
from orderbot.index.embedder import OnnxEmbedder
from orderbot.index.store import ChunkStore
from tests.conftest import make_settings

pytestmark = pytest.mark.slow


def test_refresh_embeds_only_what_changed(corpus_copy: Path, embedder: OnnxEmbedder) -> None:
    settings = make_settings(corpus_copy)
    first = build_index(settings, embedder=embedder)
    assert first.embedded == first.chunks > 0 and first.problems == []

    again = build_index(settings, embedder=embedder)
    assert (again.embedded, again.removed, again.chunks) == (0, 0, first.chunks)

    extra = corpus_copy / "corpus" / "extra.md"
    extra.write_text("# Extra note\n\nThe Better Order Project met in Vienna.\n", "utf-8")
    added = build_index(settings, embedder=embedder)
    assert added.documents == 2 and added.embedded == 1

    extra.write_bytes(b"\xff broken now")
    broken = build_index(settings, embedder=embedder)
    assert [Path(p.path).name for p in broken.problems] == ["extra.md"]
    assert broken.chunks == added.chunks  # the last good version is kept

    extra.unlink()
    removed = build_index(settings, embedder=embedder)
    assert removed.removed == 1 and removed.chunks == first.chunks


def test_other_settings_never_reuse_an_index(corpus_copy: Path, embedder: OnnxEmbedder) -> None:
    small = make_settings(corpus_copy, index={"chunk_size": 60})
    large = make_settings(corpus_copy)
    build_index(small, embedder=embedder)
    build_index(large, embedder=embedder)
    a = ChunkStore.open(small.index.index_path())
    b = ChunkStore.open(large.index.index_path())
    assert a.path != b.path
    assert a.count() > b.count()
