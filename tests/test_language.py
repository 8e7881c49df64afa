"""A question in another language is told that orderbot reads English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orderbot.language import other_language
from orderbot.pipeline import Pipeline

QA = Path(__file__).resolve().parents[1] / "eval" / "qa.jsonl"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Quelle est la position du rapport sur la Chine ?", "French"),
        ("¿Cuántas propuestas hay en el informe?", "Spanish"),
        ("Wie viele Vorschläge enthält der Bericht?", "German"),
        ("Что говорится в докладе о России?", "Russian"),
        ("报告对中国说了什么？", "Chinese"),
        ("Co raport mówi o Chinach?", "Polish"),
    ],
)
def test_a_question_in_another_language_is_named(question: str, language: str) -> None:
    assert other_language(question) == language


@pytest.mark.parametrize(
    "question",
    [
        "Quid pro quo in sanctions?",  # Latin at 0.97 among all 97 languages
        "NATO Ukraine Gaza",
        "Blinken Yang Jiechi Wang Yi Anchorage",
        "Détente with Russia and China: what does the report propose?",
        "wat is the rbio",
        "Why?",
    ],
)
def test_english_with_foreign_words_is_english(question: str) -> None:
    assert other_language(question) is None


def test_no_evaluation_question_is_taken_for_another_language() -> None:
    questions = [json.loads(line)["question"] for line in QA.read_text().splitlines() if line]
    assert len(questions) > 200
    assert [q for q in questions if other_language(q)] == []


def test_a_refusal_in_another_language_asks_for_english(pipeline: Pipeline) -> None:
    answer = pipeline.ask("Quelle est la position du rapport sur la Chine ?")
    assert answer.refused and answer.citations == []
    assert answer.answer.startswith("This question seems to be in French")
    assert "please ask it in English" in answer.answer
    assert "do not cover" not in answer.answer  # they may, read in English
    assert answer.coverage is not None and answer.coverage.nearest == []
    # A refusal in English is as before.
    english = pipeline.ask("What is the best recipe for lasagna?")
    assert english.refused and "do not cover" in english.answer


@pytest.mark.parametrize(
    "question",
    [
        "¿Cuáles son las dos crisis que describe el informe?",
        "Quelles sont les deux crises décrites dans le rapport ?",
    ],
)
def test_a_question_in_another_language_is_not_half_answered(
    pipeline: Pipeline, question: str
) -> None:
    """Found by a visitor: these got only the second of the two crises (in English),
    matched by names and cognates; half an answer is worse than asking for English."""
    answer = pipeline.ask(question)
    assert answer.refused and answer.refusal is not None
    assert answer.refusal.reason == "other_language" and answer.citations == []
    assert answer.contexts == []  # nothing was looked up
