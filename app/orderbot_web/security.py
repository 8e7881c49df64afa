"""Who may call and embed: the rate limit per client, CORS and ``frame-ancestors``."""

from __future__ import annotations

import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderbot.errors import ConfigError


class RateLimiter:
    """A moving-window limit per client address (``limits``, in memory)."""

    def __init__(self, rate: str) -> None:
        try:
            self.item: RateLimitItem = parse(rate)
        except ValueError as exc:
            raise ConfigError(f"invalid rate limit {rate!r}: {exc}") from exc
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, client: str) -> bool:
        """Count one request from ``client``; False when it is over the limit."""
        return self._limiter.hit(self.item, "api", client)

    def retry_after(self, client: str) -> int:
        reset, _ = self._limiter.get_window_stats(self.item, "api", client)
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
