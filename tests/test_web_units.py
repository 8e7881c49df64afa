"""Pieces of the web app without a server: settings, rendering, feedback, redaction."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from orderbot.config import load_settings
from orderbot.errors import ConfigError
from orderbot.eval import load_qa
from orderbot.models import Answer, Citation, Timings
from orderbot_web.api import redact
from orderbot_web.feedback import Feedback, FeedbackStore, export_qa
from orderbot_web.render import answer_html, escape


def make_answer(**changes: object) -> Answer:
    cite = Citation(
        n=1,
        chunk_id="c1",
        document="Doc",
        section="Intro <b>",
        quote='a <img src=x onerror="x()">',
        url="https://example.org/source",
    )
    values: dict[str, object] = {
        "question": "q?",
        "answer": "First sentence [1]. Second sentence.",
        "refused": False,
        "citations": [cite],
        "contexts": [],
        "generator": "extractive",
        "timings_ms": Timings(retrieve=1, generate=1, total=2),
        **changes,
    }
    return Answer.model_validate(values)


def test_server_settings_defaults_and_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.server.host == "127.0.0.1" and settings.server.allowed_origins == []
    monkeypatch.setenv("ORDERBOT_SERVER__ALLOWED_ORIGINS", '["https://site.example"]')
    monkeypatch.setenv("ORDERBOT_SERVER__CONCURRENCY_LIMIT", "8")
    settings = load_settings()
    assert settings.server.allowed_origins == ["https://site.example"]
    assert settings.server.concurrency_limit == 8
    with pytest.raises(ConfigError, match=re.escape("allowed origin 'https://site.example/page'")):
        load_settings(server={"allowed_origins": ["https://site.example/page"]})
    with pytest.raises(ConfigError, match="'\\*'"):
        load_settings(server={"allowed_origins": ["*"]})
    with pytest.raises(ConfigError, match="rate limit 'lots'"):
        load_settings(server={"rate_limit": "lots"})


def test_answer_html_escapes_and_links() -> None:
    page = answer_html(make_answer(unsupported=["Second sentence."]))
    assert "<img" not in page and "&lt;img" in page and "Intro &lt;b&gt;" in page
    assert 'class="cite" href="#source-1"' in page
    assert '<mark class="unsupported"' in page and "Second sentence." in page
    assert 'href="https://example.org/source"' in page and 'rel="noopener noreferrer"' in page


def test_answer_html_drops_links_that_are_not_web_addresses() -> None:
    answer = make_answer()
    answer.citations[0].url = "javascript:alert(1)"
    assert "javascript:" not in answer_html(answer).split("</blockquote>")[1]


def test_refusal_is_plain() -> None:
    page = answer_html(make_answer(refused=True, answer="The documents do not cover it."))
    assert "Not covered." in page and "do not cover" in page and "sources" not in page


def test_escape_neutralises_markdown_and_html() -> None:
    assert escape("<script>a_b*</script>") == "&lt;script&gt;a\\_b\\*&lt;/script&gt;"


def test_redact_keeps_the_question_not_the_person() -> None:
    text = redact("Call +1 (202) 555-0143 or mail ann@example.org, see https://x.org/a  now")
    assert text == "Call [number] or mail [email] see [url] now"


def test_feedback_exports_as_a_qa_file(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "data")
    cite = make_answer().citations[0]
    up = store.add(Feedback(rating="up", question="Good?", answer="Yes [1].", citations=[cite]))
    store.comment(up, "  clear  ")
    store.add(Feedback(rating="down", question="Refused?", answer="No.", refused=True))
    out = tmp_path / "feedback.jsonl"
    assert export_qa(store, out) == 2
    items = load_qa(out)
    assert [i.type for i in items] == ["feedback-up", "feedback-down"]
    assert items[0].answerable and items[0].evidence == [cite.quote]
    assert items[1].answerable and items[1].evidence == []
    rows = list(store.rows())
    assert rows[0][2].comment == "clear"
    assert json.loads(out.read_text().splitlines()[0])["id"] == f"feedback-{up}"
