"""Acronyms a visitor types for the names the documents spell out."""

from __future__ import annotations

import pytest

from orderbot.acronyms import Glossary, in_words, without_abbreviations
from orderbot.pipeline import Pipeline

TEXT = (
    "Variable 7, Artificial Intelligence and Cyber. The U.N. Security Council met. "
    "The Quincy Institute’s Better Order Project wrote of the “rules-based international "
    "order” (RBIO). Government of the United States, “National Security Strategy.” The "
    "U.S. and the Global North. It is for all of us."
)


@pytest.mark.parametrize(
    ("question", "read_as"),
    [
        ("What about AI?", "What about AI (Artificial Intelligence)?"),
        ("Does the 2022 NSS say so?", "Does the 2022 NSS (National Security Strategy) say so?"),
        ("Who directs the BOP?", "Who directs the BOP (Better Order Project)?"),
        ("Is UNSC reform in it?", "Is UNSC (U.N. Security Council) reform in it?"),
        ("Has the UN endorsed it?", "Has the U.N. endorsed it?"),  # as they write it
        ("How does the US see it?", "How does the U.S. see it?"),
        ("What does the U.N. want?", "What does the U.N. want?"),  # written so
        ("What is the RBIO?", "What is the RBIO?"),  # they write it
        ("What about NATO?", "What about NATO?"),  # no name of theirs fits
        ("Is the QI behind it?", "Is the QI (Quincy Institute) behind it?"),  # no "’s"
        ("What about AI (Artificial Intelligence)?", "What about AI (Artificial Intelligence)?"),
        # Typed in lower case, as visitors do: read in capitals when the documents write
        # it, or spell it out and it is no English word ...
        ("what does rbio stand for", "what does RBIO stand for"),
        ("does the nss say so", "does the NSS (National Security Strategy) say so"),
        ("is unsc reform in it", "is UNSC (U.N. Security Council) reform in it"),
        ("is it an op ed", "is it an op ed"),  # two letters with a vowel: a word
        # ... never a word of theirs ("us"), nor an English word whose capitals fit a
        # name ("qi").
        ("how does the us see it", "how does the us see it"),
        ("is the qi behind it", "is the qi behind it"),
        # ... save "ai", a word lists hold that no one asks about (a visitor's "how many
        # proposals are about climate and ai" was refused as "anything about climate and ai")
        ("what about ai", "what about AI (Artificial Intelligence)"),
    ],
)
def test_an_acronym_is_read_with_the_name_it_stands_for_in_the_documents(
    question: str, read_as: str
) -> None:
    assert Glossary.of([TEXT]).spell_out(question) == read_as


def test_a_question_using_an_acronym_finds_the_passages_that_spell_it_out(
    pipeline: Pipeline,
) -> None:
    """A visitor's "What about AI?" was refused: the documents write "artificial
    intelligence", never "AI", so every word of the question was one they do not use."""
    answer = pipeline.ask("What about AI?")
    assert not answer.refused
    assert "artificial intelligence" in answer.answer.lower()
    assert answer.rewritten_question == "What about AI (Artificial Intelligence)?"
    # Reading it so does not make the documents say what it stands for.
    stands = pipeline.ask("What does AI stand for?")
    assert stands.refused
    assert stands.answer.startswith("The documents do not say what AI stands for")


def test_the_documents_names_are_read_when_the_index_is_loaded(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading every chunk's names takes about 3 s at 10,000 chunks: the first visitor's
    question used to pay it, holding the lock other questions wait on."""

    def read(cls: type[Glossary], texts: object) -> Glossary:
        raise AssertionError("the names were read in a visitor's request")

    monkeypatch.setattr(Glossary, "of", classmethod(read))
    assert not pipeline.ask("What about AI?").refused


def test_an_acronym_they_write_with_stops_is_read_so() -> None:
    """ "Which UN cyber norms…?": the documents write "U.N.", so "UN" was a word they
    never use (weighed as a sign that they do not cover the question) and "US" the "us"
    of "all of us"."""
    from orderbot.generate.evidence import content_terms

    glossary = Glossary.of([TEXT])
    read = glossary.spell_out("Which UN norms does the US back?")
    assert read == "Which U.N. norms does the U.S. back?"
    assert content_terms(read) & content_terms(TEXT) >= content_terms("U.N. U.S.")
    assert (
        glossary.spell_out("Is UNSC reform in it?")
        == "Is UNSC (U.N. Security Council) reform in it?"
    )


def test_an_acronym_spelt_out_reads_as_its_words() -> None:
    glossary = Glossary.of([TEXT])
    spelt = glossary.spell_out("Is UNSC reform in it, and AI?")
    assert in_words(spelt) == "Is U.N. Security Council reform in it, and Artificial Intelligence?"
    assert in_words("What is the RBIO?") == "What is the RBIO?"


@pytest.mark.parametrize(
    ("question", "read_as"),
    [
        (
            "how is the rules based order seen outside the west",
            "how is the rules based order (RBIO) seen outside the west",
        ),
        ("Is the Rules-Based Order fair?", "Is the Rules-Based Order (RBIO) fair?"),
        (
            "what is the rules-based international order",
            "what is the rules-based international order (RBIO)",
        ),
        ("What is the RBIO?", "What is the RBIO?"),  # named by it already
        ("are the rules in order", "are the rules in order"),  # not its words
        ("is the rules order fair", "is the rules order fair"),  # two of them left out
    ],
)
def test_the_words_of_an_acronym_the_documents_define_are_read_with_it(
    question: str, read_as: str
) -> None:
    assert Glossary.of([TEXT]).abbreviate(question) == read_as
    assert without_abbreviations(read_as) == question


def test_a_question_in_the_words_of_an_acronym_finds_its_mentions(pipeline: Pipeline) -> None:
    """Found by the sixth question set: "How is the rules based order often perceived
    outside the West?" got the "Western-favored rules-based international order" and
    Blinken's "rules-based order" sentences; past its definition the documents write
    "RBIO", which the question did not."""
    answer = pipeline.ask("how is the rules based order seen outside the west")
    assert answer.answer.startswith("Outside of the West, however, the RBIO is often seen")
    # Blinken's words are his phrase, not the RBIO's every mention.
    blinken = pipeline.ask("What did Blinken say the alternative to a rules-based order is?")
    assert blinken.rewritten_question is None or "(RBIO)" not in blinken.rewritten_question
    assert "might makes right" in blinken.answer.split("[1]")[0]


def test_a_name_the_documents_never_use_is_missing_beside_an_acronym_added(
    pipeline: Pipeline,
) -> None:
    """The acronym added to the question's words names nothing the visitor asked about."""
    answer = pipeline.ask(
        "What does the report say about how Jeffrey Sachs sees the rules based order?"
    )
    assert answer.refused
