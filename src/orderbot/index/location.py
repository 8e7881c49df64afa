"""Where the index lives, chosen by the settings: the embedded store in a folder (the
default, ``versions.py`` + ``ChunkStore``) or a Chroma server (``chroma_server.py``).
Ingest and the pipeline go through this one interface, so they do not know which."""

from __future__ import annotations

from collections.abc import Hashable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from orderbot.config import IndexSettings
from orderbot.index import versions
from orderbot.index.store import ChunkStore


class IndexLocation(Protocol):
    """The versions of one index and the pointer to the serving one."""

    def __str__(self) -> str: ...

    def stamp(self) -> Hashable | None:
        """Cheap, and different after every publish (None: no index yet)."""
        ...

    def current_name(self) -> str | None: ...

    def open(self) -> Any:
        """The serving version (a ``ChunkStore`` or its remote twin)."""
        ...

    def lock(self) -> AbstractContextManager[None]: ...

    def clean(self) -> list[str]: ...

    def create(self, copy_of: Any | None) -> Any:
        """A new, unpublished, writable version: empty or a copy of ``copy_of`` (which
        may be closed by the copy)."""
        ...

    def publish(self, store: Any) -> None: ...


class FolderIndex:
    """``index/<name>/``: version folders and ``CURRENT.json``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __str__(self) -> str:
        return str(self.root)

    def stamp(self) -> Hashable | None:
        return versions.pointer_stamp(self.root)

    def current_name(self) -> str | None:
        current = versions.current_version(self.root)
        return current.name if current is not None else None

    def open(self) -> ChunkStore:
        return ChunkStore.open(self.root)

    def lock(self) -> AbstractContextManager[None]:
        return versions.ingest_lock(self.root)

    def clean(self) -> list[str]:
        return versions.clean(self.root)

    def create(self, copy_of: ChunkStore | None) -> ChunkStore:
        path = versions.new_version(self.root)
        if copy_of is not None:  # its files, never the serving version, become the new one
            copy_of.hand_over(path)
        return ChunkStore.create(path)

    def publish(self, store: ChunkStore) -> None:
        versions.publish(self.root, store.path)


def index_location(settings: IndexSettings) -> IndexLocation:
    if settings.chroma_host:
        from orderbot.index.chroma_server import RemoteIndex

        return RemoteIndex(settings)
    return FolderIndex(settings.index_path())
