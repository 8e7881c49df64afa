"""Pure metric functions. Each returns the overall score and the per-question values it
averaged (``None`` where a question does not count for that metric)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from pydantic import BaseModel

from orderbot.generate.extractive import lexical_overlap

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'"})
_CLAIM = re.compile(r"(.*?)((?:\s*\[\d+\])+)", re.S)


class Metric(BaseModel):
    score: float | None
    per_question: list[float | None]


def normalize(text: str) -> str:
    """Lower case, one kind of quote, dashes and white space folded."""
    text = text.translate(_QUOTES).replace("—", "-").replace("–", "-").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def contains_evidence(passage: str, evidence: Sequence[str]) -> bool:
    norm = normalize(passage)
    return any(normalize(e) in norm for e in evidence if e.strip())


def hit_rank(passages: Sequence[str], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first passage that contains evidence, or None."""
    for rank, passage in enumerate(passages, start=1):
        if contains_evidence(passage, evidence):
            return rank
    return None


def _mean(values: Sequence[float | None]) -> float | None:
    counted = [v for v in values if v is not None]
    return sum(counted) / len(counted) if counted else None


def hit_at_k(ranks: Sequence[int | None], answerable: Sequence[bool], k: int) -> Metric:
    per: list[float | None] = [
        (1.0 if r is not None and r <= k else 0.0) if a else None
        for r, a in zip(ranks, answerable, strict=True)
    ]
    return Metric(score=_mean(per), per_question=per)


def mean_reciprocal_rank(ranks: Sequence[int | None], answerable: Sequence[bool]) -> Metric:
    per: list[float | None] = [
        (1.0 / r if r else 0.0) if a else None for r, a in zip(ranks, answerable, strict=True)
    ]
    return Metric(score=_mean(per), per_question=per)


def key_fact_share(answer: str, must_include: Sequence[Sequence[str]]) -> float | None:
    """Share of groups with at least one alternative in the answer (case-insensitive)."""
    if not must_include:
        return None
    norm = normalize(answer)
    met = sum(any(normalize(alt) in norm for alt in group) for group in must_include)
    return met / len(must_include)


def key_fact_recall(
    answers: Sequence[str], groups: Sequence[Sequence[Sequence[str]]], answerable: Sequence[bool]
) -> Metric:
    per = [
        key_fact_share(ans, g) if a else None
        for ans, g, a in zip(answers, groups, answerable, strict=True)
    ]
    return Metric(score=_mean(per), per_question=per)


def cited_sentences(answer: str) -> dict[int, list[str]]:
    """Citation number -> the answer text segments that its marker follows."""
    found: dict[int, list[str]] = {}
    for m in _CLAIM.finditer(answer):
        claim = m.group(1).strip()
        for n in re.findall(r"\d+", m.group(2)):
            if claim:
                found.setdefault(int(n), []).append(claim)
    return found


def citation_correct(
    passage: str, evidence: Sequence[str], claims: Sequence[str], support: float
) -> bool:
    """A citation is correct when its passage holds evidence or supports what cites it."""
    if contains_evidence(passage, evidence):
        return True
    return any(lexical_overlap(claim, passage) >= support for claim in claims)


def citation_precision(
    answers: Sequence[str],
    cited: Sequence[Sequence[tuple[int, str]]],
    evidence: Sequence[Sequence[str]],
    support: float = 0.6,
) -> Metric:
    """Share of cited passages (``(n, passage text)``) that are correct; per question."""
    per: list[float | None] = []
    for answer, cites, ev in zip(answers, cited, evidence, strict=True):
        if not cites:
            per.append(None)
            continue
        claims = cited_sentences(answer)
        good = sum(citation_correct(text, ev, claims.get(n, []), support) for n, text in cites)
        per.append(good / len(cites))
    return Metric(score=_mean(per), per_question=per)


def citation_recall(
    cited: Sequence[Sequence[tuple[int, str]]],
    evidence: Sequence[Sequence[str]],
    answerable: Sequence[bool],
) -> Metric:
    """Share of answerable questions with at least one cited passage holding evidence."""
    per: list[float | None] = [
        (1.0 if any(contains_evidence(t, ev) for _, t in cites) else 0.0) if a else None
        for cites, ev, a in zip(cited, evidence, answerable, strict=True)
    ]
    return Metric(score=_mean(per), per_question=per)


def refusal_accuracy(refused: Sequence[bool], answerable: Sequence[bool]) -> Metric:
    """Share of unanswerable questions that were refused."""
    per: list[float | None] = [
        (1.0 if r else 0.0) if not a else None for r, a in zip(refused, answerable, strict=True)
    ]
    return Metric(score=_mean(per), per_question=per)


def false_refusal_rate(refused: Sequence[bool], answerable: Sequence[bool]) -> Metric:
    """Share of answerable questions that were refused (lower is better)."""
    per: list[float | None] = [
        (1.0 if r else 0.0) if a else None for r, a in zip(refused, answerable, strict=True)
    ]
    return Metric(score=_mean(per), per_question=per)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile, ``q`` in [0, 1]."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be in [0, 1], got {q}")
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(round(q * len(ordered), 9)))
    return ordered[rank - 1]


def mean_words(passages: Sequence[Sequence[str]]) -> float | None:
    """Mean length in words of the retrieved passages: context for hit@k, since longer
    passages contain evidence more easily."""
    sizes = [len(p.split()) for ps in passages for p in ps]
    return sum(sizes) / len(sizes) if sizes else None
