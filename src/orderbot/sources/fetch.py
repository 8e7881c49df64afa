"""``orderbot sources fetch``: download what the footnotes cite, with provenance.

Each footnote URL of each corpus document becomes ``corpus/sources/<doc>-fn<N>.<ext>``
with a provenance sidecar (``.<ext>.json``: footnote, URL, final URL, retrieval time,
content hash). A source already fetched for the same URL, whose file still matches its
hash, is not fetched again (``refresh`` asks the server with a conditional request).
A failing source is reported by name and the others go on; when no source could even
be connected to, the network is unreachable and nothing is changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import httpx
from pydantic import BaseModel, Field

from orderbot.config import Settings
from orderbot.errors import CorpusError, FetchError, NetworkError
from orderbot.ingest.corpus import PARSERS, load_corpus
from orderbot.ingest.provenance import Provenance, read_provenance, write_provenance
from orderbot.sources.http import EXTENSIONS, Download, Unreachable, download, make_client

SOURCES_DIR = "sources"


class SourceTarget(BaseModel):
    """A footnote URL to fetch and where its source is stored (without extension)."""

    cited_by: str
    footnote: int
    footnote_text: str
    url: str
    stem: Path

    @property
    def name(self) -> str:
        return f"{self.cited_by} footnote {self.footnote}"


class SourceResult(BaseModel):
    name: str
    url: str
    status: Literal["fetched", "updated", "unchanged", "failed"]
    path: str | None = None
    reason: str | None = None
    unreachable: bool = Field(False, description="Failed because no connection was made.")
    requested: bool = Field(True, description="Whether a request was sent at all.")


class FetchReport(BaseModel):
    results: list[SourceResult] = Field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> list[SourceResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def changed(self) -> bool:
        return any(r.status in ("fetched", "updated") for r in self.results)


def source_targets(corpus_dir: Path) -> list[SourceTarget]:
    """Every footnote URL of the corpus documents (fetched sources themselves excluded)."""
    loaded = load_corpus(corpus_dir, skip=lambda doc_id, _: doc_id.startswith(f"{SOURCES_DIR}/"))
    targets = []
    for doc in loaded.documents:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", doc.doc_id).strip("-").lower()
        for note in doc.footnotes:
            if note.url:
                targets.append(
                    SourceTarget(
                        cited_by=doc.doc_id,
                        footnote=note.n,
                        footnote_text=note.text,
                        url=note.url,
                        stem=corpus_dir / SOURCES_DIR / f"{slug}-fn{note.n}",
                    )
                )
    return targets


def fetch_sources(
    settings: Settings,
    *,
    refresh: bool = False,
    on_result: Callable[[SourceResult], None] | None = None,
) -> FetchReport:
    targets = source_targets(settings.corpus_dir)
    report = FetchReport()
    with make_client(settings.sources) as client:
        for target in targets:
            result = _fetch_one(client, target, settings, refresh)
            report.results.append(result)
            if on_result:
                on_result(result)
    tried = [r for r in report.results if r.requested]
    if tried and all(r.unreachable for r in tried):
        raise NetworkError(
            f"the network is unreachable: none of {len(tried)} source URLs could be "
            "connected to; nothing was changed"
        )
    return report


def _stored(stem: Path) -> Path | None:
    for path in sorted(stem.parent.glob(f"{stem.name}.*")):
        if path.suffix in PARSERS and path.with_name(path.name + ".json").is_file():
            return path
    return None


def _fetch_one(
    client: httpx.Client, target: SourceTarget, settings: Settings, refresh: bool
) -> SourceResult:
    done = {"name": target.name, "url": target.url}
    stored = _stored(target.stem)
    try:
        before = read_provenance(stored) if stored else None
    except CorpusError:
        before = None
    intact = (
        stored is not None
        and before is not None
        and before.url == target.url
        and hashlib.sha256(stored.read_bytes()).hexdigest() == before.sha256
    )
    if intact and not refresh:
        return SourceResult(**done, status="unchanged", path=str(stored), requested=False)
    conditional = before if intact else None
    try:
        got = download(
            client,
            target.url,
            settings.sources,
            etag=conditional.etag if conditional else None,
            last_modified=conditional.last_modified if conditional else None,
        )
    except Unreachable as exc:
        return SourceResult(**done, status="failed", reason=str(exc), unreachable=True)
    except FetchError as exc:
        return SourceResult(**done, status="failed", reason=str(exc))
    if got.not_modified or (
        intact and before and hashlib.sha256(got.body).hexdigest() == before.sha256
    ):
        return SourceResult(**done, status="unchanged", path=str(stored))
    path = _store(target, got, stored)
    return SourceResult(**done, status="updated" if stored else "fetched", path=str(path))


def _store(target: SourceTarget, got: Download, old: Path | None) -> Path:
    """Write the source and its provenance; the sidecar first, so an interrupted write
    leaves a hash mismatch that the next fetch repairs."""
    path = target.stem.with_suffix(EXTENSIONS[got.content_type])
    path.parent.mkdir(parents=True, exist_ok=True)
    provenance = Provenance(
        cited_by=target.cited_by,
        footnote=target.footnote,
        footnote_text=target.footnote_text,
        url=target.url,
        final_url=got.final_url,
        retrieved_at=datetime.now(UTC).isoformat(timespec="seconds"),
        sha256=hashlib.sha256(got.body).hexdigest(),
        content_type=got.content_type,
        bytes=len(got.body),
        etag=got.etag,
        last_modified=got.last_modified,
    )
    write_provenance(path, provenance)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(got.body)
    tmp.replace(path)
    if old is not None and old != path:  # the source changed type (e.g. HTML to PDF)
        old.unlink(missing_ok=True)
        old.with_name(old.name + ".json").unlink(missing_ok=True)
    return path
