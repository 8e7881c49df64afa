"""HTML pages: trafilatura finds the main text (headings kept; navigation, scripts and
boilerplate dropped) as Markdown, which the text parser then reads.

Footnotes are taken from the page's own structure before extraction (an endnote list:
``role="doc-endnotes"``, a ``footnotes`` class or id, or ``<li id="fn1">``), with the
link each entry points to, so they survive however the extractor treats them; a marker
``<sup>1</sup>`` in the text becomes a marker the text parser links to its footnote.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import trafilatura
from lxml.etree import ParserError

from orderbot.errors import CorpusError
from orderbot.ingest.text import parse_text
from orderbot.models import ParsedDocument

_NOTES_XPATH = (
    "//*[@role='doc-endnotes' or @role='doc-footnotes' or contains(@class, 'footnotes')"
    " or contains(@id, 'footnotes')]//li | //li[starts-with(@id, 'fn')]"
)
_SUP = re.compile(r"\s*<sup>\s*\[?(\d{1,3})\]?\s*</sup>")
_TAG = re.compile(r"</?[a-z][a-z0-9]*>")


def parse_html(doc_id: str, path: Path) -> ParsedDocument:
    raw = path.read_bytes()
    try:
        tree = lxml.html.document_fromstring(raw)
    except (ParserError, ValueError) as exc:
        raise CorpusError(f"{path}: not an HTML page ({exc})") from exc
    notes = _take_footnotes(tree)
    page = lxml.html.tostring(tree, encoding="unicode")
    markdown = trafilatura.extract(
        page,
        output_format="markdown",
        include_formatting=True,
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_images=False,
        with_metadata=False,
    )
    if not markdown:
        raise CorpusError(f"{path}: no main text found in the HTML page")
    metadata = trafilatura.extract_metadata(page)
    title = metadata.title if metadata and metadata.title else None
    text = _TAG.sub("", _SUP.sub(r"\1", markdown))
    if title and not text.lstrip().startswith("# "):
        text = f"# {title}\n\n{text}"
    if notes:
        text += "\n\n" + "\n".join(f"{n}. {note}" for n, note in enumerate(notes, 1))
    return parse_text(doc_id, str(path), text)


def _take_footnotes(tree: lxml.html.HtmlElement) -> list[str]:
    """The page's footnote entries (text, then the URL they link to), removed from it."""
    items: list[lxml.html.HtmlElement] = list(dict.fromkeys(tree.xpath(_NOTES_XPATH)))
    notes = []
    for item in items:
        links = [
            str(a.get("href"))
            for a in item.iter("a")
            if str(a.get("href") or "").startswith(("http://", "https://"))
        ]
        text = re.sub(r"\s+", " ", item.text_content()).strip()
        if links and links[0] not in text:
            text = f"{text} {links[0]}"
        notes.append(text)
    for item in items:
        container = item.getparent()
        if container is not None and container.getparent() is not None:
            container.getparent().remove(container)
    return notes
