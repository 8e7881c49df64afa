"""``orderbot serve`` and ``orderbot feedback export`` as a site owner runs them."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from orderbot.config import Settings
from orderbot.eval import load_qa
from orderbot_web.feedback import Feedback, FeedbackStore
from tests.cli import run_cli as run
from tests.cli import use
from tests.web import free_port

pytestmark = pytest.mark.slow


def test_serve_starts_one_server_and_prints_its_address(built: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "ORDERBOT_CORPUS_DIR": str(built.corpus_dir),
        "ORDERBOT_INDEX__ROOT": str(built.index.root),
        "ORDERBOT_SERVER__DATA_DIR": str(tmp_path / "data"),
        "ORDERBOT_SERVER__PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ORDERBOT_GENERATION__BACKEND": "extractive",
    }
    orderbot = Path(sys.executable).parent / "orderbot"  # the installed command
    proc = subprocess.Popen(
        [str(orderbot), "serve", "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []  # what it printed, read as it comes (a read never blocks the test)
    assert proc.stdout is not None
    threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True).start()

    def printed(text: str, deadline: float) -> bool:
        while time.monotonic() < deadline and not any(text in line for line in lines):
            time.sleep(0.1)
        return any(text in line for line in lines)

    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        assert printed(f"serving on {url}/", deadline), "".join(lines)
        health = None
        while time.monotonic() < deadline and health is None:
            try:
                health = httpx.get(f"{url}/api/health", timeout=5).json()
            except httpx.TransportError:
                time.sleep(0.3)
        assert health is not None and health["documents"] == ["Toward a Better Security Order"]
        assert httpx.get(f"{url}/chat/").status_code == 200
        assert httpx.get(f"{url}/demo").status_code == 200
        assert (tmp_path / "data" / "feedback.sqlite3").exists()
        # A maintainer watching the server sees what the documents do not cover, redacted.
        asked = {"question": "What is the best recipe for lasagna? Mail ann@example.org"}
        assert httpx.post(f"{url}/api/ask", json=asked, timeout=60).json()["refused"]
        logged = (
            "INFO orderbot.refusals: refused question: What is the best recipe for lasagna? "
            "Mail [email]\n"
        )
        assert printed(logged, time.monotonic() + 10), "".join(lines)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_on_a_port_in_use_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        code, _, err = run(capsys, monkeypatch, "serve", "--port", str(port))
    assert code == 1 and err.startswith(f"error: cannot serve on http://127.0.0.1:{port}/")
    assert "the port is in use" in err and "--port" in err and len(err.splitlines()) == 1
    # Nothing was set up before the error: this process's logging is as it was.
    assert logging.getLogger("orderbot").propagate and not logging.getLogger("orderbot").handlers


def test_serve_with_a_bad_setting_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORDERBOT_SERVER__RATE_LIMIT", "plenty")
    code, _, err = run(capsys, monkeypatch, "serve")
    assert code == 1 and err.startswith("error: invalid settings: server.rate_limit")


def test_feedback_export_writes_a_qa_file(
    built: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use(monkeypatch, built)
    monkeypatch.setenv("ORDERBOT_SERVER__DATA_DIR", str(tmp_path / "data"))
    FeedbackStore(tmp_path / "data").add(Feedback(rating="down", question="Why?", answer="No."))
    out = tmp_path / "qa.jsonl"
    code, _, err = run(capsys, monkeypatch, "feedback", "export", "--out", str(out))
    assert code == 0 and "added 1 rated answer to" in err
    assert [i.question for i in load_qa(out)] == ["Why?"]
