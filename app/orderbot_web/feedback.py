"""Thumbs up / down on answers, kept in a database, exported in the QA-file format.

The database is named by a SQLAlchemy URL (``server.database_url``): SQLite in
``server.data_dir`` by default, PostgreSQL (``postgresql+psycopg://...``) when several web
replicas share it. Its schema is made by the Alembic migrations shipped in
``orderbot_web/migrations``, applied when the store is first used (every server start) and by
``orderbot db upgrade``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from orderbot.conversation import Turn
from orderbot.errors import OrderbotError
from orderbot.models import Citation

Rating = Literal["up", "down"]

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Alembic keeps its running context in module globals: one migration per process at a time.
_MIGRATING = threading.Lock()

# What the migrations build (kept in step with them; Alembic compares the two).
metadata = sa.MetaData()
feedback_table = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created", sa.String(32), nullable=False),
    sa.Column("rating", sa.String(4), nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("refused", sa.Boolean, nullable=False),
    sa.Column("citations", sa.JSON, nullable=False),
    sa.Column("history", sa.JSON, nullable=False),
    sa.CheckConstraint("rating IN ('up', 'down')", name="feedback_rating"),
)


class FeedbackError(OrderbotError):
    """Feedback that cannot be stored or read (a bad URL, a database that is down)."""


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


def database_url(data_dir: Path, url: str = "") -> str:
    """``url``, or the SQLite file ``data_dir/feedback.sqlite3`` when it is empty."""
    return url or f"sqlite:///{(data_dir / 'feedback.sqlite3').resolve()}"


def shown_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(invalid database URL)"


class FeedbackStore:
    """Ratings in the database at ``target``: a SQLAlchemy URL, or a folder for the default
    SQLite file. Safe to share between threads; several processes may share one PostgreSQL
    database. Nothing is connected until first use, so a database that is down at start
    only fails the feedback requests, and they succeed again once it is back."""

    def __init__(self, target: str | Path) -> None:
        if isinstance(target, Path):
            url = database_url(target)
            self._folder: Path | None = target
        else:
            url, self._folder = target, None
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise FeedbackError(f"invalid database URL {shown_url(url)!r}: {exc}") from exc
        if parsed.get_backend_name() == "sqlite" and self._folder is None and parsed.database:
            self._folder = Path(parsed.database).parent
        connect_args: dict[str, object] = {}
        if parsed.get_backend_name() == "sqlite":
            connect_args["timeout"] = 10
        elif parsed.get_backend_name() == "postgresql":
            connect_args["connect_timeout"] = 5
        try:
            self.engine: Engine = sa.create_engine(
                parsed, pool_pre_ping=True, pool_timeout=10, connect_args=connect_args
            )
        except (SQLAlchemyError, ImportError) as exc:
            raise FeedbackError(f"cannot use the database {shown_url(url)}: {exc}") from exc
        self._migrated = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FeedbackStore({shown_url(self.url)!r})"

    def migrate(self) -> str | None:
        """Bring the schema up to the newest migration; returns the revision now current."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        try:
            if self._folder is not None:
                self._folder.mkdir(parents=True, exist_ok=True)
            with _MIGRATING, self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                revision = MigrationContext.configure(connection).get_current_revision()
        except (OSError, SQLAlchemyError) as exc:
            reason = _reason(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
            raise FeedbackError(
                f"cannot open the feedback database {shown_url(self.url)}: {reason}"
            ) from exc
        self._migrated = True
        return revision

    def _ready(self) -> None:
        if not self._migrated:
            with self._lock:
                if not self._migrated:
                    self.migrate()

    def add(self, item: Feedback) -> int:
        self._ready()
        row = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "rating": item.rating,
            "comment": item.comment.strip(),
            "question": item.question,
            "answer": item.answer,
            "refused": item.refused,
            "citations": [c.model_dump(mode="json") for c in item.citations],
            "history": [t.model_dump(mode="json") for t in item.history],
        }
        try:
            with self.engine.begin() as db:
                result = db.execute(sa.insert(feedback_table).values(**row))
                key = result.inserted_primary_key
        except SQLAlchemyError as exc:
            raise FeedbackError(f"cannot save feedback: {_reason(exc)}") from exc
        return int(key[0]) if key else 0

    def comment(self, feedback_id: int, comment: str) -> None:
        self._ready()
        update = (
            sa.update(feedback_table)
            .where(feedback_table.c.id == feedback_id)
            .values(comment=comment.strip()[:2000])
        )
        try:
            with self.engine.begin() as db:
                db.execute(update)
        except SQLAlchemyError as exc:
            raise FeedbackError(f"cannot save the comment: {_reason(exc)}") from exc

    def rate(self, feedback_id: int, rating: Rating) -> bool:
        """Change a rating (the visitor who made it changed their mind); False when there
        is no rating ``feedback_id``."""
        self._ready()
        update = (
            sa.update(feedback_table)
            .where(feedback_table.c.id == feedback_id)
            .values(rating=rating)
        )
        try:
            with self.engine.begin() as db:
                return db.execute(update).rowcount == 1
        except SQLAlchemyError as exc:
            raise FeedbackError(f"cannot change the rating: {_reason(exc)}") from exc

    def rows(self) -> Iterator[tuple[int, str, Feedback]]:
        """``(id, created, feedback)`` oldest first."""
        self._ready()
        t = feedback_table
        query = sa.select(
            t.c.id, t.c.created, t.c.rating, t.c.comment, t.c.question, t.c.answer,
            t.c.refused, t.c.citations, t.c.history,
        ).order_by(t.c.id)  # fmt: skip
        try:
            with self.engine.connect() as db:
                rows = db.execute(query).all()
        except SQLAlchemyError as exc:
            raise FeedbackError(f"cannot read feedback: {_reason(exc)}") from exc
        for fid, created, rating, comment, question, answer, refused, cites, history in rows:
            try:
                item = Feedback(
                    rating=rating,
                    comment=comment,
                    question=question,
                    answer=answer,
                    refused=bool(refused),
                    citations=cites,
                    history=history,
                )
            except ValidationError as exc:  # stored before a rule was tightened
                log.warning("feedback %s skipped: %s", fid, str(exc).splitlines()[0])
                continue
            yield fid, created, item

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's one-line reason, without SQL or parameters."""
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__


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


