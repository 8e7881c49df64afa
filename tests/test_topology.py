"""The whole topology on 127.0.0.1, every part a real server started the way the README
says: a Chroma server (the index), PostgreSQL (feedback), Redis (rate counts), a model
server (SmolLM2 through ``orderbot model serve``) and two ``orderbot serve`` replicas on
their own ports. One
ingest, questions and feedback through both replicas, one export, a re-ingest both
replicas pick up, and one rate limit counted across both."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from orderbot.eval import load_qa
from tests.conftest import CORPUS
from tests.services import (
    ChromaServer,
    ModelServerProcess,
    PostgresServer,
    RedisServer,
    Service,
    ServiceError,
)
from tests.web import free_port

pytestmark = pytest.mark.slow

ORDERBOT = str(Path(sys.executable).parent / "orderbot")
QUESTION = "How many proposals are in the package?"
VIENNA = "# Extra note\n\nThe Better Order Project met in Vienna in March to agree a workplan.\n"
LIMIT = 40


class Replica(Service):
    """``orderbot serve --port P`` in its own process."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [ORDERBOT, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait(self) -> None:
        assert self.process is not None, "start() it first"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out = self.process.stdout.read() if self.process.stdout else ""
                raise ServiceError(f"replica on {self.port} exited: {out}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.3)
        raise ServiceError(f"replica on {self.port} did not start")


@pytest.fixture
def topology(
    tmp_path: Path, postgres: PostgresServer, redis_server: RedisServer, chroma: ChromaServer
) -> Iterator[tuple[dict[str, str], list[Replica], ModelServerProcess]]:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    with ModelServerProcess("smollm2-135m", tmp_path / "models", parallel=2) as model:
        env = {
            **os.environ,
            "ORDERBOT_CORPUS_DIR": str(tmp_path / "corpus"),
            "ORDERBOT_INDEX__ROOT": str(tmp_path / "index"),  # must stay unused
            "ORDERBOT_INDEX__CHROMA_HOST": "127.0.0.1",
            "ORDERBOT_INDEX__CHROMA_PORT": str(chroma.port),
            "ORDERBOT_INDEX__CHUNK_SIZE": "161",  # an index of its own on the shared server
            "ORDERBOT_GENERATION__BACKEND": f"openai:smollm2-135m@{model.api_url}",
            "ORDERBOT_GENERATION__MAX_TOKENS": "48",
            "ORDERBOT_SERVER__DATABASE_URL": postgres.new_database(f"topo_{uuid.uuid4().hex[:8]}"),
            "ORDERBOT_SERVER__RATE_LIMIT_STORAGE": f"{redis_server.url}/1",
            "ORDERBOT_SERVER__RATE_LIMIT": f"{LIMIT}/hour",  # a slow run outlives a minute
            "ORDERBOT_SERVER__DATA_DIR": str(tmp_path / "nowhere"),  # must stay unused
            "ORDERBOT_FEEDBACK_KEY": "shared by the replicas",
            "GRADIO_ANALYTICS_ENABLED": "False",
        }
        ingest = subprocess.run([ORDERBOT, "ingest"], env=env, capture_output=True, text=True)
        assert ingest.returncode == 0, ingest.stderr
        replicas = [Replica(env), Replica(env)]
        try:
            for replica in replicas:
                replica.start()
            for replica in replicas:
                replica.wait()
            yield env, replicas, model
        finally:
            for replica in replicas:
                replica.stop()


def test_two_replicas_share_model_index_feedback_and_limits(
    topology: tuple[dict[str, str], list[Replica], ModelServerProcess], tmp_path: Path
) -> None:
    env, replicas, model = topology
    counted = 0
    answers = []
    for replica in replicas:
        response = httpx.post(f"{replica.url}/api/ask", json={"question": QUESTION}, timeout=180)
        counted += 1
        assert response.status_code == 200, response.text
        answers.append(response.json())
        health = httpx.get(f"{replica.url}/api/health", timeout=10).json()
        assert health["generator"] == "openai:smollm2-135m"
    assert all(a["citations"] for a in answers)
    assert all(a["generator"].startswith(("openai:smollm2-135m", "extractive")) for a in answers)
    metrics = httpx.get(model.api_url.removesuffix("/v1") + "/metrics", timeout=10).text
    predicted = [
        line for line in metrics.splitlines() if line.startswith("llamacpp:tokens_predicted_total")
    ]
    assert predicted and float(predicted[0].split()[-1]) > 0  # the replicas used the one model

    client = openai.OpenAI(base_url=f"{replicas[1].url}/v1", api_key="x", max_retries=0)
    chunks = list(
        client.chat.completions.create(
            model="orderbot", messages=[{"role": "user", "content": QUESTION}], stream=True
        )
    )
    counted += 1
    assert "Sources:" in "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)

    receipts = []
    for replica, answer, rating in zip(replicas, answers, ("up", "down"), strict=True):
        payload = {"rating": rating, "question": answer["question"], "answer": answer["answer"]}
        response = httpx.post(f"{replica.url}/api/feedback", json=payload, timeout=30)
        counted += 1
        assert response.status_code == 200, response.text
        receipts.append(response.json())
    # A comment reaches the other replica than its rating: the receipt key is shared.
    first = receipts[0]
    comment = httpx.post(
        f"{replicas[1].url}/api/feedback/{first['id']}/comment",
        json={"comment": "clear", "token": first["token"]},
        timeout=30,
    )
    counted += 1
    assert comment.status_code == 200, comment.text
    out = tmp_path / "feedback.jsonl"
    export = subprocess.run(
        [ORDERBOT, "feedback", "export", "--out", str(out)], env=env, capture_output=True, text=True
    )
    assert export.returncode == 0, export.stderr
    assert sorted(item.type for item in load_qa(out)) == ["feedback-down", "feedback-up"]
    assert not (tmp_path / "nowhere").exists()  # no replica kept feedback of its own
    assert not (tmp_path / "index").exists()  # nor an index

    before = [httpx.get(f"{r.url}/api/health", timeout=10).json()["chunks"] for r in replicas]
    (tmp_path / "corpus" / "extra.md").write_text(VIENNA, "utf-8")
    ingest = subprocess.run([ORDERBOT, "ingest"], env=env, capture_output=True, text=True)
    assert ingest.returncode == 0, ingest.stderr
    for replica, chunks_before in zip(replicas, before, strict=True):
        deadline = time.monotonic() + 60  # polled once a second, loaded in the background
        while httpx.get(f"{replica.url}/api/health", timeout=30).json()["chunks"] == chunks_before:
            assert time.monotonic() < deadline, "the new version was not picked up"
            time.sleep(0.3)
        assert httpx.get(f"{replica.url}/api/health").json()["chunks"] == chunks_before + 1
        response = httpx.post(
            f"{replica.url}/api/ask", json={"question": "Where did the project meet?"}, timeout=180
        )
        counted += 1
        answer = response.json()
        assert any("Vienna" in c["quote"] for c in answer["citations"]), (
            replica.url,
            {k: answer.get(k) for k in ("answer", "coverage", "unsupported", "generator")},
        )

    # One rate limit for both: whichever replica is asked, the count is shared.
    codes = []
    for i in range(LIMIT - counted + 1):
        replica = replicas[i % 2]
        codes.append(
            httpx.post(
                f"{replica.url}/api/feedback",
                json={"rating": "up", "question": f"Q{i}?", "answer": "A"},
                timeout=30,
            ).status_code
        )
    assert codes[:-1] == [200] * (LIMIT - counted) and codes[-1] == 429
