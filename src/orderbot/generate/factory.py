"""Answer backends by name."""

from __future__ import annotations

from collections.abc import Callable

from orderbot.config import GenerationSettings
from orderbot.errors import ConfigError
from orderbot.generate.base import Generator
from orderbot.generate.extractive import ExtractiveGenerator
from orderbot.index.embedder import Embedder

Factory = Callable[[str, GenerationSettings, Embedder], Generator]


def _extractive(_arg: str, settings: GenerationSettings, embedder: Embedder) -> Generator:
    return ExtractiveGenerator(
        embedder, max_sentences=settings.max_sentences, min_score=settings.min_sentence_score
    )


_FACTORIES: dict[str, Factory] = {"extractive": _extractive}


def available_generators() -> list[str]:
    return sorted(_FACTORIES)


def check_backend(backend: str) -> tuple[Factory, str]:
    """The factory for ``NAME`` or ``NAME:ARGUMENT``; an unknown name lists the known ones."""
    name, _, arg = backend.partition(":")
    factory = _FACTORIES.get(name)
    if factory is None:
        raise ConfigError(
            f"unknown generator {backend!r}; known: {', '.join(available_generators())}"
        )
    return factory, arg


def make_generator(settings: GenerationSettings, embedder: Embedder) -> Generator:
    factory, arg = check_backend(settings.backend)
    return factory(arg, settings, embedder)
