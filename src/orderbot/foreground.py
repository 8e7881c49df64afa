"""Requests in flight, so that background work steps aside for them.

A server loading a new index version does seconds of Python (reading every chunk,
tokenizing them for BM25, counting the vocabulary) that holds the interpreter in turns
with the requests it answers meanwhile: on 2 cores each of those requests took about
twice as long. Background work done in small steps calls ``pause()`` between them, which
waits while any request is in flight, for at most ``patience`` seconds, so that work
still finishes under a steady stream of requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class Foreground:
    def __init__(self, patience: float = 0.1) -> None:
        if patience < 0:
            raise ValueError(f"patience must be >= 0, got {patience}")
        self.patience = patience
        self._busy = 0
        self._idle = threading.Condition()

    @contextmanager
    def request(self) -> Iterator[None]:
        """Marks one request in flight for as long as the block runs."""
        with self._idle:
            self._busy += 1
        try:
            yield
        finally:
            with self._idle:
                self._busy -= 1
                if not self._busy:
                    self._idle.notify_all()

    @property
    def busy(self) -> int:
        return self._busy

    def pause(self) -> None:
        """Wait until no request is in flight, or ``patience`` seconds at most."""
        with self._idle:
            self._idle.wait_for(lambda: not self._busy, timeout=self.patience)
        time.sleep(0)  # and let a request thread that just woke take the interpreter


def paced(items: Iterable[T], pause: Callable[[], None] | None, every: int) -> Iterator[T]:
    """``items``, calling ``pause()`` before each run of ``every`` of them."""
    for n, item in enumerate(items):
        if pause is not None and n % every == 0:
            pause()
        yield item
