"""Fit the coverage decision on the tuning questions, report it on the test questions.

For every question of the QA file this runs retrieval and builds the evidence exactly as
the pipeline does, computes the coverage signals (``CoverageJudge.features``), fits a
logistic regression (scikit-learn) on the ``tune`` split only, picks the threshold that
refuses the most unanswerable tuning questions while refusing at most ``--max-false``
of the answerable ones, and prints the weights to put in ``CoverageSettings`` with the
figures on both splits. The test split is never used to choose anything.

    .venv/bin/python benchmarks/calibrate_coverage.py [--qa eval/qa.jsonl] [--max-false 0.03]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from orderbot.config import load_settings
from orderbot.conversation import standalone_question
from orderbot.eval.qa import load_qa
from orderbot.generate.coverage import FEATURES
from orderbot.pipeline import Pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qa", type=Path, default=Path("eval/qa.jsonl"))
    parser.add_argument("--max-false", type=float, default=0.03)
    parser.add_argument("--out", type=Path, help="write the features as JSON lines")
    args = parser.parse_args()

    settings = load_settings(generation={"backend": "extractive"})
    pipeline = Pipeline.from_settings(settings)
    judge = pipeline.judge(pipeline.retriever)
    rows = []
    for item in load_qa(args.qa):
        query = standalone_question(item.question, item.history)
        retrieval = pipeline.retriever.retrieve(query)
        evidence = pipeline.evidence(pipeline.retriever, retrieval, judged=True)
        features = judge.features(evidence)
        rows.append(
            {
                "id": item.id,
                "type": item.type,
                "split": item.split or "test",
                "answerable": item.answerable,
                "relevant": retrieval.relevant,
                **features,
            }
        )
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")

    def matrix(split: str) -> tuple[np.ndarray, np.ndarray, list[dict[str, object]]]:
        chosen = [r for r in rows if r["split"] == split]
        x = np.array([[float(r[f]) for f in FEATURES] for r in chosen])  # type: ignore[arg-type]
        y = np.array([1 if r["answerable"] else 0 for r in chosen])
        return x, y, chosen

    x_tune, y_tune, tune = matrix("tune")
    x_test, y_test, test = matrix("test")
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    model.fit(x_tune, y_tune)
    p_tune = model.predict_proba(x_tune)[:, 1]
    p_test = model.predict_proba(x_test)[:, 1]
    # Off-topic questions are stopped by retrieval's floor before coverage is asked.
    p_tune = np.where([r["relevant"] for r in tune], p_tune, 0.0)
    p_test = np.where([r["relevant"] for r in test], p_test, 0.0)

    best = 0.5
    best_refused = -1.0
    for threshold in np.linspace(0.05, 0.95, 91):
        false = float(np.mean(p_tune[y_tune == 1] < threshold))
        refused = float(np.mean(p_tune[y_tune == 0] < threshold))
        if false <= args.max_false and refused > best_refused:
            best, best_refused = float(threshold), refused

    def report(name: str, p: np.ndarray, y: np.ndarray, chosen: list[dict[str, object]]) -> None:
        plausible = np.array([r["type"] == "unanswerable" for r in chosen])
        print(
            f"{name:5s} n={len(y):3d} AUC {roc_auc_score(y, p):.3f}  "
            f"refused (all unanswerable) {np.mean(p[y == 0] < best):.3f}  "
            f"refused (plausible) {np.mean(p[(y == 0) & plausible] < best):.3f}  "
            f"false refusals {np.mean(p[y == 1] < best):.3f}"
        )

    print("weights = {")
    for name, weight in zip(FEATURES, model.coef_[0], strict=True):
        print(f'    "{name}": {weight:.3f},')
    print("}")
    print(f"bias = {model.intercept_[0]:.3f}")
    print(f"threshold = {best:.2f}")
    report("tune", p_tune, y_tune, tune)
    report("test", p_test, y_test, test)


if __name__ == "__main__":
    main()
