"""Who may call and embed, and what the server refuses before any route sees a request.

Pure ASGI middleware (streamed answers pass through untouched), outermost first:

- ``SecurityHeaders``: the content policy, framing and sniffing headers on every response,
  an unexpected error's 500 included (it answers that 500 itself, as JSON);
- uvicorn's ``ProxyHeadersMiddleware``, only for the addresses in
  ``server.trusted_proxies`` (none by default: ``X-Forwarded-For`` is ignored);
- ``Gatekeeper``: closes the Gradio routes the chat does not use (uploads, files,
  proxies), caps request bodies and applies the rate limit per client address to every
  route that starts work, the API's and the chat page's alike.
"""

from __future__ import annotations

import json
import logging
import re
import time

from limits import RateLimitItem, parse
from limits.errors import ConfigurationError, StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderbot.errors import ConfigError

log = logging.getLogger("orderbot.web")


class RateLimiter:
    """A moving-window limit per client address (``limits``). The counters live in
    ``storage``: ``memory://`` (this process) or a shared ``redis://`` server, so several
    replicas count one client once.

    When the shared store cannot be reached, each replica counts in its own memory (a
    client then gets at most the limit once per replica, never an unlimited one), says so
    once, and tries the shared store again after ``retry_shared`` seconds, so requests do
    not each wait for a store that is down."""

    def __init__(
        self, rate: str, storage: str = "memory://", *, retry_shared: float = 10.0
    ) -> None:
        try:
            self.item: RateLimitItem = parse(rate)
        except ValueError as exc:
            raise ConfigError(f"invalid rate limit {rate!r}: {exc}") from exc
        # A shared store that is down must not hold a request for long.
        options: dict[str, float | str | bool] = {"wrap_exceptions": True}
        if not storage.startswith("memory"):
            options |= {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}
        try:
            self._limiter = MovingWindowRateLimiter(storage_from_string(storage, **options))
        except (ConfigurationError, ValueError) as exc:
            raise ConfigError(f"cannot use the rate-limit storage {storage!r}: {exc}") from exc
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._retry_shared = retry_shared
        self._shared_down_until = 0.0  # monotonic time; 0: the shared store is in use

    def _limiters(self) -> list[MovingWindowRateLimiter]:
        """The limiters to try in order: the shared one unless it is resting, then local."""
        if time.monotonic() >= self._shared_down_until:
            return [self._limiter, self._local]
        return [self._local]

    def _shared_failed(self, exc: StorageError) -> None:
        if self._shared_down_until == 0.0:
            log.warning(
                "rate-limit storage unavailable (%s); counting in this process, retrying "
                "it every %g s",
                exc,
                self._retry_shared,
            )
        self._shared_down_until = time.monotonic() + self._retry_shared

    def hit(self, client: str) -> bool:
        """Count one request from ``client``; False when it is over the limit."""
        for limiter in self._limiters():
            try:
                allowed = limiter.hit(self.item, "api", client)
            except StorageError as exc:
                self._shared_failed(exc)
                continue
            if limiter is self._limiter and self._shared_down_until:
                log.warning("rate-limit storage reachable again")
                self._shared_down_until = 0.0
            return allowed
        raise AssertionError("the local limiter never fails")  # pragma: no cover

    def retry_after(self, client: str) -> int:
        for limiter in self._limiters():
            try:
                reset, _ = limiter.get_window_stats(self.item, "api", client)
            except StorageError as exc:  # the shared store went down between two calls
                self._shared_failed(exc)
                continue
            return max(1, int(reset - time.time()) + 1)
        raise AssertionError("the local limiter never fails")  # pragma: no cover


def frame_ancestors(origins: list[str]) -> str:
    return " ".join(["'self'", *origins])


def content_policy(origins: list[str]) -> str:
    """The Content-Security-Policy of every response: everything from the server itself,
    scripts and styles only as files (the chat page and the widget have no inline ones),
    no plug-ins, no foreign form targets, framed only by the allowed origins."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors(origins)}",
        ]
    )


async def send_json(
    send: Send, status: int, error: str, detail: str, headers: dict[str, str] | None = None
) -> None:
    """A whole ``{"error", "detail"}`` response."""
    body = json.dumps({"error": error, "detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Only the server itself and the allowed origins may frame its pages; every response,
    an unexpected error's too, carries the content policy."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", content_policy(origins).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        ours = self.headers
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name for name, _ in ours} | {b"x-frame-options"}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + ours}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("request to %s failed", path)
            if started:  # a stream already under way: the connection ends here
                raise
            detail = "the server failed to answer this request; try again later"
            await send_json(send_with_headers, 500, "internal_error", detail)


# Gradio routes the chat page never calls: uploads and the files they leave, fetching
# other URLs, streaming media, the hot-reload and "vibe" editors, monitoring, run
# history and direct API calls (every chat event is private and goes through the queue).
_CLOSED = re.compile(
    r"/(gradio_api/)?(upload|upload_progress|file=|file/|proxy=|stream/|process_recording|"
    r"vibe-edit|undo-vibe-edit|vibe-code|dev/reload|run-history|monitoring|login|logout|"
    r"run/|api/|call/|mcp)"
)
# Requests that start work: the API's answers and feedback, and every POST to the chat
# page (joining Gradio's queue runs an event: an answer, a rating, a comment).
_API_LIMITED = ("/api/ask", "/api/ask/stream", "/api/feedback")


class Gatekeeper:
    """Closed routes (404), oversize bodies (413) and the rate limit (429), decided on the
    path, the method and the client address before any route runs."""

    def __init__(
        self,
        app: ASGIApp,
        limiter: RateLimiter,
        *,
        max_body_bytes: int,
        gradio_path: str = "/chat",
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes
        self.gradio_path = gradio_path

    def closed(self, path: str) -> bool:
        if not path.startswith(self.gradio_path + "/"):
            return False
        return bool(_CLOSED.match(path[len(self.gradio_path) :]))

    def limited(self, method: str, path: str) -> bool:
        if method != "POST":
            return False
        return (
            path.rstrip("/") in _API_LIMITED
            or path.startswith(("/api/feedback/", self.gradio_path + "/"))  # comments too
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        if self.closed(path):
            await send_json(send, 404, "not_found", "no such page")
            return
        if self.limited(method, path):
            client = scope["client"][0] if scope.get("client") else "unknown"
            if not self.limiter.hit(client):
                await send_json(
                    send,
                    429,
                    "rate_limited",
                    f"too many requests: the limit is {self.limiter.item}; try again shortly",
                    {"Retry-After": str(self.limiter.retry_after(client))},
                )
                return
        if method in {"POST", "PUT", "PATCH"}:
            body = await self._read_body(scope, receive)
            if body is None:
                detail = f"the request body is larger than {self.max_body_bytes:,} bytes"
                await send_json(send, 413, "too_large", detail)
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is longer than the cap."""
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body_bytes:
                return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # then the real stream: a disconnect when the client goes

    return replay
