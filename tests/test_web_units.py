"""Pieces of the web app without a server: settings, rendering, feedback, redaction."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from orderbot.config import contrast, load_settings
from orderbot.errors import ConfigError
from orderbot.eval import load_qa
from orderbot.models import Answer, Citation, Timings
from orderbot_web.api import redact
from orderbot_web.feedback import Feedback, FeedbackStore, export_qa
from orderbot_web.render import page_html, widget_js


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


def test_branding_settings_are_checked_at_load() -> None:
    server = load_settings().server
    assert server.accent == "#1f5f8b" and server.report_url.startswith("https://")
    with pytest.raises(ConfigError, match=r"contrast of 2\.\d:1"):
        load_settings(server={"accent": "#f97316"})  # white on orange: unreadable
    with pytest.raises(ConfigError, match="is not like '#1f5f8b'"):
        load_settings(server={"accent": "red; background: url(x)"})
    with pytest.raises(ConfigError, match="not an http"):
        load_settings(server={"report_url": "javascript:alert(1)"})
    with pytest.raises(ConfigError, match="favicon"):
        load_settings(server={"favicon": "icon.exe"})
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)


def test_page_html_escapes_branding_and_needs_no_inline_code() -> None:
    server = load_settings(
        server={"title": 'Ask <script>"x"</script>', "organisation": "A & B", "accent": "#123456"}
    ).server
    page = page_html(server, mode="page", documents=["<b>Doc</b>"], max_chars=99)
    assert '<script>"x"' not in page and "Ask &lt;script&gt;&quot;x&quot;" in page
    assert "A &amp; B" in page and 'data-accent="#123456"' in page and "&lt;b&gt;Doc" in page
    assert 'data-max-chars="99"' in page and 'data-mode="page"' in page
    assert "<style" not in page and " style=" not in page
    assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/embed/chat.js">']
    widget = page_html(server, mode="widget", documents=[], max_chars=99)
    assert 'data-mode="widget"' in widget and "no documents yet" in widget
    assert "passages" not in page  # "from 24 passages" told a visitor nothing


def test_widget_script_carries_the_branding() -> None:
    server = load_settings(server={"title": "Site </script>", "accent": "#123456"}).server
    script = widget_js(server)
    assert '{"title": "Site \\u003c/script>", "accent": "#123456"}' in script
    assert "orderbot:defaults" not in script


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
    assert export_qa(store, out).added == 2
    items = load_qa(out)
    assert [i.type for i in items] == ["feedback-up", "feedback-down"]
    assert items[0].answerable and items[0].evidence == [cite.quote]
    assert items[1].answerable and items[1].evidence == []
    rows = list(store.rows())
    assert rows[0][2].comment == "clear"
    assert json.loads(out.read_text().splitlines()[0])["id"] == f"feedback-{up}"


def test_exporting_again_keeps_a_maintainers_edits(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "data")
    first = store.add(Feedback(rating="down", question="Budget?", answer="No."))
    out = tmp_path / "feedback.jsonl"
    assert export_qa(store, out).added == 1
    done = json.loads(out.read_text(encoding="utf-8"))
    done.update(answerable=False, type="plausible_unanswerable", note="checked by hand")
    half_edited = '{"id": "feedback-99", "question": "Half-typed'
    out.write_text(json.dumps(done) + "\n" + half_edited + "\n", encoding="utf-8")
    second = store.add(Feedback(rating="up", question="Seats?", answer="Five."))
    exported = export_qa(store, out)
    assert (exported.added, exported.kept) == (1, 2)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == done and lines[1] == half_edited
    assert json.loads(lines[2])["id"] == f"feedback-{second}" and len(lines) == 3
    assert export_qa(store, out).added == 0 and len(out.read_text().splitlines()) == 3
    assert first < second
    store.close()


def test_an_unreadable_earlier_export_is_left_alone(tmp_path: Path) -> None:
    from orderbot_web.feedback import FeedbackError

    store = FeedbackStore(tmp_path / "data")
    store.add(Feedback(rating="up", question="Q?", answer="A."))
    out = tmp_path / "feedback.jsonl"
    out.write_bytes(b"\xff\xfe not utf-8\n")
    with pytest.raises(FeedbackError, match="left as it is"):
        export_qa(store, out)
    assert out.read_bytes() == b"\xff\xfe not utf-8\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "feedback.jsonl"]
    store.close()
