"""One notion of a failure worth retrying, for everything that talks HTTP (the model
server backend, source downloads): a timeout, a dropped connection, 429 or a 5xx."""

from __future__ import annotations

import httpx


class Passing(Exception):
    """A failure that may pass: a server-side HTTP status, a malformed or cut stream."""


def is_passing(exc: BaseException) -> bool:
    """Whether ``exc`` is worth a retry."""
    return isinstance(exc, Passing | httpx.TransportError)
