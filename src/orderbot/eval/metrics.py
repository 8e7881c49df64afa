"""Pure metric functions. Each returns the overall score and the per-question values it
averaged (``None`` where a question does not count for that metric).

The judge never imports what it judges: these functions read answers and the QA file
only, with their own (deliberately plain) word matching, not orderbot's scoring code."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from pydantic import BaseModel

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


_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "by",
        "with",
        "as",
        "at",
        "from",
        "that",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "their",
        "they",
        "he",
        "she",
        "we",
        "our",
        "has",
        "have",
        "had",
        "not",
        "but",
        "which",
        "who",
        "what",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", normalize(text)) if w not in _STOP}


def _segments(answer: str) -> list[tuple[str, list[int]]]:
    """The answer's sentences with the citation numbers each ends with."""
    found = []
    for m in _CLAIM.finditer(answer):
        claim = m.group(1).strip()
        if claim:
            found.append((claim, [int(n) for n in re.findall(r"\d+", m.group(2))]))
    return found


def cited_sentences(answer: str) -> dict[int, list[str]]:
    """Citation number -> the answer text segments that its marker follows."""
    found: dict[int, list[str]] = {}
    for claim, numbers in _segments(answer):
        for n in numbers:
            found.setdefault(n, []).append(claim)
    return found


def key_facts_in(text: str, must_include: Sequence[Sequence[str]]) -> bool:
    norm = normalize(text)
    return any(normalize(alt) in norm for group in must_include for alt in group)


def carries_evidence(sentence: str, evidence: Sequence[str]) -> bool:
    """The sentence quotes (part of) an evidence string: half of the evidence's words, or
    the sentence is inside it."""
    norm = normalize(sentence)
    words = _words(sentence)
    for e in evidence:
        if not e.strip():
            continue
        if normalize(e) in norm or norm.rstrip(".") in normalize(e):
            return True
        wanted = _words(e)
        if wanted and len(wanted & words) / len(wanted) >= 0.5:
            return True
    return False


def citation_correct(
    passage: str,
    evidence: Sequence[str],
    claims: Sequence[str],
    must_include: Sequence[Sequence[str]],
) -> bool:
    """A citation is correct when its passage holds the question's evidence, or when a
    sentence citing it states a key fact that the passage also holds. A citation in an
    answer to a question the documents do not answer (no evidence, no key facts) is never
    correct: it presents a passage as an answer it is not."""
    if contains_evidence(passage, evidence):
        return True
    for claim in claims:
        for group in must_include:
            for alt in group:
                if normalize(alt) in normalize(claim) and normalize(alt) in normalize(passage):
                    return True
    return False


def citation_precision(
    answers: Sequence[str],
    cited: Sequence[Sequence[tuple[int, str]]],
    evidence: Sequence[Sequence[str]],
    must_include: Sequence[Sequence[Sequence[str]]],
) -> Metric:
    """Share of cited passages (``(n, passage text)``) that are correct; per question."""
    per: list[float | None] = []
    for answer, cites, ev, facts in zip(answers, cited, evidence, must_include, strict=True):
        if not cites:
            per.append(None)
            continue
        claims = cited_sentences(answer)
        good = sum(citation_correct(text, ev, claims.get(n, []), facts) for n, text in cites)
        per.append(good / len(cites))
    return Metric(score=_mean(per), per_question=per)


def answer_precision(
    answers: Sequence[str],
    refused: Sequence[bool],
    evidence: Sequence[Sequence[str]],
    must_include: Sequence[Sequence[Sequence[str]]],
    answerable: Sequence[bool],
) -> Metric:
    """Share of an answer's cited sentences that carry a key fact or quote evidence, so
    padding an answer with unrelated quotes scores low; an answer to a question the
    documents do not answer scores 0; refusals do not count."""
    per: list[float | None] = []
    for answer, r, ev, facts, a in zip(
        answers, refused, evidence, must_include, answerable, strict=True
    ):
        if r:
            per.append(None)
            continue
        sentences = [claim for claim, _ in _segments(answer)]
        if not a or not sentences:
            per.append(0.0 if not a else None)
            continue
        good = sum(key_facts_in(s, facts) or carries_evidence(s, ev) for s in sentences)
        per.append(good / len(sentences))
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
