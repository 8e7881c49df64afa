"""orderbot on the web: the FastAPI server, the Gradio chat, the HTTP API and the
embeddable widget. Errors from the library become messages here (and in ``cli.py``)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
EMBED_DIR = HERE / "embed"
