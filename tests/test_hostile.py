"""Hostile input found by a probe of a running server (issue 11), one test per hole:
lone surrogates, the Gradio upload route, the rate limit behind forged headers and on the
chat's queue, security headers on a 500, unreadable bodies."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import gradio as gr
import httpx
import orjson
import pytest

from orderbot.config import Settings
from orderbot.conversation import Turn
from orderbot.errors import QuestionError
from orderbot.index.store import ChunkStore
from orderbot.pipeline import Pipeline
from orderbot.question import check_question, shown
from orderbot_web.chat_ui import ChatApi
from orderbot_web.feedback import FeedbackStore
from tests.cli import run_cli
from tests.web import LiveServer, server_settings

QUESTION = "How many proposals are in the package?"
SURROGATE = "How many proposals \ud800 are in the package?"
RAW_SURROGATE = b'{"question": "How many proposals \\ud800 are in the package?"}'
JSON = {"Content-Type": "application/json"}


# 1. A lone surrogate ---------------------------------------------------------------------


def test_question_and_turn_refuse_what_is_not_text() -> None:
    for bad in ("\ud800", "a\x00b", "x\x1bz", "\udcff"):
        with pytest.raises(QuestionError, match="not text"):
            check_question(f"What {bad}?", 2000)
        with pytest.raises(ValueError, match=r"not text|unicode string"):
            Turn(role="user", content=bad)
    # Right-to-left text, line and paragraph separators and tabs are text.
    assert check_question("ما هو\u2028\u2029\tالتقرير؟", 2000)
    assert shown("a\ud800b\x00") == "a\ufffdb\ufffd"


@pytest.mark.slow
def test_api_refuses_a_lone_surrogate_with_400_json(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        for path in ("/api/ask", "/api/ask/stream"):
            response = client.post(path, content=RAW_SURROGATE, headers=JSON)
            assert response.status_code == 400, path
            assert response.json()["error"] == "bad_question"
            assert "U+D800" in response.json()["detail"]
        body = {"question": QUESTION, "history": [{"role": "user", "content": "a\u0000b"}]}
        response = client.post("/api/ask", json=body)
        assert response.status_code == 422 and response.json()["error"] == "invalid_request"
        assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200


@pytest.mark.slow
def test_stream_failure_after_the_start_is_an_error_event(
    live: LiveServer, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("tokenizer exploded")

    monkeypatch.setattr(pipeline, "stream", broken)
    with (
        httpx.Client(base_url=live.url, timeout=30) as client,
        client.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as response,
    ):
        assert response.status_code == 200
        text = "".join(response.iter_text())
    assert text.startswith("event: error\n")
    data = json.loads(text.split("data: ", 1)[1])
    assert data["error"] == "internal_error" and "exploded" not in data["detail"]


@pytest.mark.slow
def test_gradio_endpoint_answers_a_lone_surrogate_with_a_message(pipeline: Pipeline) -> None:
    chat = ChatApi(pipeline)
    with pytest.raises(gr.Error, match="not text"):
        chat.ask(SURROGATE, [])
    answer = chat.ask(QUESTION, [])
    orjson.dumps(answer)  # what Gradio sends back: a lone surrogate would fail here
    assert "20 proposals" in answer["answer"]


@pytest.mark.slow
def test_cli_ask_and_chat_refuse_a_lone_surrogate(
    built: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORDERBOT_CORPUS_DIR", str(built.corpus_dir))
    monkeypatch.setenv("ORDERBOT_INDEX__ROOT", str(built.index.root))

    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, monkeypatch, *args)

    # Bytes that are not UTF-8 in argv arrive as lone surrogates (surrogateescape).
    code, out, err = run("ask", "How many \udcff proposals?")
    assert code == 1 and out == "" and err.startswith("error: ") and "not text" in err
    lines = iter([SURROGATE, QUESTION, ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    code, out, err = run("chat")
    assert code == 0 and "not text" in err and "20 proposals" in out


# 3. Uploads --------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/chat/gradio_api/upload"),
        ("POST", "/chat/upload"),
        ("GET", "/chat/gradio_api/upload_progress"),
        ("GET", "/chat/gradio_api/file=/etc/hostname"),
        ("GET", "/chat/gradio_api/proxy=http://127.0.0.1:1/"),
        ("POST", "/chat/gradio_api/run/predict"),
        ("POST", "/chat/gradio_api/call/respond"),
        ("POST", "/chat/gradio_api/process_recording"),
    ],
)
def test_gradio_file_and_upload_routes_are_closed(live: LiveServer, method: str, path: str) -> None:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        files = {"files": ("a.txt", b"x" * 100_000)} if method == "POST" else None
        response = client.request(method, path, files=files)
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "no such page"}
    assert "/tmp" not in response.text and "gradio" not in response.text


# 4. The rate limit -------------------------------------------------------------------------


@pytest.mark.slow
def test_forged_forwarded_for_does_not_escape_the_limit(
    built: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    settings = server_settings(built, tmp_path, rate_limit="3/minute")
    with LiveServer(settings, pipeline) as server, httpx.Client(base_url=server.url) as http:
        codes = [
            http.post(
                "/api/ask",
                json={"question": QUESTION},
                headers={"X-Forwarded-For": f"10.0.0.{n}"},
            ).status_code
            for n in range(6)
        ]
    assert codes == [200, 200, 200, 429, 429, 429]


@pytest.mark.slow
def test_a_trusted_proxy_names_the_client(
    built: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    settings = server_settings(
        built, tmp_path, rate_limit="2/minute", trusted_proxies=["127.0.0.1"]
    )
    with LiveServer(settings, pipeline) as server, httpx.Client(base_url=server.url) as http:

        def ask(client: str) -> int:
            headers = {"X-Forwarded-For": client}
            return http.post("/api/feedback", json={}, headers=headers).status_code

        # Two clients behind the proxy, each with its own allowance.
        assert [ask("203.0.113.7") for _ in range(3)] == [422, 422, 429]
        assert [ask("203.0.113.8") for _ in range(3)] == [422, 422, 429]


@pytest.mark.slow
def test_chat_queue_shares_the_api_limit(
    built: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    settings = server_settings(built, tmp_path, rate_limit="3/minute")
    join = {"data": [QUESTION, [], None, None], "fn_index": 0, "session_hash": "abc123"}
    with LiveServer(settings, pipeline) as server, httpx.Client(base_url=server.url) as http:
        assert http.post("/api/ask", json={"question": QUESTION}).status_code == 200
        first = [http.post("/chat/gradio_api/queue/join", json=join) for _ in range(2)]
        assert all(r.status_code != 429 for r in first)
        over = http.post("/chat/gradio_api/queue/join", json=join)
        assert over.status_code == 429 and over.json()["error"] == "rate_limited"
        assert int(over.headers["retry-after"]) >= 1
        assert http.post("/api/ask", json={"question": QUESTION}).status_code == 429
        assert http.get("/chat/").status_code == 200  # the page itself is not limited


# 7. Headers on a 500, unreadable bodies, size cap, content policy --------------------------


@pytest.mark.slow
def test_a_500_is_json_with_the_security_headers(
    live: LiveServer, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("/secret/path exploded")

    monkeypatch.setattr(pipeline, "ask", broken)
    with httpx.Client(base_url=live.url, timeout=30) as client:
        response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert "/secret" not in response.text and "Traceback" not in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.slow
@pytest.mark.parametrize(
    "body",
    [
        b'{"question": "How many\xff proposals?"}',
        b'{"question": "q", "history": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b"\xef\xbb\xbf\xfe{",
    ],
)
def test_unreadable_bodies_are_422_invalid_request(live: LiveServer, body: bytes) -> None:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        for path in ("/api/ask", "/api/ask/stream", "/api/feedback"):
            response = client.post(path, content=body, headers=JSON)
            assert response.status_code == 422, path
            assert response.json()["error"] == "invalid_request"


@pytest.mark.slow
def test_oversize_bodies_are_refused_before_they_are_parsed(live: LiveServer) -> None:
    big = json.dumps({"question": "x" * 2_000_000}).encode()

    def chunks() -> object:
        yield from (big[i : i + 65536] for i in range(0, len(big), 65536))

    with httpx.Client(base_url=live.url, timeout=30) as client:
        for content in (big, chunks()):
            response = client.post("/api/ask", content=content, headers=JSON)  # type: ignore[arg-type]
            assert response.status_code == 413 and response.json()["error"] == "too_large"
        assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200


@pytest.mark.slow
def test_content_policy_limits_scripts_everywhere(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        for path in ("/chat/", "/embed/chat", "/demo", "/api/health", "/embed/widget.js"):
            csp = client.get(path).headers["content-security-policy"]
            rules = dict(rule.split(" ", 1) for rule in csp.split("; "))
            assert rules["default-src"] == "'self'" and rules["object-src"] == "'none'", path
            assert rules["script-src"] == "'self'" and rules["style-src"] == "'self'", path
            assert "frame-ancestors" in rules, path


# 2 and 6. Visitors' feedback in the evaluation ---------------------------------------------

XSS = "<img src=x onerror=alert(1)> What does RBIO stand for?"


def test_export_writes_what_the_loader_reads(tmp_path: Path) -> None:
    from orderbot.eval import load_qa
    from orderbot_web.feedback import Feedback, export_qa

    store = FeedbackStore(tmp_path / "data")
    questions = [
        "Line one\u2028line two\u2029and three of the report?",
        "ما هو عدد المقترحات؟ \u202eRTL\u202c",
        "x" * 2500,
        "Why?",
    ]
    for question in questions:
        store.add(Feedback(rating="down", question=question, answer="No."))
    out = tmp_path / "qa.jsonl"
    skipped: list[str] = []
    assert export_qa(store, out, max_question_chars=2000, skipped=skipped).added == 3
    assert len(skipped) == 1 and "2,500 characters" in skipped[0]
    assert len(out.read_text("utf-8").splitlines()) == 3  # no line splits inside a question
    assert [i.question for i in load_qa(out)] == [questions[0], questions[1], questions[3]]


def test_loader_reports_bad_lines_and_goes_on(tmp_path: Path) -> None:
    from orderbot.eval.qa import QAError, load_qa

    good = {"id": "a", "type": "fact", "question": "How many proposals?", "answerable": True}
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({**good, "id": "b", "question": "x" * 3000}),
        json.dumps({**good, "id": "c", "answerable": "perhaps"}),
        json.dumps(good),
        json.dumps({**good, "id": "d", "question": "Line\u2028break?"}, ensure_ascii=False),
    ]
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    problems: list[str] = []
    items = load_qa(path, max_question_chars=2000, problems=problems)
    assert [i.id for i in items] == ["a", "d"]
    assert [p.split(", line ")[1].split(":")[0] for p in problems] == ["2", "3", "4", "5"]
    assert "3,000 characters" in problems[1] and "appears twice" in problems[3]
    with pytest.raises(QAError, match="line 2"):
        load_qa(path, strict=True)
    path.write_text("{not json\n", "utf-8")
    with pytest.raises(QAError, match="no usable questions"):
        load_qa(path)


@pytest.mark.slow
def test_visitor_text_cannot_script_the_eval_report(
    built: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from orderbot_web.feedback import Feedback

    monkeypatch.setenv("ORDERBOT_CORPUS_DIR", str(built.corpus_dir))
    monkeypatch.setenv("ORDERBOT_INDEX__ROOT", str(built.index.root))
    monkeypatch.setenv("ORDERBOT_SERVER__DATA_DIR", str(tmp_path / "data"))
    store = FeedbackStore(tmp_path / "data")
    store.add(Feedback(rating="down", question=XSS, answer="<script>alert(2)</script>"))
    store.add(Feedback(rating="down", question="Which\u2028variable covers AI?", answer="?"))
    store.add(Feedback(rating="down", question="y" * 2100, answer="?"))
    qa = tmp_path / "feedback.jsonl"
    code, _, err = run_cli(capsys, monkeypatch, "feedback", "export", "--out", str(qa))
    assert code == 0 and "added 2 rated answers" in err and "skipped feedback-3" in err
    out = tmp_path / "run"
    args = ["eval", "--qa", str(qa), "--out", str(out), "--no-references"]
    code, _, err = run_cli(capsys, monkeypatch, *args, "--generator", "extractive")
    assert code == 0, err
    html = (out / "report.html").read_text("utf-8")
    assert "<img src=x" not in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; What does RBIO stand for?" in html
    assert "default-src 'none'" in html
    markdown = (out / "report.md").read_text("utf-8")
    assert "<img" not in markdown.replace("\\<img", "")


@pytest.mark.slow
def test_feedback_the_evaluation_would_refuse_is_not_kept(live: LiveServer) -> None:
    payload = {"rating": "down", "question": "z" * 2001, "answer": "?"}
    with httpx.Client(base_url=live.url, timeout=30) as client:
        response = client.post("/api/feedback", json=payload)
        assert response.status_code == 400 and response.json()["error"] == "bad_question"
        response = client.post("/api/feedback", json={**payload, "question": "a\x00b"})
        assert response.status_code == 400


# 7. The serving version is never written to ------------------------------------------------


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    import hashlib

    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_readers_and_an_ingest_never_write_to_the_serving_version(
    corpus_copy: Path, embedder: object
) -> None:
    import tempfile
    import threading

    from orderbot.index import build_index, versions
    from orderbot.index.store import ChunkStore
    from tests.conftest import make_settings

    settings = make_settings(corpus_copy)
    build_index(settings, embedder=embedder)  # type: ignore[arg-type]
    root = settings.index.index_path()
    serving = versions.current_version(root)
    assert serving is not None
    before = _snapshot(serving)
    scratch = {p.name for p in Path(tempfile.gettempdir()).glob("orderbot-index-*")}

    pipeline = Pipeline.from_settings(settings, embedder=embedder)  # type: ignore[arg-type]
    answers: list[str] = []

    def ask() -> None:
        for _ in range(3):
            answers.append(pipeline.ask(QUESTION).answer)

    readers = [threading.Thread(target=ask) for _ in range(2)]
    for reader in readers:
        reader.start()
    (corpus_copy / "corpus" / "retreat.md").write_text(
        "# Retreat notes\n\nThe 2025 retreat was hosted in Reykjavik.\n", "utf-8"
    )
    build_index(settings, embedder=embedder)  # type: ignore[arg-type]  # while they read
    for reader in readers:
        reader.join()
    store = ChunkStore.open(root)  # the new version, by another reader
    store.count()
    store.close()
    assert len(answers) == 6 and all("20 proposals" in a for a in answers)
    assert _snapshot(serving) == before  # not a byte, not a timestamp
    assert (
        pipeline.reload_if_stale(wait=True)
        and "Reykjavik" in pipeline.ask("Where was the 2025 retreat hosted?").answer
    )
    pipeline.close()
    left = {p.name for p in Path(tempfile.gettempdir()).glob("orderbot-index-*")} - scratch
    assert left == set()  # every private copy went with its store


def test_readme_security_section_names_what_is_not_trusted() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Security\n")[1].split("\n## ")[0]
    for subject in ("X-Forwarded-For", "Uploads", "Feedback", "Corpus files", "Questions"):
        assert subject in section, subject
    assert "trusted_proxies" in section and "quarantined" in section


@pytest.mark.slow
def test_text_that_passes_the_check_reaches_the_local_models_tokenizer_safely(
    built: Settings, embedder: object, tmp_path: Path
) -> None:
    """Noncharacters, private use, tag characters, bidi and zero-width marks, emoji
    sequences pass the question check; the real SmolLM2 tokenizer takes them."""
    from orderbot.config import load_settings

    settings = load_settings(
        corpus_dir=built.corpus_dir,
        index=built.index.model_dump(),
        generation={
            "backend": "local:smollm2-135m",
            "model_cache": str(tmp_path),
            "max_tokens": 16,
        },
    )
    pipeline = Pipeline.from_settings(settings, embedder=embedder)  # type: ignore[arg-type]
    assert pipeline.generator.name == "local:smollm2-135m"
    for question in (
        "How many proposals \uffff\ufffe are in the package?",
        "proposals \U0010ffff\U000e0001 \u202e\ue000?",
        "How many proposals\u2028 are there \u200b\ufeff 🏳️\u200d🌈?",
    ):
        assert pipeline.ask(question).answer.strip()


def test_private_copies_left_by_dead_processes_are_swept(built: Settings) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    tmp = Path(tempfile.gettempdir())
    orphan = tmp / f"orderbot-index-{dead.stdout.strip()}-x1"
    mine = tmp / f"orderbot-index-{os.getpid()}-x2"
    for folder in (orphan, mine):
        folder.mkdir()
        (folder / "chroma.sqlite3").write_bytes(b"left behind")
    try:
        ChunkStore.open(built.index.index_path()).close()
        assert not orphan.exists()  # its process is gone
        assert mine.exists()  # a running process's copy is never touched
    finally:
        shutil.rmtree(orphan, ignore_errors=True)
        shutil.rmtree(mine, ignore_errors=True)