class Exported(BaseModel):
    """What ``export_qa`` did: ratings added to the file, and lines it kept as they were."""

    model_config = ConfigDict(frozen=True)

    added: int
    kept: int


def export_qa(
    store: FeedbackStore,
    out: Path,
    *,
    max_question_chars: int | None = None,
    skipped: list[str] | None = None,
) -> Exported:
    """Add every rating not yet in ``out`` to it (JSONL, QA-file format, as ``load_qa``
    reads it). A rating whose question the evaluation would refuse (over
    ``max_question_chars``, not text) is left out and named in ``skipped``.

    The file is where a maintainer completes the ratings (``must_include``, ``evidence``,
    ``answerable``), so its lines are kept as they are, edits and all, even one that no
    longer reads as JSON: a rating is recognised by its ``id`` (``feedback-N``) and only the
    ratings with no line yet are appended. The file is replaced at once, never left half
    written.

    Visitors wrote these questions: U+2028, U+2029 and U+0085 are written as JSON escapes,
    so that no reader of the file takes them for line ends."""
    from orderbot.eval.qa import QAItem
    from orderbot.question import check_question

    kept = _read_lines(out)
    present = {_line_id(line) for line in kept}
    lines: list[str] = []
    for fid, _, item in store.rows():
        qa = to_qa_item(fid, item)
        if qa["id"] in present:
            continue
        try:
            QAItem.model_validate(qa)
            if max_question_chars is not None:
                check_question(item.question, max_question_chars)
        except (ValidationError, OrderbotError) as exc:
            reason = exc.message if isinstance(exc, OrderbotError) else str(exc).splitlines()[0]
            if skipped is not None:
                skipped.append(f"feedback-{fid}: {reason}")
            continue
        lines.append(_jsonl(qa))
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text("".join(f"{line}\n" for line in [*kept, *lines]), encoding="utf-8")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FeedbackError(f"cannot write {out}: {exc}") from exc
    return Exported(added=len(lines), kept=len(kept))


def _read_lines(path: Path) -> list[str]:
    """The non-blank lines of an earlier export, as they are (none if there is no file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedbackError(
            f"cannot read {path}, so it was left as it is: {exc}. Export to another file "
            "with --out."
        ) from exc
    return [line for line in text.split("\n") if line.strip()]


def _line_id(line: str) -> object:
    """The ``id`` of a QA-file line, or None when the line does not read as one."""
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value.get("id") if isinstance(value, dict) else None


def _jsonl(value: object) -> str:
    """One JSON line, readable (no ASCII escapes) yet with no character a line splitter
    takes for a line end."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
