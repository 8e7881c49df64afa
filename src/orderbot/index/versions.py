"""Versioned index folders and the pointer that says which one serves.

An index folder (``index/<index name>/``) holds ``versions/<version>/`` (each a complete
Chroma store with its manifest) and ``CURRENT.json``, which names the serving version and
the one before it. An ingest builds a new version beside the serving one and publishes it
by replacing the pointer atomically (write a temporary file, fsync, ``os.replace``): a
reader sees the old version or the new one, never a half-built one. A killed ingest
leaves only an unpublished folder, removed by the next ingest. The serving version is
never written to.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from orderbot.errors import REBUILD_HINT, IndexDamagedError, OrderbotError

POINTER = "CURRENT.json"
VERSIONS = "versions"
LOCK = ".ingest.lock"
MANIFEST = "manifest.json"  # written last into a version: it marks the version complete


class Pointer(BaseModel):
    current: str
    previous: str | None = None
    published_at: str


def read_pointer(root: Path) -> Pointer | None:
    try:
        return Pointer.model_validate_json((root / POINTER).read_bytes())
    except FileNotFoundError:
        return None
    except (ValidationError, OSError) as exc:
        problem = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else exc
        raise IndexDamagedError(
            f"cannot read the index pointer {root / POINTER}: {problem}", hint=REBUILD_HINT
        ) from exc


Stamp = tuple[int, int, int]


def pointer_stamp(root: Path) -> Stamp | None:
    """The pointer file's identity (inode, change time, size): one ``stat``, no read, a
    cheap way to tell whether a new version was published (``publish`` replaces the file,
    so a new pointer is a new inode)."""
    try:
        st = (root / POINTER).stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def current_version(root: Path) -> Path | None:
    pointer = read_pointer(root)
    return root / VERSIONS / pointer.current if pointer else None


def new_version(root: Path, copy_of: Path | None = None) -> Path:
    """A fresh, unpublished version folder: empty, or a file-level copy of the version
    ``copy_of`` (Chroma's sqlite and vector segment files, the sentence table; not its
    manifest), which an ingest then edits. Copying the files takes a fraction of a
    second where re-adding every chunk through Chroma took seconds; the serving version
    is only read."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = root / VERSIONS / f"{stamp}-{secrets.token_hex(3)}"
    if copy_of is None:
        path.mkdir(parents=True)
    else:
        shutil.copytree(copy_of, path, ignore=shutil.ignore_patterns(MANIFEST, "*.tmp"))
    return path


def publish(root: Path, version: Path) -> None:
    """Make ``version`` the serving one, atomically; the old one becomes ``previous``
    (when the old pointer is damaged, the newest other version: a server may still be
    reading it)."""
    try:
        old = read_pointer(root)
        previous = old.current if old else None
    except IndexDamagedError:
        others = sorted(  # complete ones: a killed ingest's folder has no manifest
            p.name for p in (root / VERSIONS).iterdir() if p != version and (p / MANIFEST).is_file()
        )
        previous = others[-1] if others else None  # names start with their time
    pointer = Pointer(
        current=version.name,
        previous=previous,
        published_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    _fsync_tree(version)
    tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(pointer.model_dump_json())
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(root / POINTER)  # atomic: os.replace
    _fsync_dir(root)


def clean(root: Path) -> list[str]:
    """Remove every version but the serving one and the one before it (a server may
    still be reading it until its next reload): also what a killed ingest left."""
    pointer = read_pointer(root)
    keep = {pointer.current, pointer.previous} if pointer else set()
    removed = []
    folder = root / VERSIONS
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    for tmp in root.glob(f".{POINTER}.*.tmp"):
        tmp.unlink(missing_ok=True)
    return removed


@contextmanager
def ingest_lock(root: Path) -> Iterator[None]:
    """One ingest at a time per index folder; a second one fails at once."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OrderbotError(
                f"another ingest is running on {root}", hint="wait for it to finish"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _fsync_tree(path: Path) -> None:
    for item in path.rglob("*"):
        if item.is_file():
            with item.open("rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
