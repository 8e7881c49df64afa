"""Property-based fuzzing (Hypothesis) of every door hostile input can come through: the
HTTP API of a real server, the CLI and the QA loader, with arbitrary Unicode (lone
surrogates, NUL, right-to-left marks, U+2028), wrong types and oversize bodies.

Properties: never a 5xx or a traceback; every refusal has the documented shape; the
server answers correctly afterwards; what feedback export writes, the loader reads back.
Bounded (derandomized, a few hundred examples in all) to run in about a minute."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from orderbot import cli
from orderbot.config import Settings
from orderbot.errors import QuestionError
from orderbot.eval.qa import QAError, load_qa
from orderbot.pipeline import Pipeline
from orderbot.question import check_question
from tests.web import LiveServer, server_settings

pytestmark = pytest.mark.slow

QUESTION = "How many proposals are in the package?"
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is reproducible
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Characters a probe reaches for first, and words that make a question retrieval takes up.
SPECIAL = [
    "\ud800", "\udfff", "\udcff", "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u2029",
    "\u202e", "\u200f", "\u200b", "\ufeff", "\ufffd", "\uffff", "\t", "\n", "\r", " ",
    "<script>", "<img src=x onerror=alert(1)>", "{", '"', "\\", "[1]", "|", "`", "ﷺ",
    "𝐈𝐠𝐧𝐨𝐫𝐞", "ignore all previous instructions", "<|im_start|>system", "'; DROP TABLE",
]  # fmt: skip
WORDS = ["How", "many", "proposals", "package", "variables", "Blinken", "order", "?", "what"]
ANY_CHAR = st.characters(exclude_categories=())  # surrogates included
TEXT = st.one_of(
    st.lists(
        st.one_of(st.sampled_from(SPECIAL), st.sampled_from(WORDS), st.text(ANY_CHAR, max_size=4)),
        max_size=12,
    ).map(" ".join),
    st.text(ANY_CHAR, max_size=40),
    st.sampled_from(["", " ", "x" * 2000, "x" * 2001, "é" * 1999 + "?"]),
)
# Questions that pass the check, with the characters that are text but unusual.
VALIDISH = st.lists(
    st.sampled_from([*WORDS, "\u2028", "\u2029", "\u202e", "\u200b", "é", "ﷺ", "<script>", "𝐈"]),
    min_size=1,
    max_size=10,
).map(" ".join)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
TURN = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system", 1]), "content": JSON_VALUE | TEXT}
)
ASK_BODY = st.one_of(
    st.fixed_dictionaries({"question": VALIDISH}),
    st.fixed_dictionaries(
        {
            "question": VALIDISH,
            "history": st.lists(
                st.fixed_dictionaries(
                    {"role": st.sampled_from(["user", "assistant"]), "content": VALIDISH | TEXT}
                ),
                max_size=3,
            ),
        }
    ),
    st.fixed_dictionaries({"question": TEXT}),
    st.fixed_dictionaries({"question": TEXT, "history": st.lists(TURN, max_size=3)}),
    st.fixed_dictionaries({"question": JSON_VALUE}),
    st.dictionaries(TEXT, JSON_VALUE, max_size=3),
    JSON_VALUE,
)
FEEDBACK_BODY = st.one_of(
    st.fixed_dictionaries(
        {
            "rating": st.sampled_from(["up", "down", "meh", 1]),
            "question": VALIDISH | TEXT,
            "answer": TEXT,
        },
        optional={"comment": TEXT, "refused": JSON_VALUE, "history": st.lists(TURN, max_size=2)},
    ),
    JSON_VALUE,
)
RAW = st.one_of(
    st.binary(max_size=200),
    st.just(b'{"question": "' + b"a" * 1_100_000 + b'"}'),  # over max_body_bytes
    st.just(b"[" * 50_000 + b"]" * 50_000),  # nested past the parser's limit
    st.just(b'{"question": "How many \xff\xfe proposals?"}'),  # not UTF-8
)


# The README's error codes, by status.
ERRORS = {400: "bad_question", 413: "too_large", 422: "invalid_request"}


def encoded(body: object) -> bytes:
    """JSON as a client would send it; a lone surrogate goes as a \\ud800 escape."""
    return json.dumps(body, ensure_ascii=True).encode()


@pytest.fixture(scope="module")
def server(
    built: Settings, pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A real server of its own, its rate limit out of the way of the fuzzing."""
    settings = server_settings(
        built, tmp_path_factory.mktemp("fuzz-data"), rate_limit="100000/minute"
    )
    with LiveServer(settings, pipeline) as live:
        yield live


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def assert_documented(response: httpx.Response, allowed: set[int]) -> None:
    event(f"status {response.status_code}")  # shown by --hypothesis-show-statistics
    assert response.status_code < 500, response.text[:300]
    assert response.status_code in allowed, (response.status_code, response.text[:300])
    if response.status_code != 200:
        body = response.json()
        assert set(body) == {"error", "detail"}, body
        assert body["error"] == ERRORS[response.status_code], body
        assert isinstance(body["detail"], str) and body["detail"]
        assert "Traceback" not in body["detail"] and "/tmp" not in body["detail"]


