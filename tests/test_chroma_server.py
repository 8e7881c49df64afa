"""The index on a real Chroma server (``chroma run --path ... --port ...`` on 127.0.0.1):
versions as collections, the pointer readers check, the ingest lock, cleaning, and a
server that is down or hangs answering with a clear error in seconds, then recovering."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
import pytest

from orderbot.config import IndexSettings, Settings
from orderbot.errors import IndexDamagedError, IndexNotFoundError, OrderbotError
from orderbot.index import build_index
from orderbot.index.chroma_server import IndexUnavailableError, RemoteIndex
from orderbot.index.embedder import OnnxEmbedder
from orderbot.index.location import index_location
from orderbot.index.sentences import sentence_texts
from orderbot.index.store import Manifest
from orderbot.models import Chunk
from orderbot.pipeline import Pipeline
from tests.conftest import make_settings
from tests.services import ChromaServer
from tests.web import LiveServer, server_settings

QUESTION = "How many proposals are in the package?"
VIENNA = "# Extra note\n\nThe Better Order Project met in Vienna in March to agree a workplan.\n"

pytestmark = pytest.mark.slow


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


def test_a_damaged_pointer_is_replaced_by_the_next_publish(index: RemoteIndex) -> None:
    first = build(index, "first")
    pointer = index.client.get_collection(f"{index.name}--pointer")
    pointer.modify(metadata={"current": 5, "published_at": 6})  # not a Pointer
    with pytest.raises(IndexDamagedError, match="orderbot ingest"):
        index.open()
    second = build(index, "second")  # what an ingest does once it cannot read it
    found = index.read_pointer()
    assert found and (found.current, found.previous) == (second, first)
    assert index.open().read_manifest().index_name == "second"


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


def test_a_lock_left_by_a_killed_ingest_is_taken_over(index: RemoteIndex) -> None:
    # A pid above Linux's largest (2**22): no process has it.
    index.client.create_collection(
        f"{index.name}--lock",
        embedding_function=None,
        metadata={"since": time.time(), "host": socket.gethostname(), "pid": 2**22 + 1},
    )
    with index.lock():  # the holder is gone: taken over at once
        pass


# The whole server on a Chroma-server index: ingest, answers, outages, new versions.


@pytest.fixture
def remote_settings(chroma: ChromaServer, corpus_copy: Path, embedder: OnnxEmbedder) -> Settings:
    settings = make_settings(
        corpus_copy,
        index={
            "chroma_host": "127.0.0.1",
            "chroma_port": chroma.port,
            "chroma_timeout": 2.0,
            "chunk_size": 150 + secrets.randbelow(50),  # an index name of its own
        },
    )
    build_index(settings, embedder=embedder)
    return settings


def test_replicas_answer_from_the_server_and_say_clearly_when_it_is_away(
    remote_settings: Settings,
    chroma: ChromaServer,
    embedder: OnnxEmbedder,
    tmp_path: Path,
) -> None:
    assert not remote_settings.index.index_path().exists()  # nothing on this disk
    pipeline = Pipeline.from_settings(remote_settings, embedder=embedder)
    settings = server_settings(remote_settings, tmp_path / "data")
    with LiveServer(settings, pipeline) as server, httpx.Client(base_url=server.url) as http:
        assert http.get("/api/health").json()["status"] == "ok"
        answer = http.post("/api/ask", json={"question": QUESTION}, timeout=30).json()
        assert answer["citations"] and not answer["refused"]

        chroma.stop()
        try:
            time.sleep(1.1)  # the pointer is polled at most once a second
            started = time.monotonic()
            health = http.get("/api/health", timeout=30)
            assert health.status_code == 503 and health.json()["status"] == "index_unavailable"
            down = http.post("/api/ask", json={"question": QUESTION}, timeout=30)
            assert down.status_code == 503 and down.json()["error"] == "index_unavailable"
            assert "index server" in down.json()["detail"]
            stream = http.post("/api/ask/stream", json={"question": QUESTION}, timeout=30)
            assert "event: error" in stream.text and "index_unavailable" in stream.text
            assert time.monotonic() - started < 15
        finally:
            chroma.start()
        time.sleep(1.1)
        assert http.get("/api/health").json()["status"] == "ok"  # back on its own
        again = http.post("/api/ask", json={"question": QUESTION}, timeout=30)
        assert again.status_code == 200 and again.json()["answer"] == answer["answer"]

        assert chroma.process is not None
        os.kill(chroma.process.pid, signal.SIGSTOP)  # slow: answers nothing
        try:
            started = time.monotonic()
            hung = http.post("/api/ask", json={"question": QUESTION}, timeout=60)
            assert hung.status_code == 503 and time.monotonic() - started < 10
        finally:
            os.kill(chroma.process.pid, signal.SIGCONT)
        assert http.post("/api/ask", json={"question": QUESTION}, timeout=30).status_code == 200

        # A new version, published by an ingest elsewhere, is picked up without a restart.
        (remote_settings.corpus_dir / "extra.md").write_text(VIENNA, "utf-8")
        report = build_index(remote_settings, embedder=embedder)
        assert report.documents == 2
        deadline = time.monotonic() + 30
        while http.get("/api/health").json()["chunks"] != report.chunks:
            assert time.monotonic() < deadline, "the new version was not picked up"
            time.sleep(0.3)
        met = http.post("/api/ask", json={"question": "Where did the project meet?"}).json()
        assert any("Vienna" in c["quote"] for c in met["citations"])
        assert len(RemoteIndex(remote_settings.index).versions()) == 2  # current, previous
    pipeline.close()


def test_the_server_ranks_chunks_by_their_best_sentence_as_the_folder_does(
    remote_settings: Settings, embedder: OnnxEmbedder
) -> None:
    store = index_location(remote_settings.index).open()
    try:
        vector = embedder.embed(["Which variable covers artificial intelligence?"])[0]
        found = store.sentences.search(vector, 5)
        expected = sorted(
            (
                (c.id, float(np.max(embedder.embed(sentence_texts(c)) @ vector)))
                for c in store.chunks()
            ),
            key=lambda pair: -pair[1],
        )[:5]
        assert [i for i, _ in found] == [i for i, _ in expected]
        np.testing.assert_allclose([s for _, s in found], [s for _, s in expected], atol=1e-4)
        # Among given chunks: the server filters, the best of those come back.
        among = [i for i, _ in expected[2:]] + ["no-such-chunk"]
        assert [i for i, _ in store.sentences.search(vector, 2, among)] == among[:2]
        assert store.sentences.search(vector, 2, []) == []
    finally:
        store.close()
