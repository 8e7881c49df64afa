"""Re-indexing that never loses the working index: file-level incremental, atomic
(a killed ingest leaves the previous index serving), and picked up without a restart."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from orderbot.errors import REBUILD_HINT, IndexDamagedError, OrderbotError
from orderbot.foreground import Foreground
from orderbot.index import build_index, versions
from orderbot.index.embedder import OnnxEmbedder
from orderbot.index.store import ChunkStore
from orderbot.pipeline import Pipeline, wait_for_released
from tests.conftest import make_settings

pytestmark = pytest.mark.slow

QUESTION = "How many proposals are in the package?"
VIENNA = "# Extra note\n\nThe Better Order Project met in Vienna in March to agree a workplan.\n"


def big_document(sections: int) -> str:
    parts = ["# Appendix of fictional treaties"]
    for i in range(1, sections + 1):
        parts.append(f"## Treaty {i}")
        parts.append(
            f"Treaty number {i} was signed in the year {1700 + i} by {i % 17 + 2} states. "
            f"It regulated fishing rights, river tolls and the exchange of envoys, and "
            f"clause {i * 3} set up a commission of {i % 9 + 3} members that met in town {i}."
        )
    return "\n\n".join(parts) + "\n"


def test_only_new_or_changed_files_are_parsed(corpus_copy: Path, embedder: OnnxEmbedder) -> None:
    settings = make_settings(corpus_copy)
    root = settings.index.index_path()
    first = build_index(settings, embedder=embedder)
    assert first.parsed == 1 and first.embedded == first.chunks

    again = build_index(settings, embedder=embedder)
    assert (again.parsed, again.embedded, again.version) == (0, 0, first.version)

    extra = corpus_copy / "corpus" / "extra.md"
    extra.write_text(VIENNA, "utf-8")
    added = build_index(settings, embedder=embedder)
    assert (added.parsed, added.embedded, added.documents) == (1, 1, 2)
    assert added.version != first.version

    extra.write_text(VIENNA.replace("March", "April"), "utf-8")
    changed = build_index(settings, embedder=embedder)
    assert (changed.parsed, changed.embedded, changed.chunks) == (1, 1, added.chunks)

    extra.unlink()
    removed = build_index(settings, embedder=embedder)
    assert (removed.parsed, removed.removed, removed.documents) == (0, 1, 1)
    # The serving version and the one before it are kept, older ones removed.
    pointer = versions.read_pointer(root)
    assert pointer is not None and pointer.previous == changed.version
    kept = sorted(p.name for p in (root / versions.VERSIONS).iterdir())
    assert kept == sorted([changed.version or "", removed.version or ""])
    entry = ChunkStore.open(root).read_manifest().documents[0]
    assert entry.sha256 and entry.ingested_at


def test_an_empty_corpus_folder_keeps_the_index(corpus_copy: Path, embedder: OnnxEmbedder) -> None:
    settings = make_settings(corpus_copy)
    first = build_index(settings, embedder=embedder)
    empty = corpus_copy / "empty"
    empty.mkdir()
    with pytest.raises(OrderbotError, match=r"has no documents; the index \(1 document\) is kept"):
        build_index(settings.model_copy(update={"corpus_dir": empty}), embedder=embedder)
    pipeline = Pipeline.from_settings(settings, embedder=embedder)
    assert pipeline.store.count() == first.chunks and pipeline.documents
    pipeline.close()


@pytest.mark.parametrize("part", ["manifest", "pointer", "chroma"])
def test_a_damaged_index_is_an_error_and_ingest_builds_it_again(
    corpus_copy: Path, embedder: OnnxEmbedder, part: str
) -> None:
    settings = make_settings(corpus_copy)
    first = build_index(settings, embedder=embedder)
    root = settings.index.index_path()
    serving = root / versions.VERSIONS / str(first.version)
    damaged = {
        "manifest": serving / versions.MANIFEST,
        "pointer": root / versions.POINTER,
        "chroma": serving / "chroma.sqlite3",
    }[part]
    damaged.write_bytes(b'{"half a file')
    # What a killed ingest leaves (no manifest) is never taken for the serving version.
    (root / versions.VERSIONS / "99991231T235959-ffffff").mkdir()
    with pytest.raises(IndexDamagedError, match="run `orderbot ingest`") as caught:
        Pipeline.from_settings(settings, embedder=embedder)
    # One line that says what to do; nothing to delete by hand.
    assert caught.value.hint == REBUILD_HINT and "\n" not in str(caught.value)
    again = build_index(settings, embedder=embedder)
    assert again.damaged and again.version != first.version
    assert again.chunks == first.chunks and again.embedded == first.chunks
    pointer = versions.read_pointer(root)
    assert pointer and pointer.current == again.version
    # The version that may still be serving somewhere is kept as the previous one.
    assert pointer.previous == first.version and serving.is_dir()
    pipeline = Pipeline.from_settings(settings, embedder=embedder)
    assert not pipeline.ask(QUESTION).refused
    pipeline.close()
    assert build_index(settings, embedder=embedder).damaged is None


def test_one_ingest_at_a_time(corpus_copy: Path, embedder: OnnxEmbedder) -> None:
    settings = make_settings(corpus_copy)
    with (
        versions.ingest_lock(settings.index.index_path()),
        pytest.raises(OrderbotError, match="another ingest is running"),
    ):
        build_index(settings, embedder=embedder)


def test_running_pipeline_picks_up_a_new_index(corpus_copy: Path, embedder: OnnxEmbedder) -> None:
    settings = make_settings(corpus_copy)
    build_index(settings, embedder=embedder)
    pipeline = Pipeline.from_settings(settings, embedder=embedder)
    assert pipeline.reload_if_stale() is False
    assert "Vienna" not in pipeline.ask("Where did the Better Order Project meet?").answer

    (corpus_copy / "corpus" / "extra.md").write_text(VIENNA, "utf-8")
    build_index(settings, embedder=embedder)
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(pipeline.reload_if_stale(wait=True)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]  # one reload, however many ask
    assert "Vienna" in pipeline.ask("Where did the Better Order Project meet?").answer
    assert pipeline.reload_if_stale() is False


def open_files(folder: Path) -> list[str]:
    """This process's open files under ``folder`` (deleted ones included)."""
    fds = Path("/proc/self/fd")
    links = []
    for fd in fds.iterdir():
        try:
            links.append(str(fd.readlink()))
        except OSError:  # closed meanwhile
            continue
    return [link for link in links if link.startswith(str(folder))]