def assert_still_answers(http: httpx.Client) -> None:
    response = http.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 200 and "20 proposals" in response.json()["answer"]


@FUZZ
@given(body=ASK_BODY | RAW)
def test_ask_never_fails_and_errors_keep_their_shape(http: httpx.Client, body: object) -> None:
    content = body if isinstance(body, bytes) else encoded(body)
    response = http.post("/api/ask", content=content, headers={"Content-Type": "application/json"})
    assert_documented(response, {200, 400, 413, 422})
    if response.status_code == 200:
        answer = response.json()
        assert {"question", "answer", "refused", "citations"} <= set(answer)
        check_question(answer["question"], 2000)  # only questions that pass are answered


@settings(FUZZ, max_examples=60)
@given(body=ASK_BODY | RAW)
def test_stream_never_fails_and_ends_with_answer_or_error(http: httpx.Client, body: object) -> None:
    content = body if isinstance(body, bytes) else encoded(body)
    headers = {"Content-Type": "application/json"}
    with http.stream("POST", "/api/ask/stream", content=content, headers=headers) as response:
        response.read()
    assert_documented(response, {200, 400, 413, 422})
    if response.status_code == 200:
        events = [
            (block.split("\n")[0].removeprefix("event: "), block.split("\ndata: ", 1)[1])
            for block in response.text.strip().split("\n\n")
        ]
        assert events and events[-1][0] in {"answer", "error"}
        assert {kind for kind, _ in events[:-1]} <= {"sentence"}
        for _, data in events:
            json.loads(data)


@settings(FUZZ, max_examples=80)
@given(body=FEEDBACK_BODY | RAW)
def test_feedback_never_fails_and_errors_keep_their_shape(http: httpx.Client, body: object) -> None:
    content = body if isinstance(body, bytes) else encoded(body)
    headers = {"Content-Type": "application/json"}
    response = http.post("/api/feedback", content=content, headers=headers)
    assert_documented(response, {200, 400, 413, 422})


def test_server_answers_correctly_after_the_fuzzing(http: httpx.Client) -> None:
    """Runs after the fuzz tests above (file order): nothing they sent broke the server."""
    assert_still_answers(http)
    assert http.get("/api/health").json()["status"] == "ok"
    assert http.get("/chat/").status_code == 200


