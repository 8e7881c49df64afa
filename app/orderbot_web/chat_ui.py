"""The chat page at ``/chat/`` and the same chat for Gradio's Python client.

The page is ``embed/chat.html`` + ``chat.js`` (shared with the widget), drawn from the
HTTP API's JSON. Under the same path a Gradio app offers the chat to ``gradio_client`` as
the named endpoint ``/ask``, with the same rate limit and question checks as ``/api/ask``::

    from gradio_client import Client
    Client("http://127.0.0.1:7860/chat/").predict("How many proposals?", [], api_name="/ask")
"""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from pydantic import TypeAdapter, ValidationError

from orderbot.about import load_about
from orderbot.config import Settings
from orderbot.conversation import Turn
from orderbot.errors import OrderbotError
from orderbot.pipeline import Pipeline
from orderbot_web.api import log_refusal
from orderbot_web.render import Mode, page_html

log = logging.getLogger(__name__)

_TURNS = TypeAdapter(list[Turn])


class ChatApi:
    """The chat as one function, for Gradio: question and history in, answer out."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Answer a question about the documents with numbered citations. `history` is the
        earlier turns, oldest first ({"role": "user"|"assistant", "content"}). Returns
        the object `orderbot ask --json` prints, without `unsupported`."""
        try:
            text = self.pipeline.check_question(question)
            turns = _TURNS.validate_python(history or [])
            if len(turns) > 40:
                raise gr.Error("history: at most 40 earlier turns", print_exception=False)
            answer = self.pipeline.ask(text, turns)
        except ValidationError as exc:
            raise gr.Error(f"history: {exc.errors()[0]['msg']}", print_exception=False) from exc
        except OrderbotError as exc:
            raise gr.Error(str(exc), print_exception=False) from exc
        log_refusal(answer)
        return answer.for_readers().model_dump(mode="json")


def build_api(pipeline: Pipeline, settings: Settings) -> gr.Blocks:
    """A Gradio app with no page of its own: the chat page is ``page_html``. The rate
    limit is applied before Gradio sees a request (``security.Gatekeeper`` counts every
    POST under the chat's path with the API's requests)."""
    chat = ChatApi(pipeline)
    with gr.Blocks(title=settings.server.title, analytics_enabled=False) as blocks:
        gr.api(chat.ask, api_name="ask")  # type: ignore[attr-defined]
    # Gradio's default is one run per event at a time: every client would wait in line.
    blocks.queue(default_concurrency_limit=settings.server.concurrency_limit)
    api: gr.Blocks = blocks
    return api


def chat_page(app: FastAPI, mode: Mode) -> str:
    """The chat page or the widget's compact chat, branded from the settings."""
    settings: Settings = app.state.settings
    pipeline: Pipeline = app.state.pipeline
    return page_html(
        settings.server,
        mode=mode,
        documents=pipeline.documents,
        max_chars=settings.max_question_chars,
        examples=load_about(settings.corpus_dir).examples,
    )


def mount_chat(app: FastAPI, pipeline: Pipeline, settings: Settings, *, path: str) -> None:
    """The chat page at ``path/`` and, under the same path, the Gradio app."""

    @app.get(f"{path}/", include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(chat_page(app, "page"), headers={"Cache-Control": "no-cache"})

    gr.mount_gradio_app(
        app,
        build_api(pipeline, settings),
        path=path,
        footer_links=[],
        show_error=True,
        ssr_mode=False,
        enable_monitoring=False,
        mcp_server=False,
    )
