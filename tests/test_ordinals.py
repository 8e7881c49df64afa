"""What "the second one" points at: the lists an answer holds, and the ordinal a question
names (``orderbot.ordinals``)."""

from __future__ import annotations

import pytest

from orderbot.conversation import Turn, is_follow_up, standalone_question
from orderbot.generate.lists import enumerations
from orderbot.ordinals import counts, noun_key, reference

VARIABLES = (
    "More specifically, this package of reforms contains 20 proposals … seven variables. [1] "
    "Regulation of Force and Coercion: Variable 1, U.N. Security Council Reform; Variable 2, "
    "Use of Force; Variable 3, Preventing Nuclear War; Variable 4, Economic Coercion and "
    "International Security. Transnational and Planetary Threats: Variable 5, Climate, Peace, "
    "and Security; Variable 6, Artificial Intelligence and Cyber. Regional Flashpoints and "
    "Ordering: Variable 7, Great Power Flashpoints and Regional Ordering. [2]"
)
CRISES = (
    "The world is moving toward two major crises. [1] First, the global power balance has "
    "shifted rapidly. [1] Second, the world faces a new set of interconnected crises. [2]"
)


def test_the_lists_an_answer_holds() -> None:
    labelled, groups = enumerations(VARIABLES)
    assert labelled.kind == "labelled" and labelled.label == "variable"
    assert labelled.items[1] == "Use of Force" and len(labelled.items) == 7
    assert labelled.items[4] == "Climate, Peace, and Security"  # commas inside an item
    assert labelled.items[0] == "U.N. Security Council Reform"  # full stops inside an item
    followed = enumerations(f"{VARIABLES} Under Regulation …, we present twelve proposals.")
    assert followed[0].items[-1] == "Great Power Flashpoints and Regional Ordering"
    assert groups.items == (
        "Regulation of Force and Coercion",
        "Transnational and Planetary Threats",
        "Regional Flashpoints and Ordering",
    )
    (crises,) = enumerations(CRISES)
    assert crises.items == (
        "the global power balance has shifted rapidly",
        "the world faces a new set of interconnected crises",
    )
    assert crises.item(-1) == crises.item(2) and crises.item(3) is None
    (inline,) = enumerations(
        "They are Regulation of Force and Coercion, Transnational and "
        "Planetary Threats, and Regional Flashpoints and Ordering."
    )
    assert inline.items[2] == "Regional Flashpoints and Ordering"
    # Prose with commas is no list; nor is "Second, …" without a "First, …".
    assert (
        enumerations(
            "Under Regulation of Force and Coercion, we present twelve proposals that address "
            "U.N. Security Council reform, buttress norms and laws surrounding the use of force, "
            "and regulate the use of economic sanctions and coercion."
        )
        == []
    )
    assert enumerations("Second, the world faces crises. Finally, it ends.") == []


@pytest.mark.parametrize(
    ("question", "ordinal", "noun"),
    [
        ("What about the second one?", 2, "one"),
        ("And in the third category?", 3, "category"),
        ("And the last one?", -1, "one"),
        ("And the first?", 1, "one"),
        ("Which is the 2nd of them?", 2, "one"),
        ("Tell me more about the fourth variable", 4, "variable"),
        ("Tell me more about that second crisis", 2, "crisis"),
        ("What about the other one?", 0, "one"),
    ],
)
def test_the_ordinal_a_question_names(question: str, ordinal: int, noun: str) -> None:
    found = reference(question)
    assert found is not None and (found.ordinal, found.noun) == (ordinal, noun)
    assert is_follow_up(question)


def test_an_ordinal_that_points_at_no_item() -> None:
    assert reference("Who was the first to use the term?") is None
    assert counts("What are the three categories?") == [(3, frozenset({"categor"}))]
    assert counts("What did the 130 participants propose in 2023?") == []
    assert noun_key("crisis") == noun_key("crises") and noun_key("category") == noun_key(
        "categories"
    )
    # A follow-up whose ordinal fits no list keeps the previous question in front.
    history = [
        Turn(role="user", content="What are the two crises?"),
        Turn(role="assistant", content=CRISES),
    ]
    assert standalone_question("What was the first time it was used?", history) == (
        "What are the two crises? What was the first time it was used?"
    )
    assert standalone_question("And the third one?", history) == (
        "What are the two crises? And the third one?"
    )
    # Another pointer beside the ordinal keeps the topic too ...
    asked = standalone_question("What did they do about the second one?", history)
    assert asked.startswith("What are the two crises? What did they do about “the world")
    # ... but not the "they" of "what do they say", the documents' authors.
    asked = standalone_question("What do they say about the second one?", history)
    assert asked.startswith("What do they say about “the world")


def test_the_other_one_of_two() -> None:
    """A visitor's "Tell me more about that second crisis", then "What about the other
    one?", each got the whole answer about both crises again."""
    history = [
        Turn(role="user", content="What are the two crises?"),
        Turn(role="assistant", content=CRISES),
    ]
    second = standalone_question("Tell me more about that second crisis", history)
    assert second == "Tell me more about “the world faces a new set of interconnected crises”"
    history += [
        Turn(role="user", content="Tell me more about that second crisis"),
        Turn(role="assistant", content="Second, the world faces a new set of crises. [1]"),
    ]
    other = standalone_question("What about the other one?", history)
    assert other == "Tell me more about “the global power balance has shifted rapidly”"


GROUPINGS = (
    "As a result, the coming decade will see increasingly fierce competition among two or "
    "more groupings. [1] One such grouping consists of “like-minded” Western-oriented states "
    "led by the United States and Europe. [1] A rival, heterogeneous coalition might be led "
    "by China and Russia. [1] A potential third grouping consists of states in a resurgent "
    "Global South. [1]"
)


