"""One FastAPI application: the HTTP API, the OpenAI-compatible API under ``/v1/``, the
Gradio chat at ``/chat/``, the widget under ``/embed/`` and, with ``demo``, a stand-in
outreach page at ``/demo``.

The pipeline is loaded once per process and shared by the chat and the API.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from orderbot import __version__
from orderbot.config import Settings
from orderbot.errors import OrderbotError
from orderbot.pipeline import Pipeline
from orderbot_web import EMBED_DIR
from orderbot_web.api import install as install_api
from orderbot_web.feedback import FeedbackError, FeedbackStore, database_url
from orderbot_web.openai_api import PREFIX as OPENAI_PREFIX
from orderbot_web.openai_api import install as install_openai
from orderbot_web.render import favicon_type, widget_js
from orderbot_web.security import Gatekeeper, RateLimiter, SecurityHeaders

# Before gradio is imported anywhere: no analytics, no version check, nothing phoned home.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CHAT_PATH = "/chat"

if TYPE_CHECKING:
    import uvicorn


def create_app(
    settings: Settings, pipeline: Pipeline | None = None, *, demo: bool = False
) -> FastAPI:
    """The whole server; ``pipeline`` defaults to one loaded from ``settings``."""
    from orderbot_web.chat_ui import chat_page, mount_chat

    pipeline = pipeline or Pipeline.from_settings(settings)
    server = settings.server
    app = FastAPI(
        title="orderbot",
        version=__version__,
        description="Grounded, cited answers about the indexed documents.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.pipeline = pipeline
    app.state.limiter = RateLimiter(server.rate_limit, server.rate_limit_storage)
    app.state.feedback = FeedbackStore(database_url(server.data_dir, server.database_url))
    try:
        app.state.feedback.migrate()
    except FeedbackError as exc:  # the chat still answers; feedback waits for the database
        logging.getLogger(__name__).warning("%s; feedback is refused until it is reachable", exc)
    install_api(app)
    install_openai(app)

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse(f"{CHAT_PATH}/")

    @app.get("/embed/widget.js", include_in_schema=False)
    async def widget() -> Response:
        headers = {"Cache-Control": "public, max-age=300"}
        return Response(widget_js(server), media_type="text/javascript", headers=headers)

    @app.get("/embed/chat", include_in_schema=False)
    async def compact_chat() -> HTMLResponse:
        return HTMLResponse(chat_page(app, "widget"), headers={"Cache-Control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        icon = server.favicon or EMBED_DIR / "favicon.svg"
        headers = {"Cache-Control": "public, max-age=86400"}
        return FileResponse(icon, media_type=favicon_type(icon.name), headers=headers)

    @app.get("/embed/{name}", include_in_schema=False)
    async def embed_asset(name: str) -> Response:
        if name not in {"chat.js", "chat.css", "demo.css"}:
            return Response(status_code=404)
        kind = "text/javascript" if name.endswith(".js") else "text/css"
        return _asset(name, kind, max_age=300)

    if demo:

        @app.get("/demo", include_in_schema=False)
        async def demo_page() -> FileResponse:
            return _asset("demo.html", "text/html")

    mount_chat(app, pipeline, settings, path=CHAT_PATH)

    app.add_middleware(FreshIndex, pipeline=pipeline)

    # Outermost last. The gate decides on path, method, body size and client address;
    # CORS answers preflights (and labels the gate's refusals); only a configured proxy's
    # X-Forwarded-For names the client; every response gets the security headers.
    app.add_middleware(
        Gatekeeper,
        limiter=app.state.limiter,
        max_body_bytes=server.max_body_bytes,
        gradio_path=CHAT_PATH,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=server.allowed_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        max_age=600,
    )
    if server.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=server.trusted_proxies)
    app.add_middleware(SecurityHeaders, origins=server.allowed_origins)
    return app


class FreshIndex:
    """A finished `orderbot ingest` is picked up here, without a restart: the check is one
    ``stat`` of the pointer, made on the event loop (no thread hop); a new index is loaded
    in a background thread and swapped in when ready, so no request waits for it, and that
    load steps aside while requests are in flight (``Foreground``). Pure ASGI (not
    ``@app.middleware``): a streamed answer must see its client disconnect, so that Stop
    in the chat ends the answer on the server too."""

    def __init__(self, app: ASGIApp, pipeline: Pipeline) -> None:
        self.app = app
        self.pipeline = pipeline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        paths = ("/api/", f"{OPENAI_PREFIX}/", CHAT_PATH)
        if scope["type"] != "http" or not scope["path"].startswith(paths):
            await self.app(scope, receive, send)
            return
        # In flight until its last byte is sent: a background load steps aside meanwhile.
        with self.pipeline.foreground.request():
            self.pipeline.reload_if_stale()  # never blocks: one stat, a load in a thread
            await self.app(scope, receive, send)


def _asset(name: str, media_type: str, *, max_age: int = 0) -> FileResponse:
    headers = {"Cache-Control": f"public, max-age={max_age}"} if max_age else {}
    return FileResponse(Path(EMBED_DIR / name), media_type=media_type, headers=headers)


def serve(settings: Settings, *, demo: bool = False) -> None:
    """Load the pipeline once and serve until interrupted."""
    import uvicorn

    _fewer_malloc_arenas()
    host, port = settings.server.host, settings.server.port
    listening = _listen(host, port)  # first: a port in use is said before anything changes
    _log_to_stderr()
    app = create_app(settings, demo=demo)
    shown = f"[{host}]" if ":" in host else host
    print(f"orderbot is serving on http://{shown}:{port}/", flush=True)
    if demo:
        print(f"demo outreach page: http://{shown}:{port}/demo", flush=True)
    uvicorn.Server(uvicorn_config(app, settings)).run(sockets=[listening])


def _listen(host: str, port: int) -> socket.socket:
    """The server's listening socket, or a one-line error (uvicorn would log a traceback-
    like ERROR and exit 3 when the port is taken, say by a server already running)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        where = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
        if exc.errno == errno.EADDRINUSE:
            raise OrderbotError(
                f"cannot serve on {where}: the port is in use (is orderbot already serving?)",
                hint="stop that server, or choose another port: --port or ORDERBOT_SERVER__PORT",
            ) from exc
        raise OrderbotError(f"cannot serve on {where}: {exc.strerror or exc}") from exc


