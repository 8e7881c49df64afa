"""The Gradio chat page: streamed answers with hoverable citations and openable sources,
examples, follow-ups, a clear button and thumbs up / down with an optional comment."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr
from fastapi import FastAPI

from orderbot.chat import Turn
from orderbot.config import Settings
from orderbot.errors import OrderbotError
from orderbot.models import Answer
from orderbot.pipeline import Pipeline
from orderbot.question import shown
from orderbot_web.api import log_refusal
from orderbot_web.feedback import Feedback, FeedbackStore
from orderbot_web.render import answer_html, escape, partial_html

log = logging.getLogger(__name__)

EXAMPLES = [
    "How many proposals are in the package?",
    "What are the seven variables of a security order?",
    "What did Blinken tell Chinese officials?",
]

CSS = """
.cite { font-weight: 600; text-decoration: none; cursor: help; }
mark.unsupported { background: #ffe3e3; text-decoration: underline dotted #c0392b; }
.refusal { border-left: 4px solid #d9a441; padding-left: 8px; }
ol.sources { margin-top: 8px; font-size: 0.92em; }
ol.sources blockquote { margin: 4px 0; padding-left: 8px; border-left: 3px solid #8aa; }
ol.sources summary { cursor: pointer; }
.unsupported-note { font-size: 0.85em; color: #933; }
.draft-note { font-size: 0.8em; color: #777; }
footer { display: none !important; }
"""

# A click on a [n] marker opens source n under the same answer (hover shows it too).
OPEN_SOURCE_JS = """
() => {
  document.addEventListener("click", (event) => {
    const marker = event.target.closest ? event.target.closest("a.cite") : null;
    if (!marker) return;
    event.preventDefault();
    let box = marker.parentElement;
    while (box && !box.querySelector("ol.sources")) box = box.parentElement;
    if (!box) return;
    const label = marker.textContent.trim();
    for (const details of box.querySelectorAll("ol.sources details")) {
      if (details.querySelector("summary").textContent.trim().startsWith(label)) {
        details.open = true;
        details.scrollIntoView({ block: "nearest" });
        break;
      }
    }
  });
}
"""

# System fonts only: the default theme would fetch Google Fonts at page load.
THEME = gr.themes.Default(
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
)

Messages = list[dict[str, Any]]
History = list[dict[str, str]]
Answers = dict[int, dict[str, Any]]


def intro(pipeline: Pipeline) -> str:
    titles = ", ".join(f"“{escape(t)}”" for t in pipeline.documents) or "no documents yet"
    return (
        f"I answer questions about {titles} and the sources its footnotes cite, "
        f"from {pipeline.manifest.chunks} indexed passages. Every answer has numbered "
        "sources: hover a marker such as [1] or open a source below the answer. If the "
        "documents do not cover a question, I say so."
    )


class ChatHandlers:
    """The event handlers, bound to one shared pipeline and feedback store."""

    def __init__(self, pipeline: Pipeline, store: FeedbackStore) -> None:
        self.pipeline = pipeline
        self.store = store

    def respond(
        self, question: str, messages: Messages, history: History, answers: Answers
    ) -> Iterator[tuple[str, Messages, History, Answers]]:
        # Echoed as text; a lone surrogate could not even be sent back as JSON.
        messages = [*messages, {"role": "user", "content": escape(shown(question.strip()))}]
        try:
            text = self.pipeline.check_question(question)
        except OrderbotError as exc:
            messages.append({"role": "assistant", "content": f"⚠ {escape(str(exc))}"})
            yield "", messages, history, answers
            return
        messages.append({"role": "assistant", "content": partial_html("")})
        yield "", messages, history, answers
        written = ""
        turns = [Turn.model_validate(t) for t in history]
        try:
            for event in self.pipeline.stream(text, turns):
                if event.kind == "sentence":
                    written += event.text + " "
                    messages[-1] = {"role": "assistant", "content": partial_html(written)}
                    yield "", messages, history, answers
                elif event.answer is not None:
                    answer = event.answer
                    log_refusal(answer)
                    messages[-1] = {"role": "assistant", "content": answer_html(answer)}
                    history = [
                        *history,
                        {"role": "user", "content": text},
                        {"role": "assistant", "content": shown(answer.answer)},
                    ]
                    answers = {**answers, len(messages) - 1: answer.model_dump(mode="json")}
                    yield "", messages, history, answers
        except OrderbotError as exc:
            log.warning("answer failed: %s", exc)
            messages[-1] = {"role": "assistant", "content": f"⚠ {escape(str(exc))}"}
            yield "", messages, history, answers

    def rate(self, data: gr.LikeData, answers: Answers) -> tuple[int | None, str]:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        stored = answers.get(int(index)) or answers.get(str(index))  # type: ignore[call-overload]
        if stored is None or data.liked is None or data.liked == "":
            return None, ""
        answer = Answer.model_validate(stored)
        liked = data.liked is True or data.liked == "Like"
        try:
            fid = self.store.add(
                Feedback(
                    rating="up" if liked else "down",
                    question=answer.question,
                    answer=answer.answer,
                    refused=answer.refused,
                    citations=answer.citations,
                )
            )
        except OrderbotError as exc:
            return None, f"Feedback could not be saved: {exc}"
        return fid, "Thank you. Add a comment below if you like."

    def comment(self, fid: int | None, text: str) -> tuple[str, str]:
        if fid is None:
            return text, "Rate an answer (thumbs up or down) first, then add a comment."
        try:
            self.store.comment(fid, text)
        except OrderbotError as exc:
            return text, f"The comment could not be saved: {exc}"
        return "", "Comment saved. Thank you."


def build_chat(pipeline: Pipeline, settings: Settings, store: FeedbackStore) -> gr.Blocks:
    handlers = ChatHandlers(pipeline, store)
    with gr.Blocks(title=settings.server.title, analytics_enabled=False, fill_height=True) as ui:
        gr.Markdown(f"## {escape(settings.server.title)}\n\n{intro(pipeline)}", elem_id="intro")
        chatbot = gr.Chatbot(
            elem_id="chat",
            label="Conversation",
            height=460,
            layout="bubble",
            buttons=["copy", "copy_all"],
            sanitize_html=True,
        )
        history = gr.State([])
        answers = gr.State({})
        feedback_id = gr.State(None)
        with gr.Row():
            question = gr.Textbox(
                elem_id="question",
                placeholder="Ask about the report…",
                show_label=False,
                max_lines=4,
                max_length=settings.max_question_chars,
                scale=5,
                autofocus=True,
            )
            send = gr.Button("Ask", variant="primary", elem_id="send", scale=1)
        gr.Examples(examples=[[q] for q in EXAMPLES], inputs=[question], label="Try asking")
        with gr.Row():
            note = gr.Textbox(
                elem_id="comment",
                placeholder="Comment on your last rating (optional)",
                show_label=False,
                max_length=2000,
                scale=4,
            )
            save_note = gr.Button("Send comment", elem_id="send-comment", scale=1)
            clear = gr.Button("Clear conversation", elem_id="clear", scale=1)
        status = gr.Markdown(elem_id="feedback-status")

        outputs = [question, chatbot, history, answers]
        for trigger in (question.submit, send.click):
            trigger(
                handlers.respond,
                [question, chatbot, history, answers],
                outputs,
                api_visibility="private",
            )
        chatbot.like(handlers.rate, [answers], [feedback_id, status], api_visibility="private")
        save_note.click(
            handlers.comment, [feedback_id, note], [note, status], api_visibility="private"
        )
        clear.click(
            lambda: ([], [], {}, None, ""),
            None,
            [chatbot, history, answers, feedback_id, status],
            api_visibility="private",
        )
        # The chat's own trash button empties the messages; forget the conversation too.
        chatbot.clear(
            lambda: ([], {}, None, ""),
            None,
            [history, answers, feedback_id, status],
            api_visibility="private",
        )
    # Gradio's default is one run per event at a time: every visitor would wait in line.
    ui.queue(default_concurrency_limit=settings.server.concurrency_limit)
    blocks: gr.Blocks = ui
    return blocks


def mount_chat(app: FastAPI, pipeline: Pipeline, settings: Settings, *, path: str) -> None:
    """Mount the chat on ``app`` at ``path`` with local fonts and no footer links."""
    ui = build_chat(pipeline, settings, app.state.feedback)
    gr.mount_gradio_app(
        app,
        ui,
        path=path,
        footer_links=[],
        theme=THEME,
        css=CSS,
        js=OPEN_SOURCE_JS,
        show_error=False,
        ssr_mode=False,
        enable_monitoring=False,
        mcp_server=False,
    )