def closed(folder: Path, within: float = 10.0) -> bool:
    """Whether no file under ``folder`` is open, waiting a little: Chroma's Rust side
    may close its sqlite connections a moment after ``close()`` returns."""
    deadline = time.monotonic() + within
    while open_files(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not open_files(folder)


def test_reload_loads_beside_the_old_index_and_closes_it(
    corpus_copy: Path, embedder: OnnxEmbedder
) -> None:
    settings = make_settings(corpus_copy)
    root = settings.index.index_path()
    build_index(settings, embedder=embedder)
    pipeline = Pipeline.from_settings(settings, embedder=embedder)
    extra = corpus_copy / "corpus" / "extra.md"
    question = "Where did the Better Order Project meet?"
    counts: list[tuple[int, int, int]] = []
    try:
        for month in ["March", "April", "May", "June", "July", "August"]:
            extra.write_text(VIENNA.replace("March", month), "utf-8")
            build_index(settings, embedder=embedder)
            before = pipeline.store.path
            running = pipeline.retriever  # a question in flight holds the old index
            # The request that notices the new index does not load it: it returns at once
            # and the new index is loaded in the background, then swapped in.
            assert pipeline.reload_if_stale() is False
            pipeline.wait_for_reload()
            assert pipeline.store.path != before
            assert month in pipeline.ask(question).answer
            assert running.retrieve(question).results  # still usable while held
            assert any(p.startswith(str(before)) for p in open_files(root))
            del running
            gc.collect()
            # Once no question uses it, the old version's files are closed.
            assert closed(before)
            wait_for_released()  # the old store is closed in a thread of its own
            counts.append(
                (len(open_files(Path("/"))), threading.active_count(), len(open_files(root)))
            )
    finally:
        pipeline.close()
    first, last = counts[1], counts[-1]  # after the first swap: steady state
    assert last[0] <= first[0] * 1.1 and last[1] <= first[1] * 1.1, counts
    assert last[2] <= first[2] * 1.25, counts  # Chroma opens some segment files lazily
    assert closed(root)  # close() released the serving version too


def test_killed_ingest_leaves_the_previous_index_serving(
    corpus_copy: Path, embedder: OnnxEmbedder
) -> None:
    settings = make_settings(corpus_copy)
    root = settings.index.index_path()
    build_index(settings, embedder=embedder)
    pointer = (root / versions.POINTER).read_bytes()
    serving = ChunkStore.open(root)
    count, manifest = serving.count(), serving.read_manifest()
    before = Pipeline.from_settings(settings, embedder=embedder).ask(QUESTION)

    # Thousands of chunks, so the ingest is still embedding when it is killed on any machine;
    # it is killed half a second in, long before it could finish.
    appendix = corpus_copy / "corpus" / "appendix.md"
    appendix.write_text(big_document(3000), "utf-8")
    env = {
        **os.environ,
        "ORDERBOT_CORPUS_DIR": str(settings.corpus_dir),
        "ORDERBOT_INDEX__ROOT": str(settings.index.root),
    }
    command = [str(Path(sys.executable).with_name("orderbot")), "ingest"]
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 180
        line = ""
        while "embedding" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, "ingest ended before it embedded"
        assert "embedding" in line and "new or changed chunks" in line
        time.sleep(0.5)  # into the embedding
        assert proc.poll() is None, "ingest finished before it could be killed"
        assert (root / versions.POINTER).read_bytes() == pointer, "ingest published before the kill"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    # The killed ingest left an unpublished folder; the pointer and the index are as before.
    assert (root / versions.POINTER).read_bytes() == pointer
    assert len(list((root / versions.VERSIONS).iterdir())) == 2
    reopened = ChunkStore.open(root)
    assert reopened.path == serving.path and reopened.count() == count
    assert reopened.read_manifest() == manifest
    after = Pipeline.from_settings(settings, embedder=embedder).ask(QUESTION)
    assert after.answer == before.answer and after.citations == before.citations

    # The next ingest removes the unfinished folder and completes (on a smaller appendix,
    # to keep the test short).
    appendix.write_text(big_document(20), "utf-8")
    done = build_index(settings, embedder=embedder)
    assert done.documents == 2 and done.problems == []
    names = {p.name for p in (root / versions.VERSIONS).iterdir()}
    assert names == {serving.path.name, str(done.version)}


def test_a_background_load_waits_while_requests_are_in_flight(
    corpus_copy: Path, embedder: OnnxEmbedder
) -> None:
    settings = make_settings(corpus_copy)
    build_index(settings, embedder=embedder)
    pipeline = Pipeline.from_settings(settings, embedder=embedder)
    pipeline.foreground = Foreground(patience=30)
    try:
        (corpus_copy / "corpus" / "extra.md").write_text(VIENNA, "utf-8")
        build_index(settings, embedder=embedder)
        before = pipeline.store.path
        with pipeline.foreground.request():  # a visitor's question in flight
            assert pipeline.reload_if_stale() is False
            time.sleep(1.0)
            assert pipeline.store.path == before  # the load has not started its work
        pipeline.wait_for_reload()  # the question is done: the load goes ahead
        assert pipeline.store.path != before
    finally:
        pipeline.close()


def test_foreground_pause_waits_for_requests_and_no_longer_than_its_patience() -> None:
    foreground = Foreground(patience=0.3)
    started = time.monotonic()
    foreground.pause()  # nothing in flight: at once
    assert time.monotonic() - started < 0.1
    with foreground.request():
        started = time.monotonic()
        foreground.pause()  # a request that outlasts the patience
        assert 0.25 <= time.monotonic() - started < 1.0
    with foreground.request():
        done = threading.Event()
        waiter = threading.Thread(target=lambda: (Foreground.pause(foreground), done.set()))
        waiter.start()
        assert not done.wait(0.1)  # waiting while the request runs
    assert done.wait(1.0)  # released as soon as it ended
    waiter.join()
    assert foreground.busy == 0
    with pytest.raises(ValueError, match="patience"):
        Foreground(patience=-1)
