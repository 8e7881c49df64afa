"""A small OpenAI-compatible chat server on 127.0.0.1 for tests: a real HTTP server
whose behaviour the test sets (answer, fail with 500, 429 or 503, hang)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Behaviour:
    def __init__(self) -> None:
        self.mode = "ok"  # ok | error | hang | bad_request | break
        self.status = 500  # what "error" answers
        self.failures: int | None = None  # "error" only for this many requests, then ok
        self.failed = 0
        self.reply = json.dumps({"evidence": [1], "answer": "The package contains 20 proposals."})
        self.hang_seconds = 5.0
        # A non-streamed request (a yes/no judge's) gets one token with these alternatives.
        self.top_logprobs: dict[str, float] = {"Yes": -0.1, "No": -2.4}
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []


def _handler(behaviour: Behaviour) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            behaviour.requests.append(body)
            behaviour.headers.append(dict(self.headers))
            if self.path != "/v1/chat/completions":
                self.send_error(404)
                return
            if behaviour.mode == "error" and (
                behaviour.failures is None or behaviour.failed < behaviour.failures
            ):
                behaviour.failed += 1
                self.send_response(behaviour.status)
                self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if behaviour.mode == "bad_request":
                self.send_error(400, "unknown model")
                return
            if behaviour.mode == "hang":
                time.sleep(behaviour.hang_seconds)
            if body.get("stream") is False:
                self._one_token(body)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for n, word in enumerate(behaviour.reply.split(" ")):
                chunk = {"choices": [{"index": 0, "delta": {"content": word + " "}}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                if behaviour.mode == "break" and n == 1:
                    self.wfile.flush()
                    self.connection.shutdown(2)  # the server dies mid-answer
                    return
            self.wfile.write(b"data: [DONE]\n\n")

        def _one_token(self, body: dict[str, Any]) -> None:
            top = sorted(behaviour.top_logprobs.items(), key=lambda kv: -kv[1])
            top = top[: int(body.get("top_logprobs") or 1)]
            alternatives = [{"token": t, "logprob": lp} for t, lp in top]
            first = {**alternatives[0], "top_logprobs": alternatives}
            answer = {
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": top[0][0]},
                        "logprobs": {"content": [first]},
                        "finish_reason": "length",
                    }
                ]
            }
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def openai_server() -> Iterator[tuple[str, Behaviour]]:
    behaviour = Behaviour()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(behaviour))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", behaviour
    finally:
        server.shutdown()
        server.server_close()
