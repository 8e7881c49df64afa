"""What the sidecar ``NAME.EXT.json`` beside a corpus file says about it: a fetched
source's provenance (written by ``orderbot sources fetch``), or, for a document of the
corpus's own, where it is published (``{"url": "https://…"}``), so its citations link
to the page a reader can open."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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


class Published(BaseModel):
    """Where a document of the corpus's own can be read online."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="The page that publishes the document (http or https).")

    @field_validator("url")
    @classmethod
    def _web(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")) or len(value.split("/")[2]) < 3:
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def read_sidecar(path: Path) -> Provenance | Published | None:
    """The sidecar of ``path``, if it has one: a provenance record has ``cited_by``."""
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "cited_by" in data:
            return Provenance.model_validate(data)
        return Published.model_validate(data)
    except (ValidationError, json.JSONDecodeError, OSError, UnicodeDecodeError) as exc:
        raise CorpusError(
            f"{sidecar}: neither a fetched source's provenance record nor "
            f'{{"url": "https://…"}} for a published document ({exc})'
        ) from exc


def read_provenance(path: Path) -> Provenance | None:
    found = read_sidecar(path)
    return found if isinstance(found, Provenance) else None


def write_provenance(path: Path, provenance: Provenance) -> None:
    sidecar = sidecar_path(path)
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(provenance.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(sidecar)
