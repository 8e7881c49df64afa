"""Locust users for ``bench_scale.py``: each asks the HTTP API one question after another,
with no pause, cycling through questions the report answers and one it does not.

    locust -f benchmarks/locustfile.py --headless -u 20 -r 20 -t 60s --host http://127.0.0.1:7860
"""

from __future__ import annotations

import itertools

from locust import HttpUser, constant, task

QUESTIONS = [
    "How many proposals are in the package?",
    "What did Blinken say about the rules-based order?",
    "Why is a multi-order world more dangerous than the Cold War?",
    "Which variable covers artificial intelligence?",
    "What are the three categories of proposals?",
    "When did Guterres speak in Munich?",
    "What is the RBIO accused of?",
    "What is a good recipe for banana bread?",
]


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.questions = itertools.cycle(QUESTIONS)

    @task
    def ask(self) -> None:
        self.client.post("/api/ask", json={"question": next(self.questions)}, name="/api/ask")