def _log_to_stderr() -> None:
    """The server's own lines on stderr, with their time: each refused question at INFO
    (``orderbot.refusals``, redacted: maintainers see what the documents do not cover),
    the rest at WARNING. ``orderbot``'s command line has already set the root logger to
    WARNING, so ``basicConfig`` here would do nothing."""
    logging.getLogger("orderbot.refusals").setLevel(logging.INFO)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("orderbot", "orderbot_web"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        if not any(getattr(h, "orderbot_server", False) for h in logger.handlers):
            handler.orderbot_server = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
        logger.propagate = False  # not also through the command line's "warning:" handler


def uvicorn_config(app: FastAPI, settings: Settings) -> uvicorn.Config:
    """How uvicorn serves the app. Its own proxy-header support is off: by default it
    believes X-Forwarded-For from 127.0.0.1, which lets anyone on the machine pick their
    address; ``server.trusted_proxies`` is applied by the app itself instead."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=settings.server.host,
        port=settings.server.port,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )


def _fewer_malloc_arenas(arenas: int = 2) -> None:
    """Two glibc malloc arenas instead of eight per core, set before any thread starts.
    Each index version a server loads is allocated by several threads (Chroma's, the
    reload's, the requests'); with an arena per thread the freed versions left holes
    that ``malloc_trim`` could not hand back, and RSS grew ~1.2x over 10 publishes at
    10,000 chunks (~1.08x with two). ``MALLOC_ARENA_MAX`` in the environment wins."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc: its own allocator
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, arenas)


_M_ARENA_MAX = -8  # glibc's malloc.h
