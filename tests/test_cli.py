"""The ``orderbot`` command as a user meets it: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orderbot.config import Settings
from tests.cli import run_cli as run
from tests.cli import use
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

ANSWER_KEYS = {
    "rewritten_question",
    "coverage",
    "refusal",
    "unsupported",
    "question",
    "answer",
    "refused",
    "citations",
    "contexts",
    "generator",
    "timings_ms",
}


def test_ask_json_is_one_stable_object(
    built: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use(monkeypatch, built)
    code, out, _ = run(
        capsys, monkeypatch, "ask", "--json", "How many proposals are in the package?"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == ANSWER_KEYS
    assert data["refused"] is False
    assert set(data["citations"][0]) == {
        "n",
        "chunk_id",
        "document",
        "section",
        "quote",
        "url",
        "page",
        "work",
        "listed",
    }
    assert set(data["contexts"][0]) == {"chunk_id", "document", "section", "text", "score"}
    assert set(data["timings_ms"]) == {"retrieve", "generate", "total", "first_sentence"}
    assert set(data["coverage"]) == {"verdict", "missing", "nearest", "score", "judge"}
    scores = [c["score"] for c in data["contexts"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_prints_answer_and_sources(
    built: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use(monkeypatch, built)
    code, out, _ = run(capsys, monkeypatch, "ask", "What did Blinken say about the alternative?")
    assert code == 0
    assert "Sources:" in out
    assert "Footnote 1" in out and "https://www.state.gov/" in out


def test_a_rejected_model_sentence_is_never_printed(capsys: pytest.CaptureFixture[str]) -> None:
    from orderbot.cli import print_answer
    from orderbot.models import Answer, Timings

    answer = Answer(
        question="What is the Better Order Project's annual budget?",
        answer="The documents do not cover this question.",
        refused=True,
        citations=[],
        contexts=[],
        generator="local:qwen2.5-coder-0.5b",
        timings_ms=Timings(retrieve=1, generate=1, total=2),
        unsupported=["The annual budget is $1.5 billion.", "It is funded by donors."],
    )
    print_answer(answer)
    out = capsys.readouterr().out
    assert "The documents do not cover this question." in out
    assert "1.5 billion" not in out and "donors" not in out
    assert "2 sentences the model wrote failed the citation check" in out


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "the question is empty"), ("?" * 2001, "the limit is 2,000")],
)
def test_bad_question_one_line_error(
    built: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    question: str,
    message: str,
) -> None:
    use(monkeypatch, built)
    code, out, err = run(capsys, monkeypatch, "ask", question)
    assert code == 1
    assert out == ""
    assert err.strip().count("\n") == 0
    assert message in err and "Traceback" not in err


def test_bad_question_is_refused_before_anything_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No index, no model: the empty question is still what the person hears about."""
    monkeypatch.setenv("ORDERBOT_INDEX__ROOT", str(tmp_path / "none"))
    monkeypatch.setenv("ORDERBOT_GENERATION__BACKEND", "local:/nowhere/model.gguf")
    code, _, err = run(capsys, monkeypatch, "ask", "   ")
    assert code == 1
    assert "the question is empty" in err and "no index" not in err


def test_missing_index_says_how_to_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORDERBOT_INDEX__ROOT", str(tmp_path / "none"))
    code, _, err = run(capsys, monkeypatch, "ask", "Anything?")
    assert code == 1
    assert "no index at" in err and "orderbot ingest" in err
    assert not (tmp_path / "none").exists()


def test_bad_setting_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORDERBOT_RETRIEVAL__TOP_K", "zero")
    code, _, err = run(capsys, monkeypatch, "ask", "Anything?")
    assert code == 1
    assert "retrieval.top_k" in err and "Traceback" not in err


