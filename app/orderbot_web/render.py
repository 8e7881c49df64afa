"""The chat page and the widget script, filled in with the branding settings.

The page is static HTML plus ``embed/chat.js``; answers are drawn in the browser from the
API's JSON, as text. Every value put into the HTML here is escaped, and the page needs no
inline script or style (it runs under ``script-src 'self'; style-src 'self'``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from functools import cache
from string import Template
from typing import Literal

from orderbot.config import ServerSettings
from orderbot_web import EMBED_DIR

Mode = Literal["page", "widget"]

_WIDGET_DEFAULTS = "/*orderbot:defaults*/{}"


def escape(text: str) -> str:
    """``text`` safe inside HTML text and attribute values."""
    return html.escape(text, quote=True)


@cache
def _template(name: str) -> str:
    return (EMBED_DIR / name).read_text(encoding="utf-8")


def intro(documents: Sequence[str]) -> str:
    """What the chat knows, in one sentence for a visitor (plain text). Not how many
    passages it holds: "from 24 passages" told a visitor nothing."""
    titles = ", ".join(f"“{t}”" for t in documents) or "no documents yet"
    return (
        f"I answer questions about {titles} and the sources its footnotes cite, with "
        "numbered sources you can check. If the documents do not cover a question, I say so."
    )


def page_html(
    server: ServerSettings,
    *,
    mode: Mode,
    documents: Sequence[str],
    max_chars: int,
    examples: Sequence[str] = (),
) -> str:
    """The chat page (``mode="page"``) or the compact chat the widget frames; ``examples``
    are the questions offered to a new visitor (from the corpus's ``about.json``)."""
    organisation = escape(server.organisation)
    if server.report_url:
        url = escape(server.report_url)
        link = f'<a href="{url}" rel="noopener noreferrer">Read the report</a>'
        organisation = f"{organisation} · {link}" if organisation else link
    examples = "".join(
        f'<button type="button" class="example">{escape(q)}</button>' for q in examples
    )
    return Template(_template("chat.html")).substitute(
        title=escape(server.title),
        organisation_html=organisation,
        accent=escape(server.accent),
        mode=mode,
        intro=escape(intro(documents)),
        examples=examples,
        max_chars=str(max_chars),
    )


def widget_js(server: ServerSettings) -> str:
    """``embed/widget.js`` with the site's branding as its defaults (``data-*`` on the
    snippet's script tag still win)."""
    defaults = json.dumps({"title": server.title, "accent": server.accent})
    # "</" cannot end a script here, but keep the JSON inert in any context anyway.
    defaults = defaults.replace("<", "\\u003c")
    return _template("widget.js").replace(_WIDGET_DEFAULTS, defaults, 1)


def favicon_type(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"svg": "image/svg+xml", "png": "image/png"}.get(suffix, "image/x-icon")
