"""Answer backends by name: ``extractive``, ``local:MODEL``, ``openai:MODEL@URL``; and the
coverage decision's yes/no judge by the same names (``make_yes_no_judge``)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from orderbot.config import CoverageSettings, GenerationSettings
from orderbot.errors import ConfigError
from orderbot.generate.base import Generator
from orderbot.generate.extractive import ExtractiveGenerator
from orderbot.generate.llm import LLMGenerator
from orderbot.generate.local_models import ModelNotInstalled, resolve_model
from orderbot.generate.model_api import ChatModel, ScoringModel
from orderbot.generate.prompt import Prompts
from orderbot.generate.yesno import YesNoJudge

if TYPE_CHECKING:
    from orderbot.generate.local_model import LocalChatModel
    from orderbot.generate.openai_model import OpenAIChatModel

log = logging.getLogger("orderbot")
Factory = Callable[[str, GenerationSettings, str], Generator]


def quoting(settings: GenerationSettings) -> ExtractiveGenerator:
    return ExtractiveGenerator(
        max_sentences=settings.max_sentences,
        min_score=settings.min_sentence_score,
        margin=settings.quote_margin,
    )


def _extractive(_arg: str, settings: GenerationSettings, _subject: str) -> Generator:
    return quoting(settings)


def _llm(model: ChatModel, label: str, settings: GenerationSettings, prompts: Prompts) -> Generator:
    return LLMGenerator(
        model,
        label=label,
        quotes=quoting(settings),
        prompts=prompts,
        max_tokens=settings.max_tokens,
        max_chars=settings.max_answer_chars,
        sentences=settings.context_sentences,
        support_threshold=settings.support_threshold,
        novelty=settings.novelty,
    )


@lru_cache(maxsize=3)
def _loaded_model(path: Path, n_ctx: int, threads: int) -> LocalChatModel:
    from orderbot.generate.local_model import LocalChatModel

    return LocalChatModel(path, n_ctx=n_ctx, threads=threads)


def _local_model(path: Path, n_ctx: int, threads: int, system: str) -> LocalChatModel:
    """The model at ``path``, loaded once for the answers and the coverage judge alike
    (each request carries its own system prompt), with ``system`` read into its cache."""
    model = _loaded_model(path, n_ctx, threads)
    model.warm([{"role": "system", "content": system}])
    return model


def _local(arg: str, settings: GenerationSettings, subject: str) -> Generator:
    if not arg:
        raise ConfigError("give the model: local:NAME or local:/path/model.gguf")
    try:
        path = resolve_model(arg, settings.cache_dir())
    except ModelNotInstalled as exc:
        log.warning("%s; answering with the extractive backend", exc)
        return quoting(settings)
    prompts = Prompts(settings.prompts, subject)
    model = _local_model(path, settings.n_ctx, settings.threads, prompts.system)
    return _llm(model, f"local:{arg}", settings, prompts)


def _openai(arg: str, settings: GenerationSettings, subject: str) -> Generator:
    chat = _openai_model(arg, settings, "openai backend")
    return _llm(chat, f"openai:{chat.name}", settings, Prompts(settings.prompts, subject))


def _openai_model(arg: str, settings: GenerationSettings, what: str) -> OpenAIChatModel:
    """The model of an ``openai:MODEL@URL`` spec (``arg`` is ``MODEL@URL``)."""
    from orderbot.generate.openai_model import OpenAIChatModel

    model, sep, url = arg.partition("@")
    if not model or not sep or not url:
        raise ConfigError(f"{what} needs openai:MODEL@URL, got 'openai:{arg}'")
    return OpenAIChatModel(
        model,
        url,
        api_key=os.environ.get(settings.api_key_env),
        timeout=settings.timeout,
        retries=settings.retries,
    )


_FACTORIES: dict[str, Factory] = {"extractive": _extractive, "local": _local, "openai": _openai}


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


def make_generator(settings: GenerationSettings, subject: str) -> Generator:
    """The backend ``settings.backend`` names; ``subject`` is what the prompt says the
    assistant is about."""
    factory, arg = check_backend(settings.backend)
    return factory(arg, settings, subject)


def make_yes_no_judge(
    coverage: CoverageSettings, generation: GenerationSettings
) -> YesNoJudge | None:
    """The second coverage stage ``coverage.judge`` names, or None when it is off or its
    local model is not installed (said once; the first stage then decides alone)."""
    if coverage.judge == "off":
        return None
    name, _, arg = coverage.judge.partition(":")
    model: ScoringModel
    if name == "local":
        try:
            path = resolve_model(arg, generation.cache_dir())
        except ModelNotInstalled as exc:
            log.warning("%s; the coverage judge is off", exc)
            return None
        system = coverage.judge_prompts.system.format()
        model = _local_model(path, generation.n_ctx, generation.threads, system)
    else:
        model = _openai_model(arg, generation, "coverage.judge")
    return YesNoJudge(model, coverage.judge_prompts, sentences=coverage.judge_sentences)
