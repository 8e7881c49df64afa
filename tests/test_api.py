"""The HTTP API against a running server: answers, streaming, health, errors, limits,
CORS and the framing policy."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import httpx
import pytest

from orderbot.config import Settings
from orderbot.pipeline import Pipeline
from tests.web import LiveServer, RejectingGenerator, server_settings

pytestmark = pytest.mark.slow

QUESTION = "How many proposals are in the package?"
OFF_TOPIC = "What is the best recipe for lasagna?"


@pytest.fixture
def client(live: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=live.url, timeout=30)


def test_ask_returns_the_cli_json_object(client: httpx.Client, pipeline: Pipeline) -> None:
    response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 200
    body = response.json()
    expected = pipeline.ask(QUESTION).for_readers().model_dump(mode="json")
    assert set(body) == set(expected) and "unsupported" not in body
    assert body["answer"] == expected["answer"] and not body["refused"]
    assert body["citations"] and body["citations"][0]["n"] == 1
    assert "20 proposals" in body["answer"]


def test_ask_with_history_answers_the_follow_up(client: httpx.Client) -> None:
    history = [
        {"role": "user", "content": "What did Blinken tell Chinese officials?"},
        {"role": "assistant", "content": "…"},
    ]
    body = client.post("/api/ask", json={"question": "And when?", "history": history}).json()
    assert body["rewritten_question"].startswith("What did Blinken")


def test_stream_sends_checked_sentences_then_the_answer(client: httpx.Client) -> None:
    events: list[tuple[str, dict[str, object]]] = []
    with client.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        kind = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((kind, json.loads(line.removeprefix("data: "))))
    kinds = [k for k, _ in events]
    assert kinds[-1] == "answer" and set(kinds[:-1]) == {"sentence"} and len(kinds) >= 2
    answer = events[-1][1]
    assert " ".join(str(d["text"]) for _, d in events[:-1]) == answer["answer"]


def test_no_response_carries_a_sentence_that_failed_the_check(
    built: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    """A visitor read, in ``/api/ask``'s ``unsupported`` field, what the model had made up
    ("The director of the Better Order Project is John Doe."): the check had kept it off
    the page, not out of the JSON. No endpoint sends it now; ``orderbot ask --json``
    (maintainers) still lists it."""
    rejecting = RejectingGenerator()
    custom = Pipeline(built, pipeline.store, pipeline.retriever, rejecting)  # type: ignore[arg-type]
    assert custom.ask(QUESTION).unsupported == [rejecting.REJECTED]
    with LiveServer(server_settings(built, tmp_path), custom) as server:
        client = httpx.Client(base_url=server.url, timeout=30)
        asked = client.post("/api/ask", json={"question": QUESTION})
        streamed = client.post("/api/ask/stream", json={"question": QUESTION})
        openai = client.post(
            "/v1/chat/completions",
            json={"model": "orderbot", "messages": [{"role": "user", "content": QUESTION}]},
        )
        for response in (asked, streamed, openai):
            assert response.status_code == 200, response.text
            assert "1.5 billion" not in response.text and "unsupported" not in response.text
        assert asked.json()["answer"] and "event: answer" in streamed.text
        gradio = pytest.importorskip("gradio_client").Client(f"{server.url}/chat/", verbose=False)
        answer = gradio.predict(QUESTION, [], api_name="/ask")
        assert answer["answer"] and "unsupported" not in answer
        gradio.close()


def test_health_reports_index_generator_and_version(client: httpx.Client) -> None:
    body = client.get("/api/health").json()
    assert body["documents"] == ["Toward a Better Security Order"]
    assert body["chunks"] > 10 and body["generator"] == "extractive"
    assert body["version"] and body["status"] == "ok"


def test_openapi_schema_lists_the_endpoints(client: httpx.Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/ask/stream", "/api/health", "/api/feedback"} <= set(paths)
    assert client.get("/api/docs").status_code == 200


@pytest.mark.parametrize(
    ("payload", "status", "error", "detail"),
    [
        ({"question": ""}, 400, "bad_question", "empty"),
        ({"question": "   "}, 400, "bad_question", "empty"),
        ({"question": "x" * 2001}, 400, "bad_question", "limit is 2,000"),
        ({}, 422, "invalid_request", "question"),
        ({"question": 5}, 422, "invalid_request", "question"),
        ({"question": "q?", "extra": 1}, 422, "invalid_request", "extra"),
        ({"question": "q?", "history": [{"role": "system", "content": "x"}]}, 422, "", "role"),
    ],
)
def test_bad_requests_get_a_clear_json_error(
    client: httpx.Client, payload: dict[str, object], status: int, error: str, detail: str
) -> None:
    for path in ("/api/ask", "/api/ask/stream"):
        response = client.post(path, json=payload)
        assert response.status_code == status, path
        body = response.json()
        assert set(body) == {"error", "detail"}
        assert error in body["error"] and detail in body["detail"]


def test_malformed_json_and_unknown_routes_are_json_errors(client: httpx.Client) -> None:
    response = client.post(
        "/api/ask", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422 and response.json()["error"] == "invalid_request"
    assert client.get("/api/nothing").status_code == 404
    # Nothing changes the index or the corpus: no such verbs or routes.
    for method in ("PUT", "DELETE", "PATCH"):
        assert client.request(method, "/api/ask").status_code == 405
    assert client.post("/api/ingest").status_code == 404


def test_refused_question_is_logged_without_personal_data(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="orderbot.refusals"):
        body = client.post(
            "/api/ask", json={"question": f"{OFF_TOPIC} Mail me at ann@example.org"}
        ).json()
    assert body["refused"] and "do not cover" in body["answer"]
    logged = [r.getMessage() for r in caplog.records if r.name == "orderbot.refusals"]
    assert logged and "lasagna" in logged[-1]
    assert "ann@example.org" not in logged[-1] and "127.0.0.1" not in logged[-1]


def test_cors_allows_only_listed_origins(client: httpx.Client, live: LiveServer) -> None:
    allowed = f"http://127.0.0.1:{live.outreach_port}"
    preflight = {"Access-Control-Request-Method": "POST"}
    ok = client.options("/api/ask", headers={"Origin": allowed, **preflight})
    assert ok.headers.get("access-control-allow-origin") == allowed
    other = client.options("/api/ask", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers
    simple = client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_pages_may_be_framed_only_by_listed_origins(client: httpx.Client, live: LiveServer) -> None:
    for path in ("/chat/", "/embed/chat", "/api/health"):
        csp = client.get(path).headers["content-security-policy"]
        ancestors = f"frame-ancestors 'self' http://127.0.0.1:{live.outreach_port}"
        assert csp.endswith(f"; {ancestors}"), path


def test_widget_script_and_demo_are_served(client: httpx.Client) -> None:
    script = client.get("/embed/widget.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "/embed/widget.js" in client.get("/demo").text
    assert client.get("/").headers.get("location", "/chat/") == "/chat/"
    assert client.get("/embed/secret.py").status_code == 404


def test_feedback_is_stored(client: httpx.Client, live: LiveServer) -> None:
    from orderbot_web.feedback import FeedbackStore

    answer = client.post("/api/ask", json={"question": QUESTION}).json()
    payload = {
        "rating": "up",
        "comment": "clear",
        "question": answer["question"],
        "answer": answer["answer"],
        "citations": answer["citations"],
    }
    response = client.post("/api/feedback", json=payload)
    assert response.status_code == 200
    rows = {fid: item for fid, _, item in FeedbackStore(live.settings.server.data_dir).rows()}
    stored = rows[response.json()["id"]]
    assert stored.comment == "clear" and stored.citations[0].quote
    bad = client.post("/api/feedback", json={**payload, "rating": "meh"})
    assert bad.status_code == 422


def test_a_rating_is_changed_only_by_whoever_made_it(
    client: httpx.Client, live: LiveServer
) -> None:
    """A visitor could not take back a thumbs-up given by mistake."""
    from orderbot_web.feedback import FeedbackStore

    payload = {"rating": "up", "question": QUESTION, "answer": "An answer."}
    receipt = client.post("/api/feedback", json=payload).json()
    fid, token = receipt["id"], receipt["token"]
    other = client.post("/api/feedback", json=payload).json()
    forged = client.post(
        f"/api/feedback/{fid}/rating", json={"rating": "down", "token": other["token"]}
    )
    assert forged.status_code == 403 and forged.json()["error"] == "forbidden"
    bad = client.post(f"/api/feedback/{fid}/rating", json={"rating": "meh", "token": token})
    assert bad.status_code == 422
    changed = client.post(f"/api/feedback/{fid}/rating", json={"rating": "down", "token": token})
    assert changed.status_code == 200 and changed.json()["id"] == fid
    rows = {i: item for i, _, item in FeedbackStore(live.settings.server.data_dir).rows()}
    assert rows[fid].rating == "down" and rows[other["id"]].rating == "up"


def test_rate_limit_per_client(built: Settings, pipeline: Pipeline, tmp_path: Path) -> None:
    settings = server_settings(built, tmp_path, rate_limit="3/minute")
    with LiveServer(settings, pipeline) as server, httpx.Client(base_url=server.url) as http:
        codes = [http.post("/api/ask", json={"question": QUESTION}).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        limited = http.post("/api/ask/stream", json={"question": QUESTION})
        assert limited.status_code == 429
        assert limited.json()["error"] == "rate_limited" and "3 per 1 minute" in limited.text
        assert int(limited.headers["retry-after"]) >= 1
        assert http.get("/api/health").status_code == 200  # health is not limited


@pytest.mark.slow
def test_running_server_picks_up_a_new_index(tmp_path: Path, embedder: object) -> None:
    """An ingest finished while the server runs is picked up without a restart: the
    request that notices it is answered from the old index while the new one loads
    beside it, and later requests from the new one."""
    import shutil

    from orderbot.index import build_index
    from tests.conftest import CORPUS, make_settings

    shutil.copytree(CORPUS, tmp_path / "corpus")
    settings = server_settings(make_settings(tmp_path), tmp_path / "data")
    build_index(settings, embedder=embedder)  # type: ignore[arg-type]
    pipeline = Pipeline.from_settings(settings, embedder=embedder)  # type: ignore[arg-type]
    question = {"question": "Which city hosted the Better Order Project's 2025 retreat?"}
    with LiveServer(settings, pipeline) as live, httpx.Client(base_url=live.url) as client:
        before = client.post("/api/ask", json=question).json()
        assert "Reykjavik" not in before["answer"]
        (tmp_path / "corpus" / "retreat.md").write_text(
            "# Retreat notes\n\nThe Better Order Project's 2025 retreat was hosted in the city "
            "of Reykjavik.\n",
            "utf-8",
        )
        build_index(settings, embedder=embedder)  # type: ignore[arg-type]
        first = client.post("/api/ask", json=question)
        assert first.status_code == 200
        deadline = time.monotonic() + 60
        after = first.json()
        while "Reykjavik" not in after["answer"] and time.monotonic() < deadline:
            time.sleep(0.2)
            after = client.post("/api/ask", json=question).json()
        health = client.get("/api/health").json()
    assert "Reykjavik" in after["answer"]
    assert health["documents"] == ["Retreat notes", "Toward a Better Security Order"]