def test_items_written_out_as_one_such_a_rival_a_third() -> None:
    """A visitor's "Who leads the second one?" after the groupings got all three again:
    the list was not read (its sentences open "One such…", "A rival…", "A potential
    third…"), and the answer counted "two or more" of them, not three."""
    (groupings,) = enumerations(GROUPINGS)
    assert len(groupings.items) == 3
    assert groupings.items[1].startswith("A rival, heterogeneous coalition")
    history = [
        Turn(role="user", content="What groupings will compete in the coming decade?"),
        Turn(role="assistant", content=GROUPINGS),
    ]
    asked = standalone_question("Who leads the second one?", history)
    assert asked == "Who leads “A rival, heterogeneous coalition might be led by China and Russia”?"
    # An answer holding two lists (the variables under their categories) needs a count.
    history[-1] = Turn(role="assistant", content=VARIABLES)
    history[0] = Turn(role="user", content="How is the package organised?")
    assert standalone_question("What about the second one?", history).startswith(
        "How is the package organised?"
    )


def test_only_the_start_of_a_long_earlier_answer_is_read() -> None:
    """A client sends the earlier turns, each up to 20,000 characters: one made of
    "First, x. Second, y." sentences took a second to split. Lists are read from an
    earlier answer's first 5,000 characters (a real answer is rarely 2,000); a list
    passage of the documents is read whole."""
    filler = "Filler text without a list. " * 200  # 5,600 characters
    assert enumerations(filler + CRISES)  # a passage: whole
    history = [
        Turn(role="user", content="What are the two crises?"),
        Turn(role="assistant", content=filler + CRISES),
    ]
    assert standalone_question("And the second one?", history) == (
        "What are the two crises? And the second one?"
    )
    history[-1] = Turn(role="assistant", content=CRISES)
    assert standalone_question("And the second one?", history).startswith("And “the world")


def test_after_an_item_it_is_the_item_and_they_are_the_list() -> None:
    """A visitor's "Why are they dangerous?" after "What are the two crises…?", "Tell me
    more about that second crisis" and "What about the other one?" was asked with all
    three questions in front, and got the first answer again."""
    history = [
        Turn(role="user", content="What are the two crises?"),
        Turn(role="assistant", content=CRISES),
        Turn(role="user", content="Tell me more about that second crisis"),
        Turn(role="assistant", content="Second, the world faces a new set of crises. [1]"),
        Turn(role="user", content="What about the other one?"),
        Turn(role="assistant", content="First, the global power balance has shifted. [1]"),
    ]
    assert standalone_question("Why are they dangerous?", history) == (
        "What are the two crises? Why are they dangerous?"
    )
    assert standalone_question("Why is it dangerous?", history) == (
        "Tell me more about “the global power balance has shifted rapidly”? Why is it dangerous?"
    )
    # A question that picks no item keeps the chain as before.
    assert standalone_question("Why are they dangerous?", history[:2]) == (
        "What are the two crises? Why are they dangerous?"
    )


def test_back_then_points_at_the_previous_topic() -> None:
    """A visitor's "What was different back then?" after "Tell me about the Cold War
    comparison" was asked alone, and refused as not covered."""
    assert is_follow_up("What was different back then?")
    assert is_follow_up("What did states do at that time?")
    assert not is_follow_up("What was different about the Cold War?")
    history = [
        Turn(role="user", content="Tell me about the Cold War comparison"),
        Turn(role="assistant", content="Although the Cold War featured … [1]"),
    ]
    assert standalone_question("What was different back then?", history) == (
        "Tell me about the Cold War comparison? What was different back then?"
    )


def test_the_first_one_of_what_the_last_question_asked_for() -> None:
    """A visitor's "how many proposals in the first one?" after "what are the categories"
    got the 20 proposals of all three: the question counted nothing, so "one" pointed at
    no list; its answer counted "three categories", what the question asked for."""
    answer = VARIABLES.replace("seven variables", "three categories and seven variables")
    history = [
        Turn(role="user", content="what are the categories"),
        Turn(role="assistant", content=answer),
    ]
    asked = standalone_question("how many proposals in the first one?", history)
    assert asked == "how many proposals in Regulation of Force and Coercion?"
    # A count of something else ("seven variables") is no list of categories.
    history[0] = Turn(role="user", content="what are the crises")
    assert "Regulation" not in standalone_question("how many proposals in the first one?", history)


def test_a_short_question_naming_no_subject_follows_the_one_before() -> None:
    """A visitor's "how many countries" after "who put it together" was read alone, and
    answered with the 2022 National Security Strategy's "… countries that subscribe to
    …"; "how many participants" after a question about the project got "This mental
    exercise enabled the project participants …"."""
    assert is_follow_up("how many countries")
    assert is_follow_up("which parts are at risk")
    assert is_follow_up("who paid")
    assert is_follow_up("How many countries?")
    # What a thing is names its subject; so does a name in capitals; a longer question
    # says what it is about.
    assert not is_follow_up("what are hot conflicts")
    assert not is_follow_up("who is the P5")
    assert not is_follow_up("how many P5 countries")
    assert not is_follow_up("which proposals address the security risks of emerging technologies")
    history = [
        Turn(role="user", content="who put the report together"),
        Turn(role="assistant", content="The Quincy Institute’s Better Order Project … [1]"),
    ]
    assert standalone_question("how many countries", history) == (
        "who put the report together? how many countries"
    )
    assert standalone_question("how many countries", []) == "how many countries"
