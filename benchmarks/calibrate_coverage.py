"""Fit the coverage decision on the tuning questions, report it on the test questions.

For every question of the QA file this runs retrieval and builds the evidence exactly as
the pipeline does, computes the coverage signals (``CoverageJudge.features``), fits a
logistic regression (scikit-learn) on the ``tune`` split only, over the signals and, with
``--interactions``, the products of each pair of them ("similarity*unknown": a rare word
of the question counts for more when the passages are far from it), picks the
threshold that refuses the most unanswerable tuning questions while refusing at most
``--max-false`` of the answerable ones, and prints the weights to put in
``CoverageSettings`` with the figures on both splits. The threshold is read from
out-of-fold probabilities (5-fold cross-validation on ``tune``, five times), since a
model with 45 weights looks better on the questions it was fitted on. The test split is
never used to choose anything.

    .venv/bin/python benchmarks/calibrate_coverage.py [--qa eval/qa.jsonl] [--max-false 0.03]
        [--interactions] [--c 1.0]
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline as Pipeline_
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from orderbot.config import load_settings
from orderbot.eval.qa import load_qa
from orderbot.generate.coverage import FEATURES, signal
from orderbot.pipeline import Pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qa", type=Path, default=Path("eval/qa.jsonl"))
    parser.add_argument("--max-false", type=float, default=0.03)
    parser.add_argument("--out", type=Path, help="write the features as JSON lines")
    parser.add_argument(
        "--interactions",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="also weigh the product of each pair of signals (measured, not kept: README)",
    )
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    args = parser.parse_args()
    names = list(FEATURES)
    if args.interactions:
        names += [f"{a}*{b}" for a, b in itertools.combinations(FEATURES, 2)]

    settings = load_settings(generation={"backend": "extractive"})
    pipeline = Pipeline.from_settings(settings)
    judge = pipeline.judge(pipeline.retriever)
    rows = []
    for item in load_qa(args.qa):
        read = pipeline.read(pipeline.retriever, item.question, item.history)
        retrieval = pipeline.retriever.retrieve(read.query)
        evidence = pipeline.evidence(pipeline.retriever, retrieval, judged=True, asked=read.asked)
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
        values = [{f: float(r[f]) for f in FEATURES} for r in chosen]  # type: ignore[arg-type]
        x = np.array([[signal(v, n) for n in names] for v in values])
        y = np.array([1 if r["answerable"] else 0 for r in chosen])
        return x, y, chosen

    def fit(x: np.ndarray, y: np.ndarray) -> Pipeline_:
        model = make_pipeline(
            StandardScaler(),
            LogisticRegression(C=args.c, max_iter=5000, class_weight="balanced"),
        )
        return model.fit(x, y)

    x_tune, y_tune, tune = matrix("tune")
    x_test, y_test, test = matrix("test")
    model = fit(x_tune, y_tune)
    # Off-topic questions are stopped by retrieval's floor before coverage is asked.
    relevant_tune = np.array([bool(r["relevant"]) for r in tune])
    p_tune = np.where(relevant_tune, model.predict_proba(x_tune)[:, 1], 0.0)
    p_test = model.predict_proba(x_test)[:, 1]
    p_test = np.where([r["relevant"] for r in test], p_test, 0.0)
    held_out = np.zeros(len(y_tune))
    for seed in range(5):
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
        for train, held in folds.split(x_tune, y_tune):
            held_out[held] += fit(x_tune[train], y_tune[train]).predict_proba(x_tune[held])[:, 1]
    held_out = np.where(relevant_tune, held_out / 5, 0.0)

    best = 0.5
    best_refused = -1.0
    for threshold in np.linspace(0.05, 0.95, 91):
        false = float(np.mean(held_out[y_tune == 1] < threshold))
        refused = float(np.mean(held_out[y_tune == 0] < threshold))
        if false <= args.max_false and refused > best_refused:
            best, best_refused = float(threshold), refused
    # The weights on the signals themselves: the scaler folded into them.
    scaler, logistic = model[0], model[-1]
    weights = logistic.coef_[0] / scaler.scale_
    bias = float(logistic.intercept_[0] - np.sum(weights * scaler.mean_))

    def report(name: str, p: np.ndarray, y: np.ndarray, chosen: list[dict[str, object]]) -> None:
        plausible = np.array([r["type"] == "unanswerable" for r in chosen])
        print(
            f"{name:18s} n={len(y):3d} AUC {roc_auc_score(y, p):.3f}  "
            f"refused (all unanswerable) {np.mean(p[y == 0] < best):.3f}  "
            f"refused (plausible) {np.mean(p[(y == 0) & plausible] < best):.3f}  "
            f"false refusals {np.mean(p[y == 1] < best):.3f}"
        )

    print("weights = {")
    for name, weight in zip(names, weights, strict=True):
        print(f'    "{name}": {weight:.3f},')
    print("}")
    print(f"bias = {bias:.3f}")
    print(f"threshold = {best:.2f}")
    report("tune (out of fold)", held_out, y_tune, tune)
    report("tune (fitted)", p_tune, y_tune, tune)
    report("test", p_test, y_test, test)


if __name__ == "__main__":
    main()
