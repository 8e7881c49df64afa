"""The QA-file format (one JSON object a line). It is a contract: other files in this
format run as they are."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from orderbot.conversation import Turn
from orderbot.errors import OrderbotError, QuestionError
from orderbot.question import check_question

log = logging.getLogger(__name__)


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


def load_qa(
    path: Path,
    *,
    max_question_chars: int | None = None,
    problems: list[str] | None = None,
    strict: bool = False,
) -> list[QAItem]:
    """The usable questions of a QA file. A bad line (not JSON, not a QA item, a question
    ``check_question`` refuses, an id seen before) is reported with its number, in
    ``problems`` and as a warning, and the others are kept; a QAError only when no
    question is usable, or at the first bad line when ``strict``.

    Lines end at ``\n`` only: U+2028, U+2029 or U+0085 inside a JSON string are text."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QAError(f"cannot read QA file {path}: {exc}") from exc
    found: list[str] = []
    items: list[QAItem] = []
    seen: set[str] = set()
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            item = _item(line, max_question_chars)
        except ValueError as exc:
            problem = f"{path}, line {number}: {exc}"
        else:
            if item.id not in seen:
                seen.add(item.id)
                items.append(item)
                continue
            problem = f"{path}, line {number}: question id {item.id!r} appears twice"
        if strict:
            raise QAError(problem)
        found.append(problem)
        log.warning("%s (line skipped)", problem)
    if problems is not None:
        problems.extend(found)
    if not items:
        raise QAError(
            f"QA file {path} has no usable questions"
            + (f" ({len(found)} bad lines)" if found else "")
        )
    return items


def _item(line: str, max_question_chars: int | None) -> QAItem:
    """One line as a QAItem, or a ValueError saying in one line what is wrong."""
    try:
        item = QAItem.model_validate(json.loads(line))
    except json.JSONDecodeError as exc:
        raise ValueError(str(exc).splitlines()[0]) from exc
    except ValidationError as exc:
        raise ValueError(
            "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        ) from exc
    if max_question_chars is not None:
        try:
            check_question(item.question, max_question_chars)
        except QuestionError as exc:
            raise ValueError(exc.message) from exc
    return item


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
