"""A question's typing slips are read as the documents' words, and nothing else is."""

from __future__ import annotations

import pytest

from orderbot.pipeline import Pipeline
from orderbot.spelling import Speller

_SPELLER = Speller.of(
    [
        "The nexus between climate change and security; U.N. Security Council reform.",
        "In the words of Secretary-General António Guterres, into a decentered world.",
        "The report sets out proposals on economic sanctions, to stabilize the order.",
        "Realism is not enough; we should not let sanctions be weaponized.",
    ]
)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("what does it say about climate chnage", "what does it say about climate change"),
        ("secuirty council reform?", "security council reform?"),
        ("What did Guteres say?", "What did Guterres say?"),  # a name keeps its capital
        ("What does the reprot say about sanctoins?", "What does the report say about sanctions?"),
        ("the decentred world", "the decentered world"),
        # a word the documents lack is left as typed: often the sign they do not answer
        ("is there a webinar?", "is there a webinar?"),
        ("what about nato and gaza", "what about nato and gaza"),  # short: "not", "gas"
        ("whats the intro about", "whats the intro about"),  # "into" is too short
        ("Is the report in favour of it?", "Is the report in favour of it?"),  # no near word
        # British spelling: their American word exactly, else as typed ("realise" is not
        # "realism", one letter away)
        ("does it stabilise the order", "does it stabilize the order"),
        ("do they realise it", "do they realise it"),
        ("an English word is kept: climax", "an English word is kept: climax"),
        # in quotation marks, or owning something; a contraction is no slip ("should")
        ("what is 'weaponised' about it?", "what is 'weaponized' about it?"),
        ("Guteres's words", "Guterres's words"),
        ("they shouldn't", "they shouldn't"),
    ],
)
def test_a_slip_is_read_as_the_documents_word(typed: str, read: str) -> None:
    assert _SPELLER.correct(typed) == read


def test_a_question_with_a_slip_is_answered_and_says_how_it_was_read(pipeline: Pipeline) -> None:
    """A visitor's "climate chnage" was refused as a subject the documents lack."""
    answer = pipeline.ask("what does the report say about climate chnage")
    assert not answer.refused, answer.answer
    assert "climate" in answer.answer
    assert answer.rewritten_question == "what does the report say about climate change"


def test_a_name_typed_in_lower_case_that_the_documents_lack_is_named(pipeline: Pipeline) -> None:
    """A visitor's "what does the report say about nato" got the sentence on the package's
    signatories: one unknown word in lower case was not read as a name. A word that is no
    English word is; one that is ("multipolarity" is the documents' "multipolar") is
    still answered."""
    for question, name in (
        ("what does the report say about nato", "nato"),
        ("what about brics?", "brics"),
    ):
        answer = pipeline.ask(question)
        assert answer.refused and answer.coverage is not None, answer.answer
        assert answer.coverage.missing == f"anything with the name “{name}”"
    assert not pipeline.ask("what does the report say about multipolarity").refused
    # an abbreviation that is no name, and an acronym of their names typed in lower case
    assert not pipeline.ask("what does the intl community need to do").refused
    unsc = pipeline.ask("what does the report say about unsc reform")
    assert not unsc.refused and "Security Council" in unsc.answer
