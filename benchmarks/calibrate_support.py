"""Calibrate the support threshold of the citation check on the evaluation set.

Supported claims: each answerable question's evidence text, checked against the passages
retrieved for it. Unsupported claims: each answerable question's evidence checked against
the passages retrieved for a different, unrelated question, and each unanswerable question
checked against its own passages (what a model inventing an answer would write). Prints
the balanced accuracy by threshold and the best one.

    python benchmarks/calibrate_support.py
"""

from __future__ import annotations

from pathlib import Path

from orderbot.chat import standalone_question
from orderbot.config import load_settings
from orderbot.eval.qa import load_qa
from orderbot.generate.verify import support_scores
from orderbot.pipeline import Pipeline


def main() -> None:
    settings = load_settings(generation={"backend": "extractive"})
    pipeline = Pipeline.from_settings(settings)
    embedder = pipeline.retriever.embedder
    items = load_qa(Path("eval/qa.jsonl"))
    retrieved = {
        i.id: pipeline.retriever.retrieve(standalone_question(i.question, i.history)).results[:4]
        for i in items
    }
    answerable = [i for i in items if i.answerable]
    positives, negatives = [], []
    for n, item in enumerate(answerable):
        claim = item.evidence[0]
        positives.append(max(s for s, _ in support_scores(claim, retrieved[item.id], embedder)))
        other = answerable[(n + len(answerable) // 2) % len(answerable)]
        if not set(other.evidence) & set(item.evidence):
            negatives.append(
                max(s for s, _ in support_scores(claim, retrieved[other.id], embedder))
            )
    for item in items:
        if not item.answerable:
            negatives.append(
                max(s for s, _ in support_scores(item.question, retrieved[item.id], embedder))
            )
    best = (0.0, 0.0)
    print(f"{len(positives)} supported, {len(negatives)} unsupported claims")
    print("threshold  true-positive  true-negative  balanced")
    for step in range(20, 81, 5):
        t = step / 100
        tpr = sum(p >= t for p in positives) / len(positives)
        tnr = sum(n < t for n in negatives) / len(negatives)
        balanced = (tpr + tnr) / 2
        best = max(best, (balanced, t))
        print(f"{t:9.2f}  {tpr:13.3f}  {tnr:13.3f}  {balanced:8.3f}")
    print(
        f"best threshold {best[1]:.2f} (balanced accuracy {best[0]:.3f}); "
        f"setting now {settings.generation.support_threshold}"
    )


if __name__ == "__main__":
    main()
