"""A figure or a year the question takes for granted that the quotes contradict
(``orderbot.generate.premise``): the answer opens by correcting it, cited."""

from __future__ import annotations

import pytest

from orderbot.generate.evidence import figures
from orderbot.generate.premise import claimed
from orderbot.pipeline import Pipeline


def test_the_figures_a_text_gives() -> None:
    (stated,) = claimed("Since the report contains 30 proposals, how are they split?")
    assert (stated.number, stated.qualified) == ("30", False) and "propos" in stated.after
    # Known, qualified, a label or a year: no plain claim.
    for question in (
        "How many of the 20 proposals deal with nuclear weapons?",
        "Did more than 200 experts take part?",
        "What is Variable 3 called?",
        "Why did the project imagine the world of 2030?",
    ):
        assert claimed(question) == [], question
    (groupings,) = figures("competition among two or more groupings")
    assert groupings.qualified  # not an exact figure to correct with


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        (
            "Since the report contains 30 proposals, how are they split among its categories?",
            "The documents say 20 proposals, not 30. [1]",
        ),
        (
            "Is it true that the package has 25 proposals?",
            "The documents say 20 proposals, not 25.",
        ),
        (
            "The report organises its proposals into twelve variables, right? Which of them "
            "deal with nuclear issues?",
            "The documents say seven variables, not twelve.",
        ),
        # the category's sentence corrects it, not the package's 20 proposals
        (
            "Given that the Transnational and Planetary Threats category has twelve proposals, "
            "which is the biggest one?",
            "The documents say five proposals, not twelve.",
        ),
        # a year: one the documents never give, or one they give for something else
        (
            "Why did the project picture the world of 2030 as its starting point?",
            "The documents say 2040, not 2030.",
        ),
        (
            "Why did the Better Order Project participants only meet in 2022?",
            "The documents say 2023 and 2024, not 2022.",
        ),
        # a visitor's; the documents give 2022 for the National Security Strategy only
        ("why did the project meet only in 2022?", "The documents say 2023 and 2024, not 2022."),
        ("What did Blinken tell Chinese officials in 2022?", "The documents say 2021, not 2022."),
        # a visitor's: "the report" is all of it, no part to compare with
        ("the report has 30 proposals, right?", "The documents say 20 proposals, not 30."),
        # a probe's: the tag typed with no comma was read as what the count is of
        ("the report has 25 proposals right?", "The documents say 20 proposals, not 25."),
    ],
)
def test_a_figure_the_quotes_contradict_is_corrected(
    pipeline: Pipeline, question: str, opening: str
) -> None:
    answer = pipeline.ask(question)
    assert answer.answer.startswith(opening)
    first = answer.citations[0]
    figure = opening.split("say ")[1].split(",")[0]
    assert figure in first.quote  # cited to the sentence that gives the figure


@pytest.mark.parametrize(
    "question",
    [
        "Are there 3 categories?",  # right
        "How many of the 20 proposals deal with Security Council reform?",  # known
        "Did more than 200 experts take part in the project?",  # "more than 130": no exact
        "What three groupings will compete in the coming decade?",  # "two or more"
        "How many proposals are there?",  # no figure asked about
        "What did Blinken tell Chinese officials in 2021?",  # the right year
        # 2040 is the scenario's year, though the quoted sentences give 2023 and 2024
        "In the 2040 scenario the project used, how did the experts shape the proposals?",
    ],
)
def test_no_correction_without_a_contradiction(pipeline: Pipeline, question: str) -> None:
    assert not pipeline.ask(question).answer.startswith("The documents say")


def test_a_numbered_item_typed_in_lower_case_counts_nothing() -> None:
    """A visitor's "what's variable 2 || how many proposals for it" was read as "what's
    variable 2? how many proposals for it", and its "2" as a count of proposals, which the
    package's 20 "corrected": "The documents say 20 proposals, not 2.". A number names
    the item before it however typed, and counts nothing past the end of its question."""
    assert figures("what's variable 2? how many proposals for it") == []
    assert [f.after for f in figures("they made 3? proposals")] == [()]
    assert [f.number for f in figures("the report has 30 proposals, right?")] == ["30"]
