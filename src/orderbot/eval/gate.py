"""The release gate: compare a run's metrics with a stored baseline."""

from __future__ import annotations

import json
from pathlib import Path

from orderbot.errors import OrderbotError

# Latency depends on the machine, so it is reported but not gated unless asked for.
# Metrics where lower is better; every other gated metric is better higher.
TIMING = {
    "latency_p50_ms",
    "latency_p95_ms",
    "first_sentence_p50_ms",
    "first_sentence_p95_ms",
}
LOWER_IS_BETTER = {"false_refusal_rate", *TIMING}
# Descriptive figures, never gated.
UNGATED = {"passage_words"}


def load_metrics(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OrderbotError(f"cannot read baseline {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("overall"), dict):
        raise OrderbotError(f"{path} is not a metrics.json file (no 'overall' metrics)")
    return data


def compare(
    current: dict[str, object],
    baseline: dict[str, object],
    *,
    tolerance: float = 0.02,
    latency_tolerance: float | None = None,
) -> list[str]:
    """One line for each metric that fell beyond its tolerance; empty when it held.

    ``tolerance`` is absolute for scores in [0, 1]; ``latency_tolerance``, if given, is a
    relative allowance for latency (0.5: up to 50 % slower).
    """
    now = current["overall"]
    before = baseline["overall"]
    assert isinstance(now, dict) and isinstance(before, dict)
    failures = []
    # What the baseline was measured on: a run on anything else compares nothing.
    for key, default, say in (
        (
            "qa_sha256",
            None,
            "on another QA file (sha256 {old}, now {new}): measure the "
            "baseline again with the new file",
        ),
        ("split", "all", "on the {old!r} questions, this run on {new!r}: compare like with like"),
        (
            "generator",
            None,
            "with the {old!r} backend, this run with {new!r}: pass "
            "--generator {old}, or measure a baseline with {new!r} first (orderbot eval "
            "--generator {new} --out DIR)",
        ),
        (
            "n_questions",
            None,
            "on {old} questions, this run on {new} (--sample?): compare like with like",
        ),
    ):
        old, new = baseline.get(key, default), current.get(key, default)
        if old and new and old != new:
            failures.append("the baseline was measured " + say.format(old=old, new=new))
    if failures:  # the figures below would compare different things
        return failures
    for name, old in before.items():
        new = now.get(name)
        if name in UNGATED:
            continue
        if not isinstance(old, int | float) or not isinstance(new, int | float):
            if isinstance(old, int | float):
                failures.append(f"{name} is missing from this run (baseline {old:.3f})")
            continue
        if name in TIMING:
            if latency_tolerance is not None and new > old * (1 + latency_tolerance):
                failures.append(
                    f"{name} rose from {old:.1f} to {new:.1f} (allowed +{latency_tolerance:.0%})"
                )
            continue
        worse = new - old if name in LOWER_IS_BETTER else old - new
        if worse > tolerance + 1e-9:
            verb = "rose" if name in LOWER_IS_BETTER else "fell"
            failures.append(f"{name} {verb} from {old:.3f} to {new:.3f} (tolerance {tolerance})")
    return failures
