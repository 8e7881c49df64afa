"""Probe: would a second yes/no question, "is the question's assumption wrong?", keep the
coverage judge from refusing false-premise questions ("Why does the report say …?" when
it says the opposite), whose passages correct the premise rather than state an answer?

Reads the rows that ``calibrate_judge.py --out ROWS`` wrote (first-stage signals and the
judge's P(Yes)), asks the judge model the premise question for the questions where it
could change a verdict (first stage in [0.1, 0.7), slot not missing, something to quote,
judge P(Yes) under 0.6), then mixes the two P(Yes) as ``(1 - w) * judge + w * premise``
inside the shipped judge band. The mix's threshold is chosen on ``tune`` (most refusals,
no more false refusals than the judge off) and applied to ``test`` once.

    nice -n 10 .venv/bin/python benchmarks/probe_premise.py ROWS \\
        [--cache eval/runs/premise.jsonl] [--judge local:qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from calibrate_judge import Band, figures, refused_band, refused_off
from sklearn.metrics import roc_auc_score

from orderbot.config import load_settings
from orderbot.eval.qa import load_qa
from orderbot.generate.factory import make_yes_no_judge
from orderbot.pipeline import Pipeline

PROMPT = (
    "Passages:\n{evidence}\n\nQuestion: {question}\n"
    "Is the question based on a false assumption that the passages correct? Answer Yes or No."
)


def probed(row: dict[str, Any]) -> bool:
    return bool(
        row["relevant"]
        and row["quotes"]
        and row["slot"] > 0
        and 0.1 <= row["p"] < 0.7
        and row["p_yes"] < 0.6
    )


def ask(rows: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, float]:
    cache: dict[str, float] = {}
    if args.cache.is_file():
        for line in args.cache.read_text("utf-8").splitlines():
            record = json.loads(line)
            cache[record["id"]] = record["p_yes"]
    wanted = {r["id"] for r in rows if probed(r)} - set(cache)
    if not wanted:
        return cache
    settings = load_settings(
        generation={"backend": "extractive"},
        coverage={"judge": args.judge, "judge_band": (0, 1), "judge_prompts": {"user": PROMPT}},
    )
    judge = make_yes_no_judge(settings.coverage, settings.generation)
    if judge is None:
        raise SystemExit(f"judge {args.judge} is not available (is its model installed?)")
    pipeline = Pipeline.from_settings(settings, yes_no=judge)
    for item in load_qa(args.qa):
        if item.id not in wanted:
            continue
        read = pipeline.read(pipeline.retriever, item.question, item.history)
        retrieval = pipeline.retriever.retrieve(read.query)
        evidence = pipeline.evidence(pipeline.retriever, retrieval, judged=True, asked=read.asked)
        t0 = time.perf_counter()
        cache[item.id] = judge.p_yes(evidence)
        with args.cache.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"id": item.id, "p_yes": cache[item.id]}) + "\n")
        print(f"{item.id} P(Yes) {cache[item.id]:.3f} {time.perf_counter() - t0:.1f} s")
    pipeline.close()
    return cache


def mixed(rows: list[dict[str, Any]], premise: dict[str, float], w: float) -> list[dict[str, Any]]:
    """The rows with the judge's P(Yes) replaced by the mix where the premise was asked."""
    return [
        r | {"p_yes": (1 - w) * r["p_yes"] + w * premise[r["id"]]} if r["id"] in premise else r
        for r in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=Path, help="calibrate_judge.py --out file")
    parser.add_argument("--qa", type=Path, default=Path("eval/qa.jsonl"))
    parser.add_argument("--cache", type=Path, default=Path("eval/runs/premise.jsonl"))
    parser.add_argument("--judge", default="local:qwen2.5-coder-1.5b")
    args = parser.parse_args()
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    rows = [json.loads(line) for line in args.rows.read_text("utf-8").splitlines()]
    premise = ask(rows, args)
    coverage = load_settings().coverage
    threshold, (low, high) = coverage.threshold, coverage.judge_band
    for split in ("tune", "test"):
        asked = [r for r in rows if r["split"] == split and r["id"] in premise]
        y = [r["answerable"] for r in asked]
        print(
            f"{split}: {len(asked)} probed; AUC judge "
            f"{roc_auc_score(y, [r['p_yes'] for r in asked]):.3f}, premise "
            f"{roc_auc_score(y, [premise[r['id']] for r in asked]):.3f}"
        )
    tune = [r for r in rows if r["split"] == "tune"]
    test = [r for r in rows if r["split"] == "test"]
    allowed = figures(tune, refused_off(tune, threshold))[2]
    print("\n| w | threshold | tune: refusal (all / plausible), false | test: the same |")
    print("| ---: | ---: | --- | --- |")
    for w in (0.0, 0.25, 0.5, 0.75, 1.0):
        best: tuple[float, float] | None = None
        for t in np.round(np.arange(0.3, 0.7001, 0.01), 2):
            refused, _ = refused_band(mixed(tune, premise, w), threshold, Band(low, high, t))
            all_, _, false = figures(tune, refused)
            if false <= allowed + 1e-9 and (best is None or all_ > best[1]):
                best = (float(t), all_)
        if best is None:
            continue
        band = Band(low, high, best[0])
        cells = []
        for part in (tune, test):
            refused, _ = refused_band(mixed(part, premise, w), threshold, band)
            cells.append("{:.3f} / {:.3f}, {:.3f}".format(*figures(part, refused)))
        print(f"| {w:.2f} | {best[0]:.2f} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
