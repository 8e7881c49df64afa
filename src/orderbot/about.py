"""What the assistant is about, beyond the documents' own titles: read from the corpus
(``about.json`` beside the documents, not itself a document) and overridden by the
settings. Nothing about a particular report is written in the code."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orderbot.errors import ConfigError

ABOUT_FILE = "about.json"


class About(BaseModel):
    model_config = ConfigDict(extra="forbid")

    examples: list[str] = Field(
        default_factory=list, max_length=8, description="Questions offered to a new visitor."
    )


def load_about(corpus_dir: Path) -> About:
    """``corpus_dir/about.json``, or nothing said when there is none."""
    path = corpus_dir / ABOUT_FILE
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return About()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    try:
        return About.model_validate(json.loads(raw))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise ConfigError(f"{path} is not a valid about file: {exc}") from exc
