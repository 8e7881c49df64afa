"""Write a run to disk: results.jsonl, metrics.json, report.md, report.html and plots."""

from __future__ import annotations

import json
import re
from pathlib import Path

from markdown_it import MarkdownIt
from matplotlib.figure import Figure  # the object API: no pyplot state, no GUI backend

from orderbot.eval.runner import EvalRun

SCORES = [
    "hit@1",
    "hit@3",
    "hit@5",
    "mrr",
    "key_fact_recall",
    "answer_precision",
    "citation_precision",
    "citation_recall",
    "refusal_accuracy",
    "refusal_accuracy_plausible",
    "false_refusal_rate",
]
PLOTTED = ["hit@5", "key_fact_recall", "citation_recall", "refusal_accuracy"]


def write_run(run: EvalRun, out: Path, worst: int = 10) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    results = out / "results.jsonl"
    with results.open("w", encoding="utf-8") as fh:
        for item, answer in zip(run.items, run.answers, strict=True):
            fh.write(
                json.dumps({"id": item.id, **answer.model_dump(mode="json")}, ensure_ascii=False)
                + "\n"
            )
    metrics = out / "metrics.json"
    metrics.write_text(json.dumps(run.metrics, indent=2, ensure_ascii=False) + "\n", "utf-8")
    plots = [_plot_by_type(run, out / "by_type.png"), _plot_latency(run, out / "latency.png")]
    markdown = render_markdown(run, worst)
    report = out / "report.md"
    report.write_text(markdown, "utf-8")
    html = out / "report.html"
    # Questions and answers may come from visitors (exported feedback): raw HTML in the
    # Markdown is shown as text, and the page may run no script at all.
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    html.write_text(
        "<!doctype html><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src 'self' file: data:; style-src 'unsafe-inline'\">"
        "<title>orderbot evaluation</title>"
        "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;"
        "padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:.2em .5em}img{max-width:100%}</style>" + body,
        "utf-8",
    )
    return [results, metrics, report, html, *plots]


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.0f}"
    return str(value)


_MARKDOWN = re.compile(r"([\\`*_\[\]<>|!~&#])")


def text(value: object) -> str:
    """Untrusted text as one line of literal Markdown: white space (line and paragraph
    separators too) collapsed, markup characters escaped."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(value).split()))


def render_markdown(run: EvalRun, worst: int) -> str:
    m = run.metrics
    overall = m["overall"]
    refs = m.get("references", {})
    assert isinstance(overall, dict) and isinstance(refs, dict)
    lines = [
        "# orderbot evaluation",
        "",
        f"Generator `{m['generator']}`, QA file `{m['qa_file']}` (sha256 {m['qa_sha256']}), "
        f"split `{m.get('split', 'all')}`, "
        f"{m['n_questions']} questions ({m['n_answerable']} answerable), "
        f"orderbot {m['orderbot_version']}.",
        "",
        "## Metrics",
        "",
        "| metric | orderbot | " + " | ".join(refs) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in refs) + " |",
    ]
    timing = ["first_sentence_p50_ms", "first_sentence_p95_ms", "latency_p50_ms", "latency_p95_ms"]
    for name in [*SCORES, "passage_words", *timing]:
        cells = [_fmt(r.get(name)) for r in refs.values()]
        lines.append(f"| {name} | {_fmt(overall.get(name))} | " + " | ".join(cells) + " |")
    if refs:
        lines += [
            "",
            "References retrieve only (no answers): they are scored on hit@k and MRR. "
            "`passage_words` is the mean length of a retrieved passage: longer passages "
            "contain evidence more easily, but give a reader (and a model) more to read.",
            "",
        ]
        behind = [
            f"`{ref}` on {metric}"
            for ref, scores in refs.items()
            for metric in ("hit@5", "mrr")
            if isinstance(scores.get(metric), float)
            and isinstance(overall.get(metric), float)
            and scores[metric] >= overall[metric]
        ]
        lines.append(
            "**orderbot does not beat: " + ", ".join(behind) + ".**"
            if behind
            else "orderbot beats every reference on hit@5 and MRR."
        )

    by_type = m["by_type"]
    assert isinstance(by_type, dict)
    cols = ["n", "hit@5", *SCORES[3:]]
    lines += [
        "",
        "## By question type",
        "",
        "| type | " + " | ".join(cols) + " |",
        "| --- | " + " | ".join("---:" for _ in cols) + " |",
    ]
    for kind, scores in by_type.items():
        lines.append(f"| {text(kind)} | " + " | ".join(_fmt(scores.get(c)) for c in cols) + " |")
    lines += [
        "",
        "![metrics by question type](by_type.png)",
        "",
        "![latency distribution](latency.png)",
        "",
    ]
    lines += _worst(run, worst)
    return "\n".join(lines) + "\n"


def question_score(run: EvalRun, n: int) -> float:
    """One number per question for ranking the worst: the mean of what applies."""
    names = [
        "hit@5",
        "key_fact_recall",
        "citation_recall",
        "refusal_accuracy",
        "citation_precision",
    ]
    values = [run.per_question[k][n] for k in names if k in run.per_question]
    counted = [v for v in values if v is not None]
    refused_wrongly = run.per_question.get("false_refusal_rate", [None] * (n + 1))[n]
    score = sum(counted) / len(counted) if counted else 1.0
    return score - (refused_wrongly or 0.0)


def _worst(run: EvalRun, count: int) -> list[str]:
    order = sorted(range(len(run.items)), key=lambda n: question_score(run, n))[:count]
    lines = [f"## The {len(order)} worst questions", ""]
    for n in order:
        item, answer = run.items[n], run.answers[n]
        expected = " / ".join("|".join(g) for g in item.must_include) or "a refusal"
        lines += [
            f"### {text(item.id)} ({text(item.type)}) — score {question_score(run, n):.2f}",
            "",
            f"**Q:** {text(item.question)}",
            "",
            f"**Expected:** {text(expected)}",
            "",
            f"**Answer{' (refused)' if answer.refused else ''}:** {text(answer.answer)}",
            "",
        ]
        for c in answer.citations:
            lines.append(f"- \\[{c.n}\\] *{text(c.section)}*: “{text(c.quote[:300])}”")
        if not answer.citations:
            top = answer.contexts[0] if answer.contexts else None
            lines.append(
                f"- top passage: *{text(top.section)}*: “{text(top.text[:300])}”"
                if top
                else "- no passage retrieved"
            )
        lines.append("")
    return lines


def _plot_by_type(run: EvalRun, path: Path) -> Path:
    by_type = run.metrics["by_type"]
    assert isinstance(by_type, dict)
    kinds = list(by_type)
    fig = Figure(figsize=(10, 4.5))
    ax = fig.subplots()
    width = 0.8 / len(PLOTTED)
    for j, name in enumerate(PLOTTED):
        values = [by_type[k].get(name) for k in kinds]
        xs = [i + j * width for i in range(len(kinds))]
        ax.bar(xs, [v if v is not None else 0 for v in values], width, label=name)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(kinds))], kinds, rotation=30)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title("Metrics by question type")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=len(PLOTTED))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def _plot_latency(run: EvalRun, path: Path) -> Path:
    totals = [a.timings_ms.total for a in run.answers]
    fig = Figure(figsize=(7, 3.5))
    ax = fig.subplots()
    ax.hist(totals, bins=min(30, max(5, len(totals) // 3)), color="#4a7bb7")
    ax.set_xlabel("answer latency (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Latency distribution")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path
