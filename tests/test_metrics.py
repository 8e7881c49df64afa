"""The metric functions on hand-made cases where the right score is known."""

from __future__ import annotations

import pytest

from orderbot.eval import compare
from orderbot.eval import metrics as m


def test_normalize_folds_quotes_dashes_space() -> None:
    assert m.normalize("The “Rules”\n  — and ‘law’") == "the \"rules\" - and 'law'"


def test_hit_rank_uses_normalized_evidence() -> None:
    passages = ["nothing here", "It said “might makes right”   and more"]
    assert m.hit_rank(passages, ['said "might makes right" and']) == 2
    assert m.hit_rank(passages, ["absent"]) is None
    assert m.hit_rank(passages, []) is None


def test_hit_at_k_and_mrr_skip_unanswerable() -> None:
    ranks = [1, 3, None, 2]
    answerable = [True, True, True, False]
    assert m.hit_at_k(ranks, answerable, 1).score == pytest.approx(1 / 3)
    assert m.hit_at_k(ranks, answerable, 3).score == pytest.approx(2 / 3)
    mrr = m.mean_reciprocal_rank(ranks, answerable)
    assert mrr.score == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert mrr.per_question == [1.0, pytest.approx(1 / 3), 0.0, None]


def test_key_fact_groups_and_alternatives() -> None:
    groups = [["20", "twenty"], ["seven variables", "7 variables"]]
    assert m.key_fact_share("It has Twenty proposals.", groups) == 0.5
    assert m.key_fact_share("20 proposals, seven  variables", groups) == 1.0
    assert m.key_fact_share("anything", []) is None
    recall = m.key_fact_recall(["20", "no"], [groups, groups], [True, True])
    assert recall.score == pytest.approx(0.25)


def test_cited_sentences_pairs_claims_with_markers() -> None:
    answer = "First claim. [1] Second claim. [2][3] Third. [1]"
    assert m.cited_sentences(answer) == {
        1: ["First claim.", "Third."],
        2: ["Second claim."],
        3: ["Second claim."],
    }


def test_citation_precision_evidence_or_a_shared_key_fact() -> None:
    answer = "The package has 20 proposals. [1] Cats purr loudly. [2]"
    cited = [[(1, "this package contains 20 proposals in all"), (2, "the RBIO is contested")]]
    facts = [[["20"]]]
    precision = m.citation_precision([answer], cited, [["contains 20 proposals"]], facts)
    assert precision.score == 0.5
    key_fact = m.citation_precision(
        ["There are 20 proposals. [1]"], [[(1, "twenty... 20 proposals")]], [["zzz"]], facts
    )
    assert key_fact.score == 1.0
    # A passage that merely says what the sentence says is not enough: a quote always
    # "supports" itself. An answer to a question nothing answers cites wrongly.
    quoted = m.citation_precision(
        ["The RBIO is contested. [1]"], [[(1, "The RBIO is contested.")]], [[]], [[]]
    )
    assert quoted.score == 0.0
    none = m.citation_precision(["No citations."], [[]], [["x"]], [[]])
    assert none.score is None and none.per_question == [None]


def test_answer_precision_counts_sentences_that_carry_the_answer() -> None:
    answers = [
        "The package has 20 proposals. [1] Cats purr loudly. [2]",
        "It quotes something unrelated. [1]",
        "Refused.",
    ]
    score = m.answer_precision(
        answers,
        refused=[False, False, True],
        evidence=[["contains 20 proposals"], [], []],
        must_include=[[["20"]], [], []],
        answerable=[True, False, False],
    )
    assert score.per_question == [0.5, 0.0, None]


def test_citation_recall_needs_evidence_in_a_cited_passage() -> None:
    cited = [[(1, "has evidence here")], [(1, "unrelated")], []]
    recall = m.citation_recall(cited, [["evidence"], ["evidence"], []], [True, True, False])
    assert recall.score == 0.5


def test_refusal_metrics() -> None:
    refused = [True, False, True, False]
    answerable = [False, False, True, True]
    assert m.refusal_accuracy(refused, answerable).score == 0.5
    assert m.false_refusal_rate(refused, answerable).score == 0.5


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert m.percentile(values, 0.5) == 10.0
    assert m.percentile(values, 0.95) == 19.0
    assert m.percentile([], 0.5) is None
    with pytest.raises(ValueError, match="q must be"):
        m.percentile(values, 1.5)


def test_gate_names_each_fallen_metric() -> None:
    baseline = {
        "overall": {
            "mrr": 0.8,
            "false_refusal_rate": 0.05,
            "latency_p50_ms": 100.0,
            "passage_words": 90.0,
            "hit@5": 0.9,
        }
    }
    same = {"overall": dict(baseline["overall"])}
    assert compare(same, baseline) == []
    worse = {
        "overall": {
            "mrr": 0.7,
            "false_refusal_rate": 0.2,
            "latency_p50_ms": 900.0,
            "passage_words": 10.0,
            "hit@5": 0.89,
        }
    }
    failures = compare(worse, baseline, tolerance=0.02)
    assert len(failures) == 2
    assert failures[0].startswith("mrr fell from 0.800 to 0.700")
    assert failures[1].startswith("false_refusal_rate rose")
    timed = compare(worse, baseline, latency_tolerance=0.5)
    assert any(f.startswith("latency_p50_ms rose") for f in timed)
    missing = compare({"overall": {}}, {"overall": {"mrr": 0.5}})
    assert missing == ["mrr is missing from this run (baseline 0.500)"]


def test_gate_refuses_a_baseline_from_another_qa_file() -> None:
    failures = compare({"qa_sha256": "b", "overall": {}}, {"qa_sha256": "a", "overall": {}})
    assert failures and "another QA file" in failures[0]


def test_gate_refuses_a_baseline_of_another_backend_or_sample() -> None:
    baseline = {"generator": "extractive", "n_questions": 147, "overall": {"mrr": 0.8}}
    model = {"generator": "local:qwen2.5-coder-0.5b", "n_questions": 147, "overall": {"mrr": 0.8}}
    failures = compare(model, baseline)
    assert len(failures) == 1 and "pass --generator extractive" in failures[0]
    sampled = {"generator": "extractive", "n_questions": 5, "overall": {"mrr": 0.3}}
    assert compare(sampled, baseline) == [
        "the baseline was measured on 147 questions, this run on 5 (--sample?): compare like "
        "with like"
    ]  # not also "mrr fell from 0.800 to 0.300": the figures compare different things
