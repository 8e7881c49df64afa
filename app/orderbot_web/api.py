"""The HTTP API: ``/api/ask``, ``/api/ask/stream`` (server-sent events), ``/api/health``
and ``/api/feedback`` (with ``/api/feedback/{id}/comment`` and ``/api/feedback/{id}/rating``,
for the visitor who rated). No endpoint changes the index or the corpus."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import AsyncIterator, Iterator

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from orderbot import __version__
from orderbot.config import Settings
from orderbot.conversation import Turn
from orderbot.errors import IndexUnavailableError, OrderbotError, QuestionError
from orderbot.models import Answer, ReaderAnswer, StreamEvent
from orderbot.pipeline import Pipeline
from orderbot_web.feedback import Feedback, FeedbackError, FeedbackStore, Rating
from orderbot_web.security import RateLimiter

log = logging.getLogger("orderbot.refusals")
errors = logging.getLogger("orderbot.web")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The question (at most `max_question_chars`).")
    history: list[Turn] = Field(
        default_factory=list, max_length=40, description="Earlier turns, oldest first."
    )


class Health(BaseModel):
    status: str
    version: str
    generator: str
    documents: list[str]
    chunks: int


class FeedbackReceipt(BaseModel):
    id: int
    token: str = Field(
        "",
        description="Lets the visitor who rated add a comment (`/api/feedback/{id}/comment`) "
        "or change the rating (`/api/feedback/{id}/rating`).",
    )


class FeedbackComment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(max_length=128, description="The token of the rating's receipt.")
    comment: str = Field(min_length=1, max_length=2000, description="The comment.")


class FeedbackRating(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(max_length=128, description="The token of the rating's receipt.")
    rating: Rating = Field(description="The new rating.")


class ApiError(BaseModel):
    error: str = Field(description="Machine-readable error code.")
    detail: str = Field(description="What was wrong, for a person.")


class ApiProblem(Exception):
    def __init__(self, status: int, error: str, detail: str, headers: dict[str, str] | None = None):
        self.status, self.error, self.detail, self.headers = status, error, detail, headers


_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ApiError, "description": "Empty or over-long question."},
    422: {"model": ApiError, "description": "Malformed request body."},
    429: {"model": ApiError, "description": "Too many requests from this client."},
    503: {"model": ApiError, "description": "A service behind orderbot is unavailable."},
}


def log_refusal(answer: Answer) -> None:
    """Maintainers see what the documents do not cover; no address, no personal data."""
    if answer.refused:
        log.info("refused question: %s", redact(answer.question))


def redact(text: str) -> str:
    """The question without e-mail addresses, long numbers or URLs, cut to 300 characters."""
    import re

    text = re.sub(r"\S+@\S+", "[email]", text)
    text = re.sub(r"https?://\S+", "[url]", text)
    text = re.sub(r"\+?\d[\d\s().-]{6,}\d", "[number]", text)
    return " ".join(text.split())[:300]


def _pipeline(request: Request) -> Pipeline:
    pipeline: Pipeline = request.app.state.pipeline
    return pipeline


def _limited(request: Request) -> None:
    """The rate limit for routes that count themselves (``/v1``); the API's own routes
    and the chat page are counted by ``security.Gatekeeper`` with the same limiter."""
    limiter: RateLimiter = request.app.state.limiter
    client = request.client.host if request.client else "unknown"
    if not limiter.hit(client):
        raise ApiProblem(
            429,
            "rate_limited",
            f"too many requests: the limit is {limiter.item}; try again shortly",
            {"Retry-After": str(limiter.retry_after(client))},
        )


def _checked(pipeline: Pipeline, body: AskRequest) -> str:
    try:
        return pipeline.check_question(body.question)
    except QuestionError as exc:
        raise ApiProblem(400, "bad_question", str(exc)) from exc


router = APIRouter(prefix="/api", responses=_ERRORS)


@router.post("/ask", response_model=ReaderAnswer)
async def ask(body: AskRequest, request: Request) -> ReaderAnswer:
    """The JSON object ``orderbot ask --json`` prints, without ``unsupported``: what a
    model wrote that failed the citation check reaches no reader."""
    pipeline = _pipeline(request)
    question = _checked(pipeline, body)
    try:
        answer = await run_in_threadpool(pipeline.ask, question, body.history)
    except IndexUnavailableError as exc:
        raise _index_down(exc) from exc
    except OrderbotError as exc:
        raise ApiProblem(400, "bad_question", str(exc)) from exc
    log_refusal(answer)
    return answer.for_readers()


@router.post(
    "/ask/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-sent events."}},
)
async def ask_stream(body: AskRequest, request: Request) -> StreamingResponse:
    """Server-sent events: ``sentence`` events (``{"text", "citations"}``), each sent only
    once it passed the citation check, then
    one ``answer`` event with the whole answer object (or one ``error`` event)."""
    pipeline = _pipeline(request)
    question = _checked(pipeline, body)

    async def events() -> AsyncIterator[str]:
        stream: Iterator[StreamEvent] | None = None
        try:
            stream = pipeline.stream(question, body.history)
            async for event in iterate_in_threadpool(stream):
                if event.kind == "sentence":
                    data = {
                        "text": event.text,
                        "citations": [c.model_dump(mode="json") for c in event.citations],
                    }
                    yield _sse("sentence", json.dumps(data))
                elif event.answer is not None:
                    log_refusal(event.answer)
                    yield _sse("answer", event.answer.for_readers().model_dump_json())
        except OrderbotError as exc:
            code = "index_unavailable" if isinstance(exc, IndexUnavailableError) else "failed"
            yield _sse("error", ApiError(error=code, detail=str(exc)).model_dump_json())
        except Exception:  # the 200 has been sent: the client still gets a clean ending
            errors.exception("streamed answer failed")
            detail = "the answer failed on the server; try again"
            yield _sse("error", ApiError(error="internal_error", detail=detail).model_dump_json())
        finally:
            # A visitor who stops the answer (or leaves) ends it: the generator is closed
            # at once, so the model stops writing, instead of waiting for the collector.
            close = getattr(stream, "close", None)
            if close is not None:
                with anyio.CancelScope(shield=True):
                    await run_in_threadpool(close)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)


def _sse(event: str, data: str) -> str:
    return f"event: {event}\ndata: {data}\n\n"


def _index_down(exc: IndexUnavailableError) -> ApiProblem:
    return ApiProblem(503, "index_unavailable", str(exc), {"Retry-After": "5"})


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The index server is unavailable."}},
)
async def health(request: Request, response: Response) -> Health:
    """The index (documents, chunks), the generator and the version; 503 with status
    ``index_unavailable`` while the index server (Chroma) cannot be reached."""
    pipeline = _pipeline(request)
    status = "ok"
    try:
        await run_in_threadpool(pipeline.location.stamp)
    except IndexUnavailableError:
        status = "index_unavailable"
        response.status_code = 503
    return Health(
        status=status,
        version=__version__,
        generator=pipeline.generator.name,
        documents=pipeline.documents,
        chunks=pipeline.manifest.chunks,
    )


@router.post("/feedback", response_model=FeedbackReceipt)
async def feedback(body: Feedback, request: Request) -> FeedbackReceipt:
    """Thumbs up or down, with an optional comment, on an answer."""
    store: FeedbackStore = request.app.state.feedback
    try:  # the evaluation would refuse it: not kept (its rules, its length limit)
        _pipeline(request).check_question(body.question)
    except QuestionError as exc:
        raise ApiProblem(400, "bad_question", str(exc)) from exc
    try:
        fid = await run_in_threadpool(store.add, body)
    except FeedbackError as exc:
        raise ApiProblem(503, "feedback_unavailable", str(exc), {"Retry-After": "30"}) from exc
    return FeedbackReceipt(id=fid, token=_feedback_token(request, fid))


@router.post("/feedback/{fid}/comment", response_model=FeedbackReceipt)
async def feedback_comment(fid: int, body: FeedbackComment, request: Request) -> FeedbackReceipt:
    """A comment on a rating, from the visitor who made it (the receipt's token)."""
    if not hmac.compare_digest(body.token, _feedback_token(request, fid)):
        raise ApiProblem(403, "forbidden", "this token does not belong to that rating")
    if not body.comment.strip():
        raise ApiProblem(400, "empty_comment", "the comment is empty")
    store: FeedbackStore = request.app.state.feedback
    try:
        await run_in_threadpool(store.comment, fid, body.comment)
    except FeedbackError as exc:
        raise ApiProblem(503, "feedback_unavailable", str(exc), {"Retry-After": "30"}) from exc
    return FeedbackReceipt(id=fid)


@router.post("/feedback/{fid}/rating", response_model=FeedbackReceipt)
async def feedback_rating(fid: int, body: FeedbackRating, request: Request) -> FeedbackReceipt:
    """A changed rating, from the visitor who made it (the receipt's token)."""
    if not hmac.compare_digest(body.token, _feedback_token(request, fid)):
        raise ApiProblem(403, "forbidden", "this token does not belong to that rating")
    store: FeedbackStore = request.app.state.feedback
    try:
        found = await run_in_threadpool(store.rate, fid, body.rating)
    except FeedbackError as exc:
        raise ApiProblem(503, "feedback_unavailable", str(exc), {"Retry-After": "30"}) from exc
    if not found:  # signed by this server, then lost (a database restored from before it)
        raise ApiProblem(404, "not_found", f"there is no rating {fid}")
    return FeedbackReceipt(id=fid)


def _feedback_token(request: Request, fid: int) -> str:
    key: bytes = request.app.state.feedback_key
    return hmac.new(key, str(fid).encode(), hashlib.sha256).hexdigest()


def install(app: FastAPI) -> None:
    """Mount the router and turn every error into ``{"error", "detail"}`` JSON."""
    app.include_router(router)
    # Signs feedback receipts. Replicas share the key from the environment (a comment may
    # reach another replica than its rating); without one, a key per process, and a
    # restart only ends the chance to comment on older ratings.
    settings: Settings = app.state.settings
    shared = os.environ.get(settings.server.feedback_key_env, "")
    app.state.feedback_key = (
        hashlib.sha256(shared.encode()).digest() if shared else secrets.token_bytes(32)
    )

    @app.exception_handler(ApiProblem)
    async def _problem(_request: Request, exc: ApiProblem) -> JSONResponse:
        body = ApiError(error=exc.error, detail=exc.detail).model_dump()
        return JSONResponse(body, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'] if p != 'body') or 'body'}: {err['msg']}"
            for err in exc.errors()
        )
        body = ApiError(error="invalid_request", detail=problems or "malformed body")
        return JSONResponse(body.model_dump(), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's answer to a body json.loads cannot read at all: not UTF-8, or
            # nested deeper than the parser's recursion limit. Our own 400s are ApiProblems.
            body = ApiError(
                error="invalid_request",
                detail="the body is not JSON text (UTF-8, not nested too deeply)",
            )
            return JSONResponse(body.model_dump(), status_code=422)
        body = ApiError(error=f"http_{exc.status_code}", detail=str(exc.detail))
        return JSONResponse(body.model_dump(), status_code=exc.status_code, headers=exc.headers)
