"""A real HTTP server on 127.0.0.1 for the source-fetching tests, with the cases a
fetcher meets on the web: a page, a PDF, a 404, a redirect, a slow answer, an oversize
body, a passing server error, a wrong content type, and ETags."""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOURCE_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>The Helsinki Final Act</title></head><body>
<nav><a href="/">Home</a> <a href="/shop">Shop</a></nav>
<article><h1>The Helsinki Final Act</h1>
<p>The Helsinki Final Act of 1975 committed thirty-five states to the inviolability of
frontiers and to the peaceful settlement of disputes between them.</p>
<h2>Human rights basket</h2>
<p>Its third basket bound the signatories to respect human rights, including freedom of
thought, conscience and religion, which dissidents in Praha and Moskva later invoked.</p>
</article><footer>Copyright Example Archive. All rights reserved.</footer></body></html>
"""


@dataclass
class Server:
    base: str
    hits: Counter[str] = field(default_factory=Counter)
    agents: list[str] = field(default_factory=list)
    routes: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


@contextmanager
def serve(pdf: bytes = b"") -> Iterator[Server]:
    server_state = Server(base="")
    server_state.routes.update(
        {
            "/source.html": (200, "text/html; charset=utf-8", SOURCE_PAGE.encode()),
            "/report.pdf": (200, "application/pdf", pdf),
            "/image.png": (200, "image/png", b"\x89PNG not really"),
        }
    )

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path
            server_state.hits[path] += 1
            server_state.agents.append(self.headers.get("User-Agent", ""))
            if path == "/moved":
                self._send(302, "text/plain", b"", {"Location": "/source.html?via=moved"})
            elif path == "/slow":
                time.sleep(2)
                self._send(200, "text/html", SOURCE_PAGE.encode())
            elif path == "/huge":
                self._send(200, "text/html", b"<p>" + b"x" * 200_000 + b"</p>")
            elif path == "/huge-undeclared":
                self._send(200, "text/html", b"<p>" + b"y" * 200_000 + b"</p>", length=False)
            elif path == "/flaky" and server_state.hits[path] == 1:
                self._send(503, "text/plain", b"busy")
            elif path == "/flaky":
                self._send(200, "text/html", SOURCE_PAGE.replace("1975", "1976").encode())
            elif path.split("?")[0] in server_state.routes:
                status, ctype, body = server_state.routes[path.split("?")[0]]
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, ctype, b"", {"ETag": etag})
                else:
                    self._send(status, ctype, body, {"ETag": etag})
            else:
                self._send(404, "text/plain", b"not found")

        def _send(
            self,
            status: int,
            ctype: str,
            body: bytes,
            headers: dict[str, str] | None = None,
            length: bool = True,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if length:
                self.send_header("Content-Length", str(len(body)))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            if status != 304:
                # The client may give up (a timeout, a size cap): as intended.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server_state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
