"""Thumbs up / down on answers, kept in SQLite, exported in the QA-file format."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orderbot.chat import Turn
from orderbot.errors import OrderbotError
from orderbot.models import Citation

Rating = Literal["up", "down"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    refused INTEGER NOT NULL,
    citations TEXT NOT NULL,
    history TEXT NOT NULL
)
"""


class FeedbackError(OrderbotError):
    """Feedback that cannot be stored or read."""


class Feedback(BaseModel):
    """One rating of one answer, with what was asked and answered."""

    model_config = ConfigDict(extra="forbid")

    rating: Rating
    comment: str = Field("", max_length=2000)
    question: str = Field(min_length=1, max_length=20_000)
    answer: str = Field(max_length=50_000)
    refused: bool = False
    citations: list[Citation] = Field(default_factory=list, max_length=50)
    history: list[Turn] = Field(default_factory=list, max_length=50)


class FeedbackStore:
    """``DATA_DIR/feedback.sqlite3``; safe to share between threads."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "feedback.sqlite3"
        self._lock = threading.Lock()
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise FeedbackError(f"cannot open the feedback database {self.path}: {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, item: Feedback) -> int:
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            item.rating,
            item.comment.strip(),
            item.question,
            item.answer,
            int(item.refused),
            json.dumps([c.model_dump() for c in item.citations]),
            json.dumps([t.model_dump() for t in item.history]),
        )
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created, rating, comment, question, answer, refused, "
                "citations, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid or 0)

    def comment(self, feedback_id: int, comment: str) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "UPDATE feedback SET comment = ? WHERE id = ?",
                (comment.strip()[:2000], feedback_id),
            )

    def rows(self) -> Iterator[tuple[int, str, Feedback]]:
        """``(id, created, feedback)`` oldest first."""
        with self._lock, self._connect() as db:
            rows = db.execute(
                "SELECT id, created, rating, comment, question, answer, refused, citations, "
                "history FROM feedback ORDER BY id"
            ).fetchall()
        for fid, created, rating, comment, question, answer, refused, cites, history in rows:
            yield (
                fid,
                created,
                Feedback(
                    rating=rating,
                    comment=comment,
                    question=question,
                    answer=answer,
                    refused=bool(refused),
                    citations=json.loads(cites),
                    history=json.loads(history),
                ),
            )


def to_qa_item(fid: int, item: Feedback) -> dict[str, object]:
    """A QA-file line (see ``orderbot.eval.qa``) a maintainer can complete.

    A thumbs up keeps the answer's verdict (refused or not) and its cited quotes as
    evidence. A thumbs down marks the question answerable (a refusal the reader thought
    wrong, or a wrong answer) with no evidence: the maintainer fills in ``must_include``
    and ``evidence``, or flips ``answerable``. The type names the rating.
    """
    answerable = item.rating == "down" or not item.refused
    return {
        "id": f"feedback-{fid}",
        "type": f"feedback-{item.rating}",
        "question": item.question,
        "answerable": answerable,
        "must_include": [],
        "evidence": [c.quote for c in item.citations] if item.rating == "up" else [],
        "history": [t.model_dump() for t in item.history],
    }


def export_qa(store: FeedbackStore, out: Path) -> int:
    """Write every rating to ``out`` (JSONL, QA-file format); returns how many."""
    lines = [json.dumps(to_qa_item(fid, item), ensure_ascii=False) for fid, _, item in store.rows()]
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    except OSError as exc:
        raise FeedbackError(f"cannot write {out}: {exc}") from exc
    return len(lines)
