"""Try retrieval and quoting settings on the tuning questions only, and print the figures
each gives (the test split is never read). Settings that win here go into config.py; the
gate and the README then report the test split with ``orderbot eval``.

    .venv/bin/python benchmarks/tune_answers.py [--qa eval/qa.jsonl]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from orderbot.config import load_settings
from orderbot.eval import metrics as m
from orderbot.eval.qa import load_qa
from orderbot.pipeline import Pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qa", type=Path, default=Path("eval/qa.jsonl"))
    args = parser.parse_args()
    items = [i for i in load_qa(args.qa) if i.split == "tune"]
    answerable = [i.answerable for i in items]
    print(f"{len(items)} tuning questions ({sum(answerable)} answerable)")
    base = load_settings(generation={"backend": "extractive"})
    embedder = Pipeline.from_settings(base).retriever.embedder

    print("\nretrieval: dense_weight bm25_weight rrf_k -> hit@1 hit@5 mrr")
    for dense, bm25, rrf in itertools.product((0.5, 1.0, 1.5), (0.5, 1.0), (20, 60)):
        settings = load_settings(
            generation={"backend": "extractive"},
            retrieval={"dense_weight": dense, "bm25_weight": bm25, "rrf_k": rrf},
        )
        pipeline = Pipeline.from_settings(settings, embedder=embedder)
        ranks = [
            m.hit_rank(
                [r.chunk.text for r in pipeline.retriever.retrieve(_query(pipeline, i)).results],
                i.evidence,
            )
            for i in items
        ]
        print(
            f"  {dense:.1f} {bm25:.1f} {rrf:3d} -> "
            f"{m.hit_at_k(ranks, answerable, 1).score:.3f} "
            f"{m.hit_at_k(ranks, answerable, 5).score:.3f} "
            f"{m.mean_reciprocal_rank(ranks, answerable).score:.3f}"
        )

    print(
        "\nquotes: max_sentences margin min_score -> key_fact_recall answer_precision "
        "refused false_refusals"
    )
    for limit, margin, floor in itertools.product(
        (1, 2, 3), (0.04, 0.08, 0.12), (0.18, 0.22, 0.27, 0.35)
    ):
        settings = load_settings(
            generation={
                "backend": "extractive",
                "max_sentences": limit,
                "quote_margin": margin,
                "min_sentence_score": floor,
            }
        )
        pipeline = Pipeline.from_settings(settings, embedder=embedder)
        answers = [pipeline.ask(i.question, i.history) for i in items]
        texts = [a.answer for a in answers]
        refused = [a.refused for a in answers]
        evidence = [i.evidence for i in items]
        facts = [i.must_include for i in items]
        print(
            f"  {limit} {margin:.2f} {floor:.2f} -> "
            f"{m.key_fact_recall(texts, facts, answerable).score:.3f} "
            f"{m.answer_precision(texts, refused, evidence, facts, answerable).score:.3f} "
            f"{m.refusal_accuracy(refused, answerable).score:.3f} "
            f"{m.false_refusal_rate(refused, answerable).score:.3f}"
        )


def _query(pipeline: Pipeline, item: object) -> str:
    """The question as the pipeline retrieves with it."""
    return pipeline.read(pipeline.retriever, item.question, item.history).query  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
