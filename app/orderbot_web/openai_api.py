"""orderbot as an OpenAI-compatible "model": ``POST /v1/chat/completions`` (streamed or
not) and ``GET /v1/models``, so any OpenAI client, SDK or chat front-end can ask it.

The last message (a user's) is the question; earlier user and assistant messages are the
conversation; system messages are ignored (orderbot's instructions are not the caller's
to change). The reply is the answer with its ``[n]`` markers and a "Sources:" list, the
full citation objects in the extra field ``citations``; a refusal is a normal reply
(``refused: true``). Errors have OpenAI's shape, ``{"error": {"message", "type", "param",
"code"}}``. The rate limit and question checks are those of ``/api/ask``.
"""

from __future__ import annotations

import inspect
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from orderbot.conversation import Turn
from orderbot.errors import OrderbotError, QuestionError
from orderbot.models import Answer, Citation
from orderbot.pipeline import Pipeline
from orderbot_web.api import ApiProblem, _limited, log_refusal

MODEL_ID = "orderbot"
PREFIX = "/v1"


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        kinds = {part.type for part in self.content} - {"text"}
        if kinds:
            raise OpenAIProblem(
                400, f"only text content is understood, not {sorted(kinds)}", param="messages"
            )
        return "".join(part.text or "" for part in self.content)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ChatRequest(BaseModel):
    """The fields orderbot reads; the others OpenAI defines (temperature, max_tokens, ...)
    are accepted and have no effect: the answer is the pipeline's."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[ChatMessage] = Field(min_length=1, max_length=81)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int = Field(1, ge=1, le=1)


class OpenAIProblem(Exception):
    """An error in OpenAI's shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind
        self.param, self.code, self.headers = param, code, headers

    def body(self) -> dict[str, object]:
        return {
            "error": {
                "message": self.message,
                "type": self.kind,
                "param": self.param,
                "code": self.code,
            }
        }

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def conversation(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The question (the last message, a user's) and the earlier turns, oldest first."""
    last = messages[-1]
    if last.role != "user":
        raise OpenAIProblem(
            400, f"the last message must be the user's question, not {last.role!r}",
            param="messages",
        )  # fmt: skip
    history = [
        Turn(role=m.role, content=m.text())
        for m in messages[:-1]
        if m.role in ("user", "assistant")  # system and tool messages do not steer orderbot
    ]
    return last.text(), history


def sources_text(citations: list[Citation]) -> str:
    """The numbered sources, as the message lists them under the answer."""
    lines = []
    for c in citations:
        where = f"{c.document}, {c.section}" + (f", p. {c.page}" if c.page else "")
        link = f" <{c.url}>" if c.url else ""
        lines.append(f"[{c.n}] {where}: {c.quoted()}{link}")
    return "\n\nSources:\n" + "\n".join(lines) if lines else ""


def message_text(answer: Answer) -> str:
    return answer.answer + ("" if answer.refused else sources_text(answer.citations))


def _extra(answer: Answer) -> dict[str, object]:
    return {
        "citations": [c.model_dump(mode="json") for c in answer.citations],
        "refused": answer.refused,
        "coverage": answer.coverage.model_dump(mode="json") if answer.coverage else None,
    }


def _checked(request: Request, body: ChatRequest) -> tuple[Pipeline, str, list[Turn]]:
    if body.model != MODEL_ID:
        raise OpenAIProblem(
            404, f"the model {body.model!r} does not exist; use {MODEL_ID!r}",
            param="model", code="model_not_found",
        )  # fmt: skip
    try:
        _limited(request)  # the same limit, per client, as /api/ask
    except ApiProblem as exc:
        raise OpenAIProblem(
            429, exc.detail, kind="rate_limit_error", code="rate_limit_exceeded",
            headers=exc.headers,
        ) from exc  # fmt: skip
    pipeline: Pipeline = request.app.state.pipeline
    question, history = conversation(body.messages)
    try:
        return pipeline, pipeline.check_question(question), history
    except QuestionError as exc:
        raise OpenAIProblem(400, str(exc), param="messages", code="bad_question") from exc


def _failed(exc: OrderbotError) -> OpenAIProblem:
    if isinstance(exc, QuestionError):
        return OpenAIProblem(400, str(exc), param="messages", code="bad_question")
    return OpenAIProblem(
        503, f"orderbot cannot answer now: {exc}", kind="server_error",
        code="service_unavailable", headers={"Retry-After": "10"},
    )  # fmt: skip


router = APIRouter(prefix=PREFIX, tags=["OpenAI-compatible"])

_REQUEST_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": ChatRequest.model_json_schema()}},
    }
}


