"""One object per thread, for tools that keep state between calls (pysbd's segmenter
keeps the text it is splitting; PyStemmer's stemmer is not thread-safe) and so cannot be
shared by answers written at the same time."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def per_thread(factory: Callable[[], T]) -> Callable[[], T]:
    """``factory()``, called once in each thread that asks for it (``lru_cache`` per thread)."""
    local = threading.local()

    @functools.wraps(factory)
    def get() -> T:
        try:
            value: T = local.value
        except AttributeError:
            value = local.value = factory()
        return value

    return get
