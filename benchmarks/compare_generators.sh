#!/usr/bin/env bash
# Score each answer backend on the same evaluation questions, one run each, and print
# the figures side by side (the README's table comes from here). Slow: the models run on
# the CPU. The test split is what is reported (thresholds are fitted on the tune split).
# Usage: benchmarks/compare_generators.sh [SAMPLE] [BACKEND ...]
set -euo pipefail
sample=${1:-147}; shift || true
backends=${*:-extractive local:smollm2-135m local:qwen2.5-coder-0.5b local:qwen2.5-coder-1.5b}
bin=${VENV:-.venv}/bin
out=eval/runs/compare
for backend in $backends; do
  "$bin/orderbot" eval --generator "$backend" --split test --sample "$sample" --no-references \
    --out "$out/${backend//[:\/]/_}" > /dev/null
done
"$bin/python" - "$out" $backends <<'PY'
import json, sys
from pathlib import Path
out, backends = Path(sys.argv[1]), sys.argv[2:]
keys = ["key_fact_recall", "answer_precision", "citation_precision", "citation_recall",
        "refusal_accuracy", "refusal_accuracy_plausible", "false_refusal_rate",
        "first_sentence_p50_ms", "latency_p50_ms", "latency_p95_ms"]
print("| backend | " + " | ".join(keys) + " |")
print("| --- |" + " ---: |" * len(keys))
for b in backends:
    m = json.loads((out / b.replace(":", "_").replace("/", "_") / "metrics.json").read_text())
    cells = [m["overall"].get(k) for k in keys]
    print(f"| {b} | " + " | ".join("–" if c is None else (f"{c:.0f}" if c > 1 else f"{c:.3f}") for c in cells) + " |")
print(f"\n{m['n_questions']} questions of the test split of eval/qa.jsonl")
PY
