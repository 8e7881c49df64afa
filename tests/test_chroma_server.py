"""The index on a real Chroma server (``chroma run --path ... --port ...`` on 127.0.0.1):
versions as collections, the pointer readers check, the ingest lock, cleaning, and a
server that is down or hangs answering with a clear error in seconds, then recovering."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator

import pytest

from orderbot.config import IndexSettings
from orderbot.errors import IndexNotFoundError, OrderbotError
from orderbot.index.chroma_server import IndexUnavailableError, RemoteIndex
from orderbot.index.store import Manifest
from orderbot.models import Chunk
from tests.services import ChromaServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One Chroma server for the session."""
    with ChromaServer(tmp_path_factory.mktemp("chroma")) as server:
        yield server


@pytest.fixture
def index(chroma: ChromaServer) -> RemoteIndex:
    """An index of its own (a unique embedding-model name gives a unique index name)."""
    settings = IndexSettings(
        chroma_host="127.0.0.1",
        chroma_port=chroma.port,
        chroma_timeout=2.0,
        embedding_model=f"/models/test-{uuid.uuid4().hex[:8]}",
    )
    return RemoteIndex(settings)


def chunk(i: int) -> Chunk:
    return Chunk(id=f"c{i}", doc_id="d", document="D", section="S", kind="body", text=f"text {i}")


def manifest(name: str) -> Manifest:
    return Manifest(index_name=name, embedding_model="m", built_at="now")


def build(index: RemoteIndex, name: str, copy: bool = False) -> str:
    with index.lock():
        store = index.create(copy_of=index.open() if copy else None)
        if not copy:
            store.add([chunk(0), chunk(1), chunk(2)], [[1.0, 0.0], [0.0, 1.0], [0.7, 0.7]])
            store.sentences.replace(["c0"], [("c0", b"\x01" * 16, [1.0, 0.0])])
        else:
            store.delete(["c2"])
        store.write_manifest(manifest(name))
        index.publish(store)
        index.clean()
    return store.version


def test_a_published_version_is_what_readers_open(index: RemoteIndex) -> None:
    with pytest.raises(IndexNotFoundError, match="orderbot ingest"):
        index.open()
    first = build(index, "first")
    store = index.open()
    assert store.version == first and store.count() == 3
    assert [i for i, _ in store.query([1.0, 0.1], 2)] == ["c0", "c2"]
    assert store.read_manifest().index_name == "first"
    assert list(store.sentences.get([b"\x01" * 16, b"\x02" * 16])) == [b"\x01" * 16]
    assert {c.id for c in store.chunks()} == {"c0", "c1", "c2"}

    stamp = index.stamp()
    second = build(index, "second", copy=True)  # edits a copy; the first stays whole
    assert index.stamp() != stamp
    assert index.open().version == second and index.open().count() == 2
    assert store.count() == 3 and store.read_manifest().index_name == "first"
    assert index.open().sentences.chunks() == {"c0"}

    third = build(index, "third", copy=True)
    assert index.versions() == sorted([second, third])  # the current and the previous


def test_an_unfinished_version_is_never_served_and_is_cleaned(index: RemoteIndex) -> None:
    first = build(index, "first")
    with index.lock():
        half = index.create()
        half.add([chunk(9)], [[0.5, 0.5]])  # killed here: no manifest, never published
    assert index.open().version == first
    with pytest.raises(IndexNotFoundError, match="incomplete"):
        half.read_manifest()
    assert index.clean() == [half.version]


def test_one_ingest_at_a_time(index: RemoteIndex) -> None:
    with index.lock(), pytest.raises(OrderbotError, match="another ingest is running"):  # noqa: SIM117
        with index.lock():
            pass
    with index.lock():  # released
        pass


def test_a_server_down_or_hanging_is_a_quick_clear_error_then_recovers(
    index: RemoteIndex, chroma: ChromaServer
) -> None:
    build(index, "first")
    assert chroma.process is not None
    os.kill(chroma.process.pid, signal.SIGSTOP)  # hangs: accepts, never answers
    try:
        started = time.monotonic()
        with pytest.raises(IndexUnavailableError, match=r"index server .* is unavailable"):
            index.open().query([1.0, 0.0], 1)
        assert time.monotonic() - started < 6
    finally:
        os.kill(chroma.process.pid, signal.SIGCONT)
    assert index.open().count() == 3
    chroma.stop()
    try:
        started = time.monotonic()
        with pytest.raises(IndexUnavailableError, match="Connect"):
            index.stamp()
        assert time.monotonic() - started < 3
    finally:
        chroma.start()
    assert index.open().count() == 3  # the same client object, once the server is back
