"""Real servers for the web tests: uvicorn in a thread on a free 127.0.0.1 port, and a
plain static server that plays another web site (the outreach site, a stranger)."""

from __future__ import annotations

import functools
import http.server
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from orderbot.config import Settings, load_settings
from orderbot.generate import Written
from orderbot.generate.citations import CitationList
from orderbot.generate.evidence import Evidence
from orderbot.generate.model_api import Stream
from orderbot.pipeline import Pipeline

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class RejectingGenerator:
    """Quotes the best passage's first sentence, after a sentence of its own that the
    citation check rejected (as a model's made-up figure is): only the quote is shown."""

    name = "rejecting"
    REJECTED = "The Better Order Project's annual budget is $1.5 billion."

    def write(self, evidence: Evidence, cites: CitationList, written: Written) -> Stream:
        written.unsupported.append(self.REJECTED)
        unit = next(u for u in evidence.units if u.kind == "sentence")
        n = cites.cite(unit.chunk, unit.text)
        yield f"{unit.text} [{n}]"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def server_settings(base: Settings, data_dir: Path, **server: Any) -> Settings:
    """``base`` (a built index) with web-server settings for a test."""
    values = {"data_dir": data_dir, "host": "127.0.0.1", "port": free_port(), **server}
    return load_settings(**base.model_dump(exclude={"server"}), server=values)


class LiveServer:
    """``orderbot_web.server.create_app`` served by uvicorn in a daemon thread."""

    def __init__(self, settings: Settings, pipeline: Pipeline, *, demo: bool = False) -> None:
        from orderbot_web.server import create_app, uvicorn_config

        self.settings = settings
        self.outreach_port = 0  # an allowed origin's port, where a test reserved one
        self.app = create_app(settings, pipeline, demo=demo)
        self.url = f"http://127.0.0.1:{settings.server.port}"
        # The configuration `orderbot serve` uses (proxy headers as it trusts them).
        self.server = uvicorn.Server(uvicorn_config(self.app, settings))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"server on {self.url} did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class StaticSite:
    """Another web site on its own port (so its own origin) serving ``pages``."""

    def __init__(self, pages: dict[str, str], port: int | None = None) -> None:
        self.port = port or free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.pages = pages
        handler = functools.partial(_PageHandler, pages=pages)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticSite:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _PageHandler(http.server.BaseHTTPRequestHandler):
    def __init__(self, *args: Any, pages: dict[str, str], **kwargs: Any) -> None:
        self.pages = pages
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        page = self.pages.get(self.path.split("?")[0])
        body = (page or "not found").encode()
        self.send_response(200 if page else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass
