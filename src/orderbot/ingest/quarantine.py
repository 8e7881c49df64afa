"""Quarantine: a corpus document that carries a prompt-injection attempt is held back as a
whole, not indexed, until a maintainer has read it and cleared it.

A clearance names the document and the hash of its file (``corpus.file_hash``), in
``CORPUS/.orderbot-cleared.json`` (a hidden file: never read as a document). When the file
changes, its hash no longer matches and a new injection quarantines it again.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from orderbot.errors import CorpusError

CLEARED_FILE = ".orderbot-cleared.json"


class Quarantined(BaseModel):
    """A document held back from the index, and why."""

    doc_id: str
    path: str
    sha256: str = Field(description="Hash of the file that was quarantined.")
    reason: str = Field(description="The text that reads as an instruction to an assistant.")


class Clearance(BaseModel):
    sha256: str
    cleared_at: str


def cleared(corpus_dir: Path) -> dict[str, str]:
    """``{doc_id: file hash}`` of every cleared document."""
    path = corpus_dir / CLEARED_FILE
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text("utf-8"))
        return {doc: Clearance.model_validate(c).sha256 for doc, c in raw.items()}
    except (OSError, ValueError, AttributeError, ValidationError) as exc:
        raise CorpusError(
            f"{path}: cannot read the quarantine clearances ({exc}); fix or delete it"
        ) from exc


def clear(corpus_dir: Path, doc_id: str, sha256: str) -> None:
    """Record that ``doc_id``, as its file is now (``sha256``), may be indexed."""
    path = corpus_dir / CLEARED_FILE
    records: dict[str, object] = {}
    if path.is_file():
        cleared(corpus_dir)  # a damaged file is an error, not silently replaced
        records = json.loads(path.read_text("utf-8"))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    records[doc_id] = Clearance(sha256=sha256, cleared_at=now).model_dump()
    text = json.dumps(records, indent=2, sort_keys=True) + "\n"
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=corpus_dir, prefix=".cleared-", delete=False
        ) as fh:
            fh.write(text)
        Path(fh.name).replace(path)
    except OSError as exc:
        raise CorpusError(f"cannot write {path}: {exc}") from exc
