"""The group of a grouped list a question names (``orderbot.generate.lists.group_named``),
and what quoting makes of it."""

from __future__ import annotations

import pytest

from orderbot.conversation import Turn, standalone_question
from orderbot.generate.lists import enumerations, group_named
from orderbot.pipeline import Pipeline

VARIABLES = (
    "Regulation of Force and Coercion: Variable 1, U.N. Security Council Reform; Variable 2, "
    "Use of Force; Variable 3, Preventing Nuclear War; Variable 4, Economic Coercion and "
    "International Security. Transnational and Planetary Threats: Variable 5, Climate, Peace, "
    "and Security; Variable 6, Artificial Intelligence and Cyber. Regional Flashpoints and "
    "Ordering: Variable 7, Great Power Flashpoints and Regional Ordering."
)
FORCE = VARIABLES.split(" Transnational")[0]


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("What about Use of Force?", "Regulation of Force and Coercion"),
        ("Which variables are covered under Regulation of Force and Coercion?", "Regulation"),
        ("Which variable covers artificial intelligence?", "Transnational and Planetary Threats"),
        ("What is Variable 7 called?", "Regional Flashpoints and Ordering"),
        ("Which variable is about nuclear war?", "Regulation of Force and Coercion"),
        # the whole list asked for, or no group named, or more than one
        ("What are the seven variables of a security order?", None),
        ("List the variables that will shape the future of peace and security.", None),
        ("In what context does the report use the term weaponized interdependence?", None),
        ("Which variable deals with AI?", None),
        ("How do Use of Force and Climate, Peace, and Security differ?", None),
        # a category named, but another category's item asked about: all of it
        ("Why does the Transnational and Planetary Threats category cover nuclear war?", None),
    ],
)
def test_the_group_a_question_names(question: str, group: str | None) -> None:
    found = group_named(VARIABLES, question)
    if group is None:
        assert found is None
    else:
        assert found is not None and found.startswith(group) and found in VARIABLES
        assert found.count(":") == 1  # one group, whole


def test_a_question_about_one_variable_is_answered_by_its_group(pipeline: Pipeline) -> None:
    """Two visitors' "What about the second one?" after the seven variables got all seven
    again; it gets the four of Use of Force's category, and the sentence on them."""
    history = [
        Turn(role="user", content="What are the seven variables?"),
        Turn(role="assistant", content=pipeline.ask("What are the seven variables?").answer),
    ]
    answer = pipeline.ask("What about the second one?", history)
    assert "Variable 2, Use of Force" in answer.answer
    assert "Variable 7" not in answer.answer
    (listed,) = [c for c in answer.citations if c.quote == FORCE]  # the group's own text
    # a list is shown as it is: its colons and semicolons are not the document's
    assert listed.listed and listed.quoted() == FORCE
    assert not any(c.listed for c in answer.citations if c is not listed)


def test_the_last_one_is_the_last_of_the_whole_list() -> None:
    """After an answer that quoted the first group of variables, "And the last one?" means
    the seventh variable, not the fourth."""
    history = [
        Turn(role="user", content="Tell me more about the fourth variable"),
        Turn(role="assistant", content=f"{FORCE} [1]"),
    ]
    asked = standalone_question("And the last one?", history, lists=lambda: enumerations(VARIABLES))
    assert "Great Power Flashpoints and Regional Ordering" in asked
    asked = standalone_question(
        "And the second one?", history, lists=lambda: enumerations(VARIABLES)
    )
    assert "Use of Force" in asked
