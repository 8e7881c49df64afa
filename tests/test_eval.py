"""`orderbot eval` end to end, the QA-file contract, and the committed QA set."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from orderbot.config import Settings
from orderbot.eval.qa import QAError, load_qa
from tests.cli import run_cli as run
from tests.cli import use
from tests.conftest import CORPUS, ROOT

QA_SET = ROOT / "eval" / "qa.jsonl"

SMALL = [
    {
        "id": "f1",
        "type": "fact",
        "question": "How many proposals are in the package?",
        "answerable": True,
        "must_include": [["20", "twenty"]],
        "evidence": ["this package of reforms contains 20 proposals"],
    },
    {
        "id": "n1",
        "type": "footnote",
        "question": "In which journal did Dugard write?",
        "answerable": True,
        "must_include": [["Leiden Journal"]],
        "evidence": ["Leiden Journal of International Law"],
    },
    {
        "id": "u1",
        "type": "follow_up",
        "question": "And which variable covers AI?",
        "answerable": True,
        "must_include": [["Artificial Intelligence"]],
        "evidence": ["Artificial Intelligence and Cyber"],
        "history": [
            {"role": "user", "content": "What are the seven variables of the package?"},
            {"role": "assistant", "content": "They are ..."},
        ],
    },
    {
        "id": "o1",
        "type": "unanswerable",
        "question": "What is a good banana bread recipe?",
        "answerable": False,
        "must_include": [],
        "evidence": [],
    },
]


def write_qa(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


@pytest.mark.slow
def test_eval_writes_its_files_and_gates(
    built: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use(monkeypatch, built)
    qa = write_qa(tmp_path / "small.jsonl", SMALL)
    out = tmp_path / "run"
    code, stdout, err = run(
        capsys, monkeypatch, "eval", "--qa", str(qa), "--out", str(out), "--generator", "extractive"
    )
    assert code == 0, err
    assert "key_fact_recall" in stdout
    names = {p.name for p in out.iterdir()}
    assert names == {
        "results.jsonl",
        "metrics.json",
        "report.md",
        "report.html",
        "by_type.png",
        "latency.png",
    }

    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in results] == ["f1", "n1", "u1", "o1"]
    assert {"question", "answer", "refused", "citations", "contexts"} <= set(results[0])
    assert results[3]["refused"] is True

    metrics = json.loads((out / "metrics.json").read_text())
    overall = metrics["overall"]
    assert overall["hit@5"] == 1.0  # the evidence-bearing questions
    assert overall["refusal_accuracy"] == 1.0
    assert set(metrics["by_type"]) == {"fact", "footnote", "follow_up", "unanswerable"}
    assert set(metrics["references"]) == {"llamaindex_default", "bm25", "dense"}
    report = (out / "report.md").read_text()
    assert "| mrr |" in report and "worst questions" in report and "by_type.png" in report
    assert (out / "by_type.png").read_bytes()[:4] == b"\x89PNG"

    # The same run as its own baseline passes; a made-up better baseline fails.
    base = tmp_path / "baseline.json"
    gate_args = [
        "eval",
        "--qa",
        str(qa),
        "--out",
        str(out),
        "--baseline",
        str(base),
        "--no-references",
    ]
    base.write_text(json.dumps(metrics))
    code, _, err = run(capsys, monkeypatch, *gate_args)
    assert code == 0, err
    assert "gate passed" in err
    assert overall["mrr"] < 0.95 and overall["false_refusal_rate"] == 0.0
    better = {**metrics, "overall": {**overall, "mrr": 1.0, "citation_precision": 1.5}}
    base.write_text(json.dumps(better))
    code, _, err = run(capsys, monkeypatch, *gate_args)
    assert code == 1
    assert "regression: mrr fell" in err
    assert "regression: citation_precision fell" in err
    assert err.count("regression:") == 2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2"),
        ('{"id": "x", "type": "fact", "question": "q"}', "answerable: Field required"),
        (
            '{"id": "x", "type": "f", "question": "q", "answerable": true, "extra": 1}',
            "extra: Extra inputs",
        ),
    ],
)
def test_bad_qa_file_names_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text(json.dumps(SMALL[0]) + "\n" + line + "\n", "utf-8")
    with pytest.raises(QAError, match=message):
        load_qa(path, strict=True)
    problems: list[str] = []
    assert len(load_qa(path, problems=problems)) == 1  # the good line is kept
    assert len(problems) == 1 and "line 2" in problems[0] and message in problems[0]


def test_duplicate_ids_rejected(tmp_path: Path) -> None:
    path = write_qa(tmp_path / "qa.jsonl", [SMALL[0], SMALL[0]])
    with pytest.raises(QAError, match="appears twice"):
        load_qa(path, strict=True)


def test_committed_qa_set_is_sound() -> None:
    items = load_qa(QA_SET, strict=True)
    corpus = "\n".join(p.read_text("utf-8") for p in CORPUS.rglob("*.txt"))
    assert len(items) >= 80
    kinds = Counter(i.type for i in items)
    assert kinds["unanswerable"] >= 15
    assert {
        "fact",
        "list",
        "definition",
        "reasoning",
        "footnote",
        "false_premise",
        "paraphrase",
        "follow_up",
    } <= set(kinds)
    for item in items:
        assert item.answerable == bool(item.evidence), item.id
        for evidence in item.evidence:
            assert evidence in corpus, (item.id, evidence)
        if item.type == "follow_up":
            assert item.history, item.id
