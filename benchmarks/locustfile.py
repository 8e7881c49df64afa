"""Locust users for ``bench_scale.py``: each asks the HTTP API one question after another,
with no pause, cycling through questions the report answers and one it does not.

    locust -f benchmarks/locustfile.py --headless -u 20 -r 20 -t 60s --host http://127.0.0.1:7860
"""

from __future__ import annotations

import itertools

from locust import HttpUser, constant, task
from questions import QUESTIONS  # benchmarks/questions.py, beside this script


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.questions = itertools.cycle(QUESTIONS)

    @task
    def ask(self) -> None:
        self.client.post("/api/ask", json={"question": next(self.questions)}, name="/api/ask")
