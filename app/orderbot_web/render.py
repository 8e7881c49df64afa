"""Answers as HTML for the chat page. Every text from a visitor or the corpus is escaped."""

from __future__ import annotations

import html
import re

from orderbot.models import Answer, Citation

_MARKER = re.compile(r"\[(\d+)\]")


def text_html(text: str) -> str:
    """Escaped text inside an HTML block (Markdown leaves an HTML block as it is)."""
    return html.escape(text, quote=True).replace("\n", "<br>")


def escape(text: str) -> str:
    """HTML-escaped text that Markdown also leaves alone: for a message that is Markdown,
    such as the visitor's question."""
    markdown_safe = re.sub(r"([\\`*_#|~])", r"\\\1", text)
    return html.escape(markdown_safe, quote=True).replace("\n", "<br>")


def _tooltip(citation: Citation) -> str:
    where = f"{citation.document} — {citation.section}"
    link = f"\n{citation.url}" if citation.url else ""
    return html.escape(f"{where}\n“{citation.quote}”{link}", quote=True)


def _markers(text: str, citations: dict[int, Citation]) -> str:
    """Escaped ``text`` whose ``[n]`` markers show their passage on hover."""
    parts: list[str] = []
    last = 0
    for match in _MARKER.finditer(text):
        parts.append(text_html(text[last : match.start()]))
        n = int(match.group(1))
        cited = citations.get(n)
        if cited is None:
            parts.append(text_html(match.group(0)))
        else:
            parts.append(f'<a class="cite" href="#source-{n}" title="{_tooltip(cited)}">[{n}]</a>')
        last = match.end()
    parts.append(text_html(text[last:]))
    return "".join(parts)


def answer_html(answer: Answer) -> str:
    """The answer with hoverable markers, marked unsupported sentences and its sources."""
    if answer.refused:
        return f'<p class="refusal"><strong>Not covered.</strong> {text_html(answer.answer)}</p>'
    citations = {c.n: c for c in answer.citations}
    text = answer.answer
    body = _markers(text, citations)
    for sentence in answer.unsupported:
        rendered = _markers(sentence, citations)
        body = body.replace(
            rendered,
            f'<mark class="unsupported" title="No cited passage supports this sentence">'
            f"{rendered}</mark>",
        )
    sources = "".join(source_html(c) for c in answer.citations)
    notes = (
        '<p class="unsupported-note">Highlighted sentences are not supported by the cited '
        "passages.</p>"
        if answer.unsupported
        else ""
    )
    block = f'<ol class="sources">{sources}</ol>' if sources else ""
    return f'<div class="answer">{body}</div>{notes}{block}'


def source_html(citation: Citation) -> str:
    """One numbered source: click to open the passage, its section and its link."""
    link = ""
    if citation.url and citation.url.startswith(("https://", "http://")):
        url = html.escape(citation.url, quote=True)
        link = f'<br><a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>'
    return (
        f'<li value="{citation.n}" class="source"><details><summary>[{citation.n}] '
        f"{text_html(citation.section)}</summary>"
        f'<blockquote class="passage">“{text_html(citation.quote)}”</blockquote>'
        f'<span class="document">{text_html(citation.document)}</span>{link}</details></li>'
    )


def partial_html(text: str) -> str:
    """The checked sentences so far (each passed the citation check), markers not yet
    linked, while the rest of the answer is being checked."""
    return f"{escape(text)} ▍"
