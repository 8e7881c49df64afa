"""Provenance of a fetched source: the sidecar ``NAME.EXT.json`` beside the file."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from orderbot.errors import CorpusError


class Provenance(BaseModel):
    """Where a source file came from and which footnote cites it."""

    cited_by: str = Field(description="Document id of the document whose footnote cites it.")
    footnote: int = Field(ge=1)
    footnote_text: str
    url: str = Field(description="The URL in the footnote.")
    final_url: str = Field(description="The URL the content came from, after redirects.")
    retrieved_at: str = Field(description="ISO 8601 UTC time of the download.")
    sha256: str = Field(description="SHA-256 of the stored file.")
    content_type: str
    bytes: int = Field(ge=0)
    etag: str | None = None
    last_modified: str | None = None


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def read_provenance(path: Path) -> Provenance | None:
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return None
    try:
        return Provenance.model_validate_json(sidecar.read_text(encoding="utf-8"))
    except (ValidationError, json.JSONDecodeError, OSError) as exc:
        raise CorpusError(f"{sidecar}: not a valid provenance record ({exc})") from exc


def write_provenance(path: Path, provenance: Provenance) -> None:
    sidecar = sidecar_path(path)
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(provenance.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(sidecar)