@router.post("/chat/completions", openapi_extra=_REQUEST_SCHEMA, response_model=None)
async def chat_completions(request: Request) -> Response:
    """An answer as an OpenAI chat completion; ``"stream": true`` sends server-sent
    ``chat.completion.chunk`` events, one content delta per checked sentence, then
    ``data: [DONE]``."""
    try:
        payload: Any = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise OpenAIProblem(400, f"the body is not JSON: {exc}") from exc
    try:
        body = ChatRequest.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
            for err in exc.errors()
        )
        first = exc.errors()[0]["loc"] if exc.errors() else ()
        raise OpenAIProblem(400, problems, param=str(first[0]) if first else None) from exc
    pipeline, question, history = _checked(request, body)
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if body.stream:
        usage = bool(body.stream_options and body.stream_options.include_usage)
        events = _chunks(pipeline, question, history, completion_id, created, usage=usage)
        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(events, media_type="text/event-stream", headers=headers)
    try:
        answer = await run_in_threadpool(pipeline.ask, question, history)
    except OrderbotError as exc:
        raise _failed(exc) from exc
    log_refusal(answer)
    return JSONResponse(
        {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": MODEL_ID,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": message_text(answer)},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": None,  # orderbot does not count tokens
            **_extra(answer),
        }
    )


async def _chunks(
    pipeline: Pipeline,
    question: str,
    history: list[Turn],
    completion_id: str,
    created: int,
    *,
    usage: bool,
) -> AsyncIterator[str]:
    def chunk(delta: dict[str, object], finish: str | None = None, **extra: object) -> str:
        data = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    sent = 0
    try:
        async for event in iterate_in_threadpool(pipeline.stream(question, history)):
            if event.kind == "sentence":
                text = event.text if sent == 0 else f" {event.text}"
                sent += 1
                cites = [c.model_dump(mode="json") for c in event.citations]
                yield chunk({"content": text}, citations=cites)
            elif event.answer is not None:
                answer = event.answer
                log_refusal(answer)
                if sent == 0:  # an answer with no checked sentence (a refusal, say)
                    yield chunk({"content": answer.answer})
                if not answer.refused and answer.citations:
                    yield chunk({"content": sources_text(answer.citations)})
                yield chunk({}, "stop", **_extra(answer))
                if usage:
                    yield f"data: {json.dumps(_usage_chunk(completion_id, created))}\n\n"
    except OrderbotError as exc:
        yield f"data: {json.dumps(_failed(exc).body())}\n\n"
    yield "data: [DONE]\n\n"


def _usage_chunk(completion_id: str, created: int) -> dict[str, object]:
    return {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL_ID,
        "choices": [],
        "usage": None,  # orderbot does not count tokens
    }


@router.get("/models")
async def models() -> dict[str, object]:
    """The one model orderbot offers."""
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "orderbot"}],
    }


def install(app: FastAPI) -> None:
    """Mount ``/v1``; errors under it (including 404 and 405) take OpenAI's shape."""
    app.include_router(router)

    @app.exception_handler(OpenAIProblem)
    async def _problem(_request: Request, exc: OpenAIProblem) -> JSONResponse:
        return exc.response()

    previous = app.exception_handlers.get(StarletteHTTPException)

    async def _http(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(f"{PREFIX}/") and isinstance(exc, StarletteHTTPException):
            kind = "invalid_request_error" if exc.status_code < 500 else "server_error"
            problem = OpenAIProblem(exc.status_code, str(exc.detail), kind=kind)
            return problem.response()
        if previous is None:
            raise exc
        response = previous(request, exc)
        return await response if inspect.isawaitable(response) else response

    app.add_exception_handler(StarletteHTTPException, _http)
