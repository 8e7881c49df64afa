"""Locust visitors for ``bench_replicas.py``: each asks a question through the streamed
API, reads the answer, waits like a reader (2-8 s) and asks again (with
``ORDERBOT_BENCH_ONCE`` set, each visitor asks once). Visitors are spread
over the replicas in ``ORDERBOT_BENCH_REPLICAS`` (comma-separated base URLs) as a proxy
in front would spread them. Two figures per question: ``first sentence`` (time to the
first checked sentence, the visitor's first token) and ``whole answer``.

    ORDERBOT_BENCH_REPLICAS=http://127.0.0.1:7860 locust -f benchmarks/locust_visitors.py \\
        --headless -u 50 -r 50 -t 60s
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time

from locust import HttpUser, between, task
from locust.exception import StopUser

QUESTIONS = [
    "How many proposals are in the package?",
    "What did Blinken tell Chinese officials?",
    "Why is a multi-order world more dangerous than the Cold War?",
    "What are the three categories of proposals?",
    "When did Guterres speak in Munich?",
    "What is the rules-based international order accused of?",
    "What is a good recipe for banana bread?",  # not covered: a refusal
]
REPLICAS = [u for u in os.environ.get("ORDERBOT_BENCH_REPLICAS", "").split(",") if u]
ONCE = bool(os.environ.get("ORDERBOT_BENCH_ONCE"))  # each visitor asks one question
_ids = itertools.count()


class Visitor(HttpUser):
    wait_time = between(2, 8)
    host = REPLICAS[0] if REPLICAS else "http://127.0.0.1:7860"

    def on_start(self) -> None:
        n = next(_ids)
        self.base = REPLICAS[n % len(REPLICAS)] if REPLICAS else self.host
        start = random.randrange(len(QUESTIONS))
        self.questions = itertools.cycle(QUESTIONS[start:] + QUESTIONS[:start])

    def _record(self, name: str, started: float, error: Exception | None = None) -> None:
        self.environment.events.request.fire(
            request_type="ask",
            name=name,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )

    @task
    def ask(self) -> None:
        self._ask()
        if ONCE:
            raise StopUser

    def _ask(self) -> None:
        started = time.perf_counter()
        first = False
        try:
            response = self.client.post(
                f"{self.base}/api/ask/stream",
                json={"question": next(self.questions)},
                stream=True,
                name="/api/ask/stream (headers)",
                timeout=900,
            )
            try:
                if response.status_code != 200:
                    raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
                event = ""
                for line in response.iter_lines(decode_unicode=True):
                    if line.startswith("event: "):
                        event = line[7:]
                        if event == "sentence" and not first:
                            first = True
                            self._record("first sentence", started)
                    elif line.startswith("data: ") and event == "error":
                        raise RuntimeError(json.loads(line[6:]).get("detail", "error event"))
                    elif line.startswith("data: ") and event == "answer":
                        answer = json.loads(line[6:])
                        generator = str(answer.get("generator", ""))
                        self._record("whole answer", started)
                        self._record(f"generator: {generator}", started)
                        return
            finally:
                response.close()
            raise RuntimeError("the stream ended without an answer")
        except Exception as exc:
            self._record("whole answer", started, exc)
