#!/usr/bin/env python3
"""Check the evaluation question set (eval/qa.jsonl) against the corpus.

Usage: python3 eval/check_qa.py [QA_FILE] [--corpus DIR]

Standard library only. Exits 1 and lists every problem (with its line number) when an
item is malformed; prints warnings that do not fail the check. See eval/README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSWERABLE_TYPES = {
    "fact",
    "list",
    "definition",
    "reasoning",
    "footnote",
    "false_premise",
    "paraphrase",
    "follow_up",
}
REFUSAL_TYPES = {"unanswerable", "off_topic"}
REQUIRED = {"id", "type", "question", "answerable", "must_include", "evidence", "split"}
OPTIONAL = {"history"}
SPLITS = {"tune", "test"}

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)


def normalise(text: str) -> str:
    """Fold curly quotes and dashes to ASCII, collapse whitespace, lower-case."""
    text = unicodedata.normalize("NFC", text).translate(_FOLD)
    return re.sub(r"\s+", " ", text).strip().casefold()


def load_corpus(folder: Path) -> tuple[str, str]:
    """Return (raw, normalised) text of every UTF-8 file under folder."""
    texts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            texts.append(path.read_text("utf-8"))
        except UnicodeDecodeError:
            print(f"note: {path} is not UTF-8 text; skipped", file=sys.stderr)
    if not texts:
        raise SystemExit(f"error: no text files under {folder}")
    raw = "\n\n".join(texts)
    return raw, normalise(raw)


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def check_item(item: dict[str, object], raw: str, corpus: str) -> tuple[list[str], list[str]]:
    """Return (errors, warnings) for one parsed item."""
    errors: list[str] = []
    warnings: list[str] = []
    missing = REQUIRED - item.keys()
    unknown = item.keys() - REQUIRED - OPTIONAL
    if missing:
        errors.append(f"missing field(s): {', '.join(sorted(missing))}")
    if unknown:
        errors.append(f"unknown field(s): {', '.join(sorted(unknown))}")
    if missing:
        return errors, warnings

    kind, answerable = item["type"], item["answerable"]
    if not isinstance(item["id"], str) or not item["id"].strip():
        errors.append("id must be a non-empty string")
    if not isinstance(item["question"], str) or not item["question"].strip():
        errors.append("question must be a non-empty string")
    if kind not in ANSWERABLE_TYPES | REFUSAL_TYPES:
        known = ", ".join(sorted(ANSWERABLE_TYPES | REFUSAL_TYPES))
        errors.append(f"unknown type {kind!r} (known: {known})")
    if not isinstance(answerable, bool):
        errors.append("answerable must be true or false")
    elif kind in REFUSAL_TYPES and answerable:
        errors.append(f"type {kind} must have answerable: false")
    elif kind in ANSWERABLE_TYPES and not answerable:
        errors.append(f"type {kind} must have answerable: true")
    if item["split"] not in SPLITS:
        errors.append(f"split must be one of {sorted(SPLITS)}, not {item['split']!r}")

    groups, evidence = item["must_include"], item["evidence"]
    if not isinstance(groups, list) or not all(_is_str_list(g) and g for g in groups):
        errors.append("must_include must be a list of non-empty lists of non-empty strings")
        groups = []
    if not _is_str_list(evidence):
        errors.append("evidence must be a list of non-empty strings")
        evidence = []
    assert isinstance(groups, list) and isinstance(evidence, list)

    if answerable is False and (groups or evidence):
        errors.append("an unanswerable item has must_include [] and evidence []")
    if answerable is True:
        if not groups:
            errors.append("an answerable item needs at least one must_include group")
        if not evidence:
            errors.append("an answerable item needs at least one evidence string")

    for span in evidence:
        if normalise(span) not in corpus:
            errors.append(f"evidence not found in the corpus: {span!r}")
        elif span not in raw:
            warnings.append(f"evidence found only after normalisation: {span!r}")

    for group in groups:
        found = [alt for alt in group if normalise(alt) in corpus]
        if not found:
            message = f"no alternative of must_include group {group} occurs in the corpus"
            # A false premise's correction may be worded differently from the text.
            (warnings if kind == "false_premise" else errors).append(message)
        for alt in group:
            if alt not in found and found:
                warnings.append(
                    f"alternative {alt!r} not in the corpus (group met by {found[0]!r})"
                )

    history = item.get("history")
    if history is not None:
        ok = (
            isinstance(history, list)
            and history
            and all(
                isinstance(turn, dict)
                and set(turn) == {"role", "content"}
                and turn["role"] in {"user", "assistant"}
                and isinstance(turn["content"], str)
                and turn["content"].strip()
                for turn in history
            )
        )
        if not ok:
            errors.append('history must be a non-empty list of {"role": user|assistant, "content"}')
    if kind == "follow_up" and not history:
        errors.append("a follow_up item needs a history")
    return errors, warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qa", nargs="?", type=Path, default=ROOT / "eval" / "qa.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print warnings")
    args = parser.parse_args(argv)

    raw, corpus = load_corpus(args.corpus)
    errors: list[str] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for number, line in enumerate(args.qa.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {number}: not JSON ({exc.msg})")
            continue
        if not isinstance(item, dict):
            errors.append(f"line {number}: not a JSON object")
            continue
        label = f"line {number} ({item.get('id', '?')})"
        item_errors, item_warnings = check_item(item, raw, corpus)
        errors += [f"{label}: {e}" for e in item_errors]
        warnings += [f"{label}: {w}" for w in item_warnings]
        item_id = item.get("id")
        if isinstance(item_id, str):
            if item_id in seen:
                errors.append(f"{label}: id also on line {seen[item_id]}")
            seen.setdefault(item_id, number)
        counts[(str(item.get("type")), str(item.get("split")))] += 1

    for kind in sorted({k for k, _ in counts}):
        tune, test = counts[(kind, "tune")], counts[(kind, "test")]
        if abs(tune - test) > 1:
            warnings.append(f"type {kind}: split unbalanced ({tune} tune, {test} test)")

    if not args.quiet:
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    width = max((len(k) for k, _ in counts), default=4)
    print(f"{'type':<{width}}  tune  test  total")
    for kind in sorted({k for k, _ in counts}):
        tune, test = counts[(kind, "tune")], counts[(kind, "test")]
        print(f"{kind:<{width}}  {tune:>4}  {test:>4}  {tune + test:>5}")
    total_tune = sum(v for (_, s), v in counts.items() if s == "tune")
    total_test = sum(v for (_, s), v in counts.items() if s == "test")
    print(f"{'all':<{width}}  {total_tune:>4}  {total_test:>4}  {total_tune + total_test:>5}")
    status = "FAILED" if errors else "ok"
    print(f"{args.qa}: {len(seen)} items, {len(errors)} errors, {len(warnings)} warnings: {status}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
