"""The answer to "What is this report called?": each document's title, as its first line
gives it, cited to the document's own address; and to "Where can I read the full report?":
that address. No sentence of a document's text repeats
its title, so no quote could answer; the title is the one thing about a document that
ingestion reads off it rather than out of its sentences (``ParsedDocument.title``)."""

from __future__ import annotations

from orderbot.generate.citations import CitationList
from orderbot.generate.model_api import Stream
from orderbot.models import Retrieval


def write_title(retrieval: Retrieval, cites: CitationList) -> Stream:
    """One sentence naming the documents of ``retrieval`` (``HybridRetriever.title_pages``),
    each title cited; nothing when there are none."""
    chunks = [r.chunk for r in retrieval.results]
    if len(chunks) == 1:
        yield f"The document is titled “{chunks[0].document}”. [{cites.cite_title(chunks[0])}]"
    elif chunks:
        named = [f"“{c.document}” [{cites.cite_title(c)}]" for c in chunks]
        yield f"The documents are titled {', '.join(named[:-1])} and {named[-1]}."


def write_address(retrieval: Retrieval, cites: CitationList) -> Stream:
    """One sentence giving where each document of ``retrieval`` is published, cited;
    nothing when none has an address."""
    chunks = [r.chunk for r in retrieval.results if r.chunk.url]
    for chunk in chunks:
        yield f"“{chunk.document}” is online at {chunk.url}. [{cites.cite_title(chunk)}]"