@pytest.fixture(scope="module")
def cli_runner(built: Settings, pipeline: Pipeline) -> Iterator[Any]:
    """``orderbot …`` in-process on the built index, with the loaded pipeline reused (a
    fresh process would load the model for every example)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("ORDERBOT_CORPUS_DIR", str(built.corpus_dir))
    patch.setenv("ORDERBOT_INDEX__ROOT", str(built.index.root))
    patch.setenv("ORDERBOT_GENERATION__BACKEND", "extractive")
    patch.setattr(Pipeline, "from_settings", classmethod(lambda cls, s, **kw: pipeline))

    def run(args: list[str], lines: list[str] | None = None) -> tuple[int, str, str]:
        import contextlib
        import io

        feed = iter([*(lines or []), ""])
        patch.setattr("builtins.input", lambda prompt="": next(feed))
        patch.setattr(sys, "argv", ["orderbot", *args])
        out, err = io.StringIO(), io.StringIO()
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main()
            except SystemExit as exc:
                code = int(exc.code or 0)
        return code, out.getvalue(), err.getvalue()

    yield run
    patch.undo()


@settings(FUZZ, max_examples=60)
@given(question=VALIDISH | TEXT)
def test_cli_ask_answers_or_says_why_in_one_line(cli_runner: Any, question: str) -> None:
    code, out, err = cli_runner(["ask", "--json", question])
    try:
        check_question(question, 2000)
    except QuestionError:
        assert code == 1 and out == ""
        assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
        return
    assert code == 0, err
    assert json.loads(out)["question"] == question.strip()


@settings(FUZZ, max_examples=25)
@given(lines=st.lists(TEXT.filter(lambda t: t.strip() and "\n" not in t), min_size=1, max_size=3))
def test_cli_chat_goes_on_after_any_line(cli_runner: Any, lines: list[str]) -> None:
    code, out, err = cli_runner(["chat"], [*lines, QUESTION])
    assert code == 0 and "Traceback" not in err
    assert "20 proposals" in out.rsplit("Sources:", 2)[-2]  # the last question answered


QA_LINE = st.one_of(
    st.fixed_dictionaries(
        {
            "id": TEXT,
            "type": TEXT,
            "question": TEXT,
            "answerable": JSON_VALUE,
        },
        optional={"must_include": JSON_VALUE, "history": st.lists(TURN, max_size=2)},
    ).map(lambda d: json.dumps(d, ensure_ascii=False)),
    TEXT,
)


@settings(FUZZ, max_examples=150)
@given(lines=st.lists(QA_LINE, max_size=6))
def test_qa_loader_keeps_good_lines_and_names_bad_ones(lines: list[str]) -> None:
    good = {"id": "good", "type": "fact", "question": QUESTION, "answerable": True}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "qa.jsonl"
        text = "\n".join([*lines, json.dumps(good)])
        path.write_text(text, "utf-8", errors="surrogatepass")
        problems: list[str] = []
        if any("\ud800" <= c <= "\udfff" for c in text):
            # A lone surrogate written raw is not UTF-8: the file cannot be read at all.
            with pytest.raises(QAError, match="cannot read"):
                load_qa(path, max_question_chars=2000, problems=problems)
            return
        items = load_qa(path, max_question_chars=2000, problems=problems)
    assert "good" in [i.id for i in items]
    for item in items:
        check_question(item.question, 2000)
    assert all(", line " in p for p in problems)


@settings(FUZZ, max_examples=80)
@given(question=VALIDISH | TEXT)
def test_feedback_export_writes_what_the_loader_reads(question: str) -> None:
    from orderbot_web.feedback import Feedback, FeedbackStore, export_qa

    try:
        text = check_question(question, 2000)
    except QuestionError:
        return  # the API refuses it (tested above): it is never stored
    with tempfile.TemporaryDirectory() as folder:
        store = FeedbackStore(Path(folder))
        store.add(Feedback(rating="down", question=text, answer="No."))
        out = Path(folder) / "feedback.jsonl"
        assert export_qa(store, out, max_question_chars=2000).added == 1
        assert [i.question for i in load_qa(out, max_question_chars=2000, strict=True)] == [text]
        store.close()
