from __future__ import annotations

from pathlib import Path

import pytest

from orderbot.config import IndexSettings, Settings, load_settings
from orderbot.errors import ConfigError


def test_env_prefix_and_nesting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBOT_RETRIEVAL__TOP_K", "7")
    monkeypatch.setenv("ORDERBOT_CORPUS_DIR", "/tmp/elsewhere")
    settings = load_settings()
    assert settings.retrieval.top_k == 7
    assert settings.corpus_dir == Path("/tmp/elsewhere")


def test_bad_values_are_config_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBOT_RETRIEVAL__TOP_K", "many")
    with pytest.raises(ConfigError, match=r"retrieval\.top_k"):
        load_settings()


def test_unknown_keys_rejected() -> None:
    with pytest.raises(ConfigError, match="chunk_sise"):
        load_settings(index={"chunk_sise": 10})


def test_top_k_cannot_exceed_candidates() -> None:
    with pytest.raises(ConfigError, match="exceeds"):
        load_settings(retrieval={"top_k": 30, "candidates": 10})


def test_index_name_follows_every_index_setting() -> None:
    base = IndexSettings()
    names = {
        base.index_name(),
        IndexSettings(chunk_size=100).index_name(),
        IndexSettings(embedding_model="/models/other").index_name(),
        IndexSettings(embedding_model="/elsewhere/other").index_name(),
    }
    assert len(names) == 4
    assert base.index_name() == IndexSettings().index_name()
    assert IndexSettings(embed_batch_size=8).index_name() == base.index_name()


def test_every_field_is_described() -> None:
    def walk(model: type[object]) -> None:
        for name, field in model.model_fields.items():  # type: ignore[attr-defined]
            assert field.description, f"{model.__name__}.{name} has no description"
            annotation = field.annotation
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                walk(annotation)

    walk(Settings)


def test_unknown_backend_lists_known_ones() -> None:
    from orderbot.generate import check_backend

    with pytest.raises(ConfigError, match="known: extractive"):
        check_backend("gpt-17")


def test_a_misspelled_variable_is_an_error_not_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBOT_COVERGE__THRESHOLD", "0.9")
    with pytest.raises(ConfigError, match=r"did you mean ORDERBOT_COVERAGE__THRESHOLD\?"):
        load_settings()
    monkeypatch.delenv("ORDERBOT_COVERGE__THRESHOLD")
    monkeypatch.setenv("ORDERBOT_TOP_K", "3")  # it is ORDERBOT_RETRIEVAL__TOP_K
    with pytest.raises(ConfigError, match="unknown settings: ORDERBOT_TOP_K"):
        load_settings()
    monkeypatch.delenv("ORDERBOT_TOP_K")
    monkeypatch.setenv("ORDERBOT_FEEDBACK_KEY", "a secret the settings name")
    monkeypatch.setenv("ORDERBOT_BENCH_CHUNKS", "2000")
    monkeypatch.setenv("ORDERBOT_RETRIEVAL__TOP_K", "3")
    assert load_settings().retrieval.top_k == 3


def test_a_list_that_is_not_json_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERBOT_SERVER__ALLOWED_ORIGINS", "https://x.org")
    with pytest.raises(ConfigError, match=r"written as JSON"):
        load_settings()
    monkeypatch.setenv("ORDERBOT_SERVER__ALLOWED_ORIGINS", '["https://x.org"]')
    assert load_settings().server.allowed_origins == ["https://x.org"]
