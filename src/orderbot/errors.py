"""The error tree. Library code raises these; only the edges (cli, app) print them."""

from __future__ import annotations


class OrderbotError(Exception):
    """Base class: ``str(err)`` is a one-line message a user can act on."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(OrderbotError):
    """Settings that cannot be used."""


class QuestionError(OrderbotError):
    """A question that cannot be asked (empty, too long)."""


class CorpusError(OrderbotError):
    """A corpus file that cannot be read or parsed."""


class IndexNotFoundError(OrderbotError):
    """No index has been built for the current settings."""


class IndexDamagedError(OrderbotError):
    """A part of the index that cannot be read (its pointer, a version's manifest or its
    Chroma files): ``orderbot ingest`` builds a new version from the corpus."""


# What to do about a damaged index: the corpus is the source, nothing need be deleted.
REBUILD_HINT = "run `orderbot ingest`: it builds the index again from the corpus"


class IndexUnavailableError(OrderbotError):
    """The index server (Chroma) cannot be reached or does not answer in time."""


class ModelError(OrderbotError):
    """A model that cannot be found or loaded."""


class FetchError(OrderbotError):
    """A source that could not be downloaded (HTTP error, wrong type, too large)."""


class NetworkError(OrderbotError):
    """No source could be reached at all: the network is down or unreachable."""
