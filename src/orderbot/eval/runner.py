"""Run a QA set through the pipeline the chat uses, and score it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from orderbot import __version__
from orderbot.eval import metrics as m
from orderbot.eval.qa import QAItem, file_digest
from orderbot.eval.references import reference_passages
from orderbot.models import Answer
from orderbot.pipeline import Pipeline

Progress = Callable[[int, int], None]
K_VALUES = (1, 3, 5)


class EvalRun(BaseModel):
    """Everything one run produced: per question and aggregated."""

    items: list[QAItem]
    answers: list[Answer]
    metrics: dict[str, object]
    per_question: dict[str, list[float | None]] = Field(default_factory=dict)


def cited_passages(pipeline: Pipeline, answer: Answer) -> list[tuple[int, str]]:
    texts = {c.chunk_id: c.text for c in answer.contexts}
    chunks = pipeline.retriever.chunks
    return [
        (
            c.n,
            texts.get(c.chunk_id) or (chunks[c.chunk_id].text if c.chunk_id in chunks else c.quote),
        )
        for c in answer.citations
    ]


def score(
    items: Sequence[QAItem],
    answers: Sequence[Answer],
    cited: Sequence[Sequence[tuple[int, str]]],
) -> tuple[dict[str, float | None], dict[str, list[float | None]]]:
    answerable = [i.answerable for i in items]
    ranks = [
        m.hit_rank([c.text for c in a.contexts], i.evidence)
        for i, a in zip(items, answers, strict=True)
    ]
    refused = [a.refused for a in answers]
    evidence = [i.evidence for i in items]
    per: dict[str, m.Metric] = {f"hit@{k}": m.hit_at_k(ranks, answerable, k) for k in K_VALUES}
    per["mrr"] = m.mean_reciprocal_rank(ranks, answerable)
    per["key_fact_recall"] = m.key_fact_recall(
        [a.answer for a in answers], [i.must_include for i in items], answerable
    )
    facts = [i.must_include for i in items]
    per["citation_precision"] = m.citation_precision(
        [a.answer for a in answers], cited, evidence, facts
    )
    per["answer_precision"] = m.answer_precision(
        [a.answer for a in answers], refused, evidence, facts, answerable
    )
    per["citation_recall"] = m.citation_recall(cited, evidence, answerable)
    per["refusal_accuracy"] = m.refusal_accuracy(refused, answerable)
    plausible = [a or i.type == "off_topic" for i, a in zip(items, answerable, strict=True)]
    per["refusal_accuracy_plausible"] = m.refusal_accuracy(refused, plausible)
    per["false_refusal_rate"] = m.false_refusal_rate(refused, answerable)
    latencies = [a.timings_ms.total for a in answers]
    passages = [[c.text for c in a.contexts] for a in answers]
    overall: dict[str, float | None] = {k: _round(v.score) for k, v in per.items()}
    overall["passage_words"] = _round(m.mean_words(passages))
    overall["latency_p50_ms"] = _round(m.percentile(latencies, 0.5))
    overall["latency_p95_ms"] = _round(m.percentile(latencies, 0.95))
    return overall, {k: v.per_question for k, v in per.items()}


def retrieval_scores(
    items: Sequence[QAItem], passages: Sequence[Sequence[str]]
) -> dict[str, float | None]:
    answerable = [i.answerable for i in items]
    ranks = [m.hit_rank(p, i.evidence) for i, p in zip(items, passages, strict=True)]
    out = {f"hit@{k}": _round(m.hit_at_k(ranks, answerable, k).score) for k in K_VALUES}
    out["mrr"] = _round(m.mean_reciprocal_rank(ranks, answerable).score)
    out["passage_words"] = _round(m.mean_words(passages))
    return out


def run_eval(
    pipeline: Pipeline,
    items: Sequence[QAItem],
    qa_path: Path,
    *,
    split: str = "all",
    references: bool = True,
    on_progress: Progress | None = None,
) -> EvalRun:
    answers: list[Answer] = []
    first_sentence: list[float] = []
    for done, item in enumerate(items, start=1):
        started = time.perf_counter()
        first: float | None = None
        for event in pipeline.stream(item.question, item.history):
            if event.kind == "sentence" and first is None:
                first = (time.perf_counter() - started) * 1000
            elif event.answer is not None:
                answers.append(event.answer)
        first_sentence.append(first if first is not None else answers[-1].timings_ms.total)
        if on_progress:
            on_progress(done, len(items))
    cited = [cited_passages(pipeline, a) for a in answers]
    overall, per_question = score(items, answers, cited)
    overall["first_sentence_p50_ms"] = _round(m.percentile(first_sentence, 0.5))
    overall["first_sentence_p95_ms"] = _round(m.percentile(first_sentence, 0.95))

    by_type: dict[str, dict[str, float | None]] = {}
    for kind in sorted({i.type for i in items}):
        idx = [n for n, i in enumerate(items) if i.type == kind]
        by_type[kind] = score(
            [items[n] for n in idx], [answers[n] for n in idx], [cited[n] for n in idx]
        )[0]
        by_type[kind]["n"] = len(idx)

    metrics: dict[str, object] = {
        "orderbot_version": __version__,
        "generator": pipeline.generator.name,
        "qa_file": qa_path.name,
        "qa_sha256": file_digest(qa_path),
        "split": split,
        "n_questions": len(items),
        "n_answerable": sum(i.answerable for i in items),
        "overall": overall,
        "by_type": by_type,
    }
    if references:
        # The references search with the stand-alone question orderbot searched with.
        queries = [a.rewritten_question or a.question for a in answers]
        found = reference_passages(pipeline, pipeline.retriever.embedder, queries, max(K_VALUES))
        metrics["references"] = {
            name: retrieval_scores(items, passages) for name, passages in found.items()
        }
    return EvalRun(items=list(items), answers=answers, metrics=metrics, per_question=per_question)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
