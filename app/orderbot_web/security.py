"""Who may call and embed: the rate limit per client, CORS and ``frame-ancestors``."""

from __future__ import annotations

import logging
import time

from limits import RateLimitItem, parse
from limits.errors import ConfigurationError, StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderbot.errors import ConfigError

log = logging.getLogger(__name__)


class RateLimiter:
    """A moving-window limit per client address (``limits``). The counters live in
    ``storage``: ``memory://`` (this process) or a shared ``redis://`` server, so several
    replicas count one client once. When the shared store cannot be reached the request is
    let through and a warning logged (the site stays up; the limit resumes with the store)."""

    def __init__(self, rate: str, storage: str = "memory://") -> None:
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

    def hit(self, client: str) -> bool:
        """Count one request from ``client``; False when it is over the limit."""
        try:
            return self._limiter.hit(self.item, "api", client)
        except StorageError as exc:  # the shared store is down: fail open, say so
            log.warning("rate-limit storage unavailable, request not counted: %s", exc)
            return True

    def retry_after(self, client: str) -> int:
        try:
            reset, _ = self._limiter.get_window_stats(self.item, "api", client)
        except StorageError:  # the shared store went down between two calls
            return 1
        return max(1, int(reset - time.time()) + 1)


def frame_ancestors(origins: list[str]) -> str:
    return " ".join(["'self'", *origins])


class SecurityHeaders:
    """Only the server itself and the allowed origins may frame its pages (pure ASGI, so
    streamed answers pass through untouched)."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        csp = f"frame-ancestors {frame_ancestors(origins)}"
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in self.headers} | {b"x-frame-options"}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