def test_ingest_names_unreadable_file_and_keeps_others(
    corpus_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (corpus_copy / "corpus" / "broken.txt").write_bytes(b"\xff\xfe\x00 not text")
    monkeypatch.setenv("ORDERBOT_CORPUS_DIR", str(corpus_copy / "corpus"))
    monkeypatch.setenv("ORDERBOT_INDEX__ROOT", str(corpus_copy / "index"))
    code, _, err = run(capsys, monkeypatch, "ingest")
    assert code == 3  # built, but not all of it; 1 is for a failure with nothing built
    assert "broken.txt" in err and "not UTF-8" in err
    assert "1 document, 24 chunks (1 file parsed" in err
    code, out, _ = run(capsys, monkeypatch, "ask", "--json", "How many variables are there?")
    citations = json.loads(out)["citations"]
    assert code == 0 and citations
    published = "https://betterorderproject.org/beyond-the-rules-based-order/introduction"
    # The report's sidecar, opened at each quote.
    assert {c["url"].split("#:~:text=")[0] for c in citations} == {published}
    code, out, _ = run(capsys, monkeypatch, "corpus")
    assert code == 0 and f"published at {published}" in out and "retrieved" not in out


def test_make_run_serves_what_was_built_when_a_document_is_unreadable(corpus_copy: Path) -> None:
    """`make run` builds the index, then serves it: a file that cannot be read is named,
    and the chat still starts on the other documents. A real failure still stops it."""
    (corpus_copy / "corpus" / "broken.txt").write_bytes(b"\xff\xfe\x00 not text")
    env = {
        **os.environ,
        "ORDERBOT_CORPUS_DIR": str(corpus_copy / "corpus"),
        "ORDERBOT_INDEX__ROOT": str(corpus_copy / "index"),
    }
    # -o install: the environment running the tests is the installed one.
    make = ["make", "-o", "install", "index", f"BIN={Path(sys.executable).parent}"]
    done = subprocess.run(make, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "broken.txt: not UTF-8" in done.stderr and "1 document," in done.stderr
    env["ORDERBOT_RETRIEVAL__TOP_K"] = "zero"
    done = subprocess.run(make, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "retrieval.top_k" in done.stderr


def test_console_script_end_to_end(built: Settings) -> None:
    """The installed ``orderbot`` entry point, as a separate process."""
    exe = Path(sys.executable).with_name("orderbot")
    env = {
        **os.environ,
        "ORDERBOT_CORPUS_DIR": str(built.corpus_dir),
        "ORDERBOT_INDEX__ROOT": str(built.index.root),
    }
    done = subprocess.run(
        [
            str(exe if exe.exists() else shutil.which("orderbot")),
            "ask",
            "--json",
            "Which variable covers artificial intelligence?",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert "Artificial Intelligence and Cyber" in data["answer"]


def test_chat_keeps_the_conversation(
    built: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use(monkeypatch, built)
    lines = iter(["What are the seven variables?", "And which one covers AI?", "", "unused"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    code, out, err = run(capsys, monkeypatch, "chat")
    assert code == 0
    assert "Toward a Better Security Order" in err  # what it knows, said up front
    assert out.count("Sources:") == 2
    assert "Artificial Intelligence and Cyber" in out.split("Sources:")[1]


def test_chat_says_why_it_does_not_answer(
    built: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A visitor's "Who is the president of the Quincy Institute?" printed an empty line:
    a refusal, or a reply to "hi", comes as the answer alone, with no sentence before it."""
    use(monkeypatch, built)
    lines = iter(["Who is the president of the Quincy Institute?", "hi", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    code, out, _ = run(capsys, monkeypatch, "chat")
    assert code == 0
    assert "The documents do not say anything about the Quincy Institute itself" in out
    assert "Hello! I answer questions about" in out
    assert "Sources:" not in out


def test_every_help_text_is_shown_whole() -> None:
    """Rich reads "[default: …]" in a help text as markup and drops it ("Address ."): each
    option's and argument's help must reach the screen as written."""
    import typer
    from typer.testing import CliRunner

    from orderbot.cli import app

    root = typer.main.get_command(app)

    def commands(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():  # a group's
            yield from commands(sub, (*path, name))

    checked = 0
    for path, command in commands(root, ()):
        shown = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "400"}).output
        flat = " ".join(re.sub(r"[│╭╮╰╯─]", " ", shown).split())
        for param in command.params:
            text = getattr(param, "help", None)
            if text:
                assert " ".join(text.replace("\\[", "[").split()) in flat, (path, text)
                checked += 1
    assert checked > 20
