"""Fit and measure coverage's second stage, the local model's yes/no judge, on the tuning
questions; report it on the test questions once, beside the judge off.

For every question this builds the evidence exactly as the pipeline does and records the
first stage's probability, whether its asked-for kind of thing is there (``slot``),
whether the quoting backend finds anything to quote, and the judge's P(Yes) with the
seconds it took (``--cache``: a JSON-lines file; questions already in it, asked with the
same prompt, are not asked again). Then, with no further model calls:

- ``band``: the judge decides the questions whose first-stage probability is in a band
  around the threshold. The band and the judge's threshold are chosen on ``tune`` (most
  unanswerable questions refused while refusing no more answerable ones than the judge
  off does, or ``--max-false``, whichever is more), scored by 5-fold cross-validation on
  ``tune``, then fitted on all of ``tune`` and applied to ``test``.
- ``feature``: the judge's log-odds as one more signal of the logistic model (so every
  question waits for the model), cross-validated and applied the same way.

With ``--tune-only`` the test questions are neither asked nor reported: the way to try a
new prompt without looking at ``test``.

A question counts as refused when the pipeline would refuse it with the quoting backend:
off-topic (retrieval's floor), not ``covered``, or nothing to quote.

    nice -n 10 .venv/bin/python benchmarks/calibrate_judge.py [--qa eval/qa.jsonl] \\
        [--cache eval/runs/judge.jsonl] [--judge local:qwen2.5-coder-1.5b] [--tune-only]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from orderbot.config import load_settings
from orderbot.errors import OrderbotError
from orderbot.eval.qa import load_qa
from orderbot.generate.coverage import FEATURES, asks_judge, covers
from orderbot.generate.factory import make_yes_no_judge, quoting
from orderbot.pipeline import Pipeline

GRID = np.round(np.arange(0.0, 1.0001, 0.02), 2)


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    judge_threshold: float

    def __str__(self) -> str:
        return f"band [{self.low:.2f}, {self.high:.2f}) judge P(Yes) >= {self.judge_threshold:.2f}"


def collect(args: argparse.Namespace) -> list[dict[str, Any]]:
    """One row per question (see the module's text); judge answers read from the cache."""
    settings = load_settings(
        generation={"backend": "extractive"}, coverage={"judge": args.judge, "judge_band": (0, 1)}
    )
    yes_no = make_yes_no_judge(settings.coverage, settings.generation)
    if yes_no is None:
        raise SystemExit(f"judge {args.judge} is not available (is its model installed?)")
    prompt_key = hashlib.sha256(
        json.dumps(
            [args.judge, settings.coverage.judge_prompts.model_dump(), yes_no.sentences]
        ).encode()
    ).hexdigest()[:12]
    cached: dict[str, dict[str, Any]] = {}
    if args.cache.is_file():
        for line in args.cache.read_text("utf-8").splitlines():
            row = json.loads(line)
            if row.get("prompt") == prompt_key:
                cached[row["id"]] = row
    pipeline = Pipeline.from_settings(settings, yes_no=yes_no)
    first = pipeline.judge(pipeline.retriever)
    writer = quoting(settings.generation)
    rows = []
    items = [i for i in load_qa(args.qa) if not args.tune_only or i.split == "tune"]
    for n, item in enumerate(items, 1):
        read = pipeline.read(pipeline.retriever, item.question, item.history)
        retrieval = pipeline.retriever.retrieve(read.query)
        evidence = pipeline.evidence(pipeline.retriever, retrieval, judged=True, asked=read.asked)
        features = first.features(evidence)
        row: dict[str, Any] = {
            "id": item.id,
            "type": item.type,
            "split": item.split or "test",
            "answerable": item.answerable,
            "relevant": retrieval.relevant,
            "p": first.probability(features),
            "quotes": bool(writer.choose(evidence)),
            **features,
        }
        hit = cached.get(item.id)
        if hit is not None:
            row["p_yes"], row["seconds"] = hit["p_yes"], hit["seconds"]
        elif retrieval.relevant and args.cached_only:
            continue
        elif retrieval.relevant:
            t0 = time.perf_counter()
            row["p_yes"] = yes_no.p_yes(evidence)
            row["seconds"] = time.perf_counter() - t0
            with args.cache.open("a", encoding="utf-8") as fh:
                record = {"id": item.id, "prompt": prompt_key, "p_yes": row["p_yes"]}
                fh.write(json.dumps(record | {"seconds": row["seconds"]}) + "\n")
            print(f"{n}/{len(items)} {item.id} P(Yes) {row['p_yes']:.3f} {row['seconds']:.1f} s")
        else:
            row["p_yes"], row["seconds"] = 0.0, 0.0
        rows.append(row)
    pipeline.close()
    return rows


def refused_off(rows: list[dict[str, Any]], threshold: float) -> np.ndarray:
    return np.array(
        [
            not r["relevant"]
            or not (covers(r["p"], r["slot"], threshold, None, 0.5) and r["quotes"])
            for r in rows
        ]
    )


def refused_band(
    rows: list[dict[str, Any]], threshold: float, band: Band
) -> tuple[np.ndarray, np.ndarray]:
    """Refusals with the judge in ``band``, and which questions the judge was asked."""
    refused, asked = [], []
    for r in rows:
        ask = r["relevant"] and asks_judge(r["p"], r["slot"], (band.low, band.high))
        yes = covers(
            r["p"], r["slot"], threshold, r["p_yes"] if ask else None, band.judge_threshold
        )
        refused.append(not r["relevant"] or not (yes and r["quotes"]))
        asked.append(ask)
    return np.array(refused), np.array(asked)


def figures(rows: list[dict[str, Any]], refused: np.ndarray) -> tuple[float, float, float]:
    answerable = np.array([r["answerable"] for r in rows])
    plausible = np.array([r["type"] == "unanswerable" for r in rows])
    return (
        float(np.mean(refused[~answerable])),
        float(np.mean(refused[plausible])),
        float(np.mean(refused[answerable])),
    )


def fit_band(rows: list[dict[str, Any]], threshold: float, max_false: float) -> Band:
    """The band and judge threshold that refuse the most unanswerable questions of ``rows``
    with no more false refusals than the judge off (or ``max_false``); ties: the
    narrowest band (fewest model calls)."""
    answerable = np.array([r["answerable"] for r in rows])
    allowed = max(max_false, float(np.mean(refused_off(rows, threshold)[answerable])))
    best: tuple[float, int] | None = None
    chosen = Band(threshold, threshold, 0.5)
    grid = GRID
    lows, highs = grid[grid <= threshold + 1e-9], grid[grid >= threshold - 1e-9]
    for low, high, jt in itertools.product(lows, highs, GRID):
        band = Band(float(low), float(high), float(jt))
        refused, asked = refused_band(rows, threshold, band)
        if np.mean(refused[answerable]) > allowed + 1e-9:
            continue
        key = (float(np.mean(refused[~answerable])), -int(asked.sum()))
        if best is None or key > best:
            best, chosen = key, band
    return chosen


def feature_matrix(rows: list[dict[str, Any]], with_judge: bool) -> np.ndarray:
    out = []
    for r in rows:
        x = [float(r[f]) for f in FEATURES]
        if with_judge:
            p = min(max(r["p_yes"], 1e-4), 1 - 1e-4)
            x.append(math.log(p / (1 - p)))
        out.append(x)
    return np.array(out)


def fit_feature(
    rows: list[dict[str, Any]], max_false: float, threshold: float
) -> tuple[LogisticRegression, float]:
    x = feature_matrix(rows, True)
    y = np.array([r["answerable"] for r in rows])
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(x, y)
    p = model.predict_proba(x)[:, 1]
    allowed = max(max_false, float(np.mean(refused_off(rows, threshold)[y])))
    best_t, best = 0.5, -1.0
    for t in np.linspace(0.02, 0.98, 49):
        refused = refused_feature(rows, p, float(t))
        if np.mean(refused[y]) <= allowed + 1e-9 and np.mean(refused[~y]) > best:
            best_t, best = float(t), float(np.mean(refused[~y]))
    return model, best_t


def refused_feature(rows: list[dict[str, Any]], p: np.ndarray, t: float) -> np.ndarray:
    return np.array(
        [
            not r["relevant"] or not (pi >= t and r["slot"] > 0 and r["quotes"])
            for r, pi in zip(rows, p, strict=True)
        ]
    )


def cross_validate(
    rows: list[dict[str, Any]], threshold: float, max_false: float
) -> dict[str, np.ndarray]:
    """Out-of-fold refusals on ``rows`` for each variant (5 folds, stratified)."""
    y = np.array([r["answerable"] for r in rows])
    out = {"band": np.zeros(len(rows), bool), "feature": np.zeros(len(rows), bool)}
    asked = np.zeros(len(rows), bool)
    for train, held in StratifiedKFold(5, shuffle=True, random_state=0).split(rows, y):
        fit_rows = [rows[i] for i in train]
        held_rows = [rows[i] for i in held]
        band = fit_band(fit_rows, threshold, max_false)
        refused, was_asked = refused_band(held_rows, threshold, band)
        out["band"][held], asked[held] = refused, was_asked
        model, t = fit_feature(fit_rows, max_false, threshold)
        p = model.predict_proba(feature_matrix(held_rows, True))[:, 1]
        out["feature"][held] = refused_feature(held_rows, p, t)
    out["asked"] = asked
    return out


def line(name: str, rows: list[dict[str, Any]], refused: np.ndarray, asked: int | str) -> str:
    all_, plausible, false = figures(rows, refused)
    return f"| {name} | {all_:.3f} | {plausible:.3f} | {false:.3f} | {asked} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qa", type=Path, default=Path("eval/qa.jsonl"))
    parser.add_argument("--cache", type=Path, default=Path("eval/runs/judge.jsonl"))
    parser.add_argument("--judge", default="local:qwen2.5-coder-1.5b")
    parser.add_argument("--max-false", type=float, default=0.03)
    parser.add_argument("--out", type=Path, help="write the rows (signals, P(Yes)) as JSON lines")
    parser.add_argument(
        "--cached-only", action="store_true", help="leave out questions not in the cache"
    )
    parser.add_argument(
        "--tune-only",
        action="store_true",
        help="ask and report the tuning questions only (to try a prompt without seeing test)",
    )
    args = parser.parse_args()
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    try:
        rows = collect(args)
    except OrderbotError as exc:
        raise SystemExit(f"error: {exc}") from exc
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    threshold = load_settings().coverage.threshold
    tune = [r for r in rows if r["split"] == "tune"]
    test = [r for r in rows if r["split"] == "test"]

    seconds = [r["seconds"] for r in rows if r["relevant"]]
    print(
        f"\njudge {args.judge}: {len(seconds)} questions asked, seconds per question "
        f"p50 {statistics.median(seconds):.2f}, mean {statistics.fmean(seconds):.2f}, "
        f"max {max(seconds):.2f}"
    )
    for name, chosen in (("tune", tune), ("test", test)):
        if not chosen:
            continue
        relevant = [r for r in chosen if r["relevant"]]
        y = [r["answerable"] for r in relevant]
        print(
            f"AUC on {name}: first stage {roc_auc_score(y, [r['p'] for r in relevant]):.3f}, "
            f"judge {roc_auc_score(y, [r['p_yes'] for r in relevant]):.3f}"
        )

    cv = cross_validate(tune, threshold, args.max_false)
    band = fit_band(tune, threshold, args.max_false)
    model, t = fit_feature(tune, args.max_false, threshold)
    print(
        f"\nfitted on tune: {band}; feature: threshold {t:.2f}, judge weight "
        f"{model.coef_[0][-1]:.3f}"
    )
    print("\n| split, variant | refusal (all) | refusal (plausible) | false refusals | judged |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(line("tune, judge off", tune, refused_off(tune, threshold), 0))
    print(line("tune, band (5-fold CV)", tune, cv["band"], int(cv["asked"].sum())))
    print(line("tune, feature (5-fold CV)", tune, cv["feature"], "all"))
    refused, asked = refused_band(tune, threshold, band)
    print(line("tune, band (fitted on tune)", tune, refused, int(asked.sum())))
    if not test:
        return
    print(line("test, judge off", test, refused_off(test, threshold), 0))
    refused, asked = refused_band(test, threshold, band)
    print(line("test, band", test, refused, int(asked.sum())))
    p = model.predict_proba(feature_matrix(test, True))[:, 1]
    print(line("test, feature", test, refused_feature(test, p, t), "all"))
    judged = [
        r["seconds"]
        for r in test
        if r["relevant"] and band.low <= r["p"] < band.high and r["slot"] > 0
    ]
    if judged:
        print(
            f"\ntest, band: {len(judged)} of {len(test)} questions judged, "
            f"{statistics.fmean(judged):.2f} s each on average"
        )


if __name__ == "__main__":
    main()
