"""The QA-file format (one JSON object a line). It is a contract: other files in this
format run as they are."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from orderbot.chat import Turn
from orderbot.errors import OrderbotError


class QAError(OrderbotError):
    """A QA file that cannot be used."""


class QAItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    question: str = Field(min_length=1)
    answerable: bool
    must_include: list[list[str]] = Field(
        default_factory=list, description="Groups; a group is met by any one alternative."
    )
    evidence: list[str] = Field(
        default_factory=list, description="Text a correct passage contains."
    )
    history: list[Turn] = Field(default_factory=list, description="Earlier turns, if any.")
    split: Literal["tune", "test"] | None = Field(
        None,
        description="'tune': thresholds, weights and prompts may be fitted on it; 'test': "
        "what the gate and the README report. None: neither (e.g. exported feedback).",
    )

    @model_validator(mode="after")
    def _check(self) -> QAItem:
        if any(not group or not all(a.strip() for a in group) for group in self.must_include):
            raise ValueError("must_include has an empty group or alternative")
        return self


def load_qa(path: Path) -> list[QAItem]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QAError(f"cannot read QA file {path}: {exc}") from exc
    items: list[QAItem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(QAItem.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            detail = (
                str(exc).splitlines()[0]
                if isinstance(exc, json.JSONDecodeError)
                else (
                    "; ".join(
                        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
                    )
                )
            )
            raise QAError(f"{path}, line {number}: {detail}") from exc
    if not items:
        raise QAError(f"QA file {path} has no questions")
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise QAError(f"{path}: question id {item.id!r} appears twice")
        seen.add(item.id)
    return items


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
