"""The conversation: earlier turns, and follow-up questions made stand-alone for retrieval.

A follow-up ("and the second one?", "what did he say?", a bare "Why?") is made
stand-alone by putting the previous question in front of it: retrieval then sees the
topic the follow-up refers to. Every backend uses this rule; none rewrites the question
with a model.

A bare request for more ("Why?", "Tell me more") may get the previous answer again
("Why?" after "What are the three categories?", when the documents give no reason):
``repeats`` tells, so the pipeline can say it found nothing more instead of showing the
same sentences twice. A follow-up that asks something ("Who was he talking
to?") may well be answered by a sentence already shown, and gets it again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from orderbot.errors import QuestionError
from orderbot.generate.citations import without_markers
from orderbot.question import check_text, small_talk

_OPENERS = re.compile(r"^(and|but|so|also|then|what about|how about|and what|or)\b", re.I)
_ANAPHORA = re.compile(
    r"\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those|there|"
    r"the (first|second|third|last|other|latter|former)( one)?|the same|"
    r"(which|that|this|each) one|one of (them|those|these))\b",
    re.I,
)
# The same words when they point at nothing: "there are", "says that", "is it true that",
# "…, isn't it?", "the same as". A question of its own that uses them ("The report says
# there are 30 proposals, right?") must not take the previous question's topic.
_NOT_POINTING = re.compile(
    r"\bthere(?=\s+(is|are|was|were|be|been|will|would|could|should|might|has|have|had)\b)|"
    r"\bthere's\b|"
    r"\b(is|are|was|were) there\b|"
    r"\b(is|isn't|was|wasn't|isn’t|wasn’t) it (true|the case|correct|right|so) that\b|"
    r"\b(isn't|is|isn’t|wasn't|wasn’t|doesn't|doesn’t) it\W*$|"
    r"\bthe same(?=\s+(as|thing as)\b)|"
    r"\b(says|said|say|true|claim|claims|claimed|argue|argues|argued|mean|means|think|"
    r"thinks|believe|believes|suggest|suggests|state|states|stated|note|notes|noted|show|"
    r"shows|insist|insists|fear|fears|hope|hopes|expect|expects|propose|proposes|warn|"
    r"warns|conclude|concludes|assert|asserts|so|such|given|fact|idea|view|notion|case|"
    r"sure|clear|possible|likely|agree|agrees|admit|admits|accept|accepts)\s+that(?=\s+\w)",
    re.I,
)


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)

    @field_validator("content")
    @classmethod
    def _text(cls, value: str) -> str:
        """The same rule as a question: a lone surrogate or a control character would
        reach the tokenizer through a follow-up."""
        try:
            return check_text(value, "the turn")
        except QuestionError as exc:
            raise ValueError(exc.message) from exc


# A question that is nothing but a request to go on ("Why?", "Tell me more", "Explain").
_BARE = re.compile(
    r"^(why|how|how so|how come|really|why not|in what way|like what|such as|for example|"
    r"examples?|more|go on|continue|elaborate|explain|explain more|tell me more|"
    r"say more|more details?|any examples?|can you elaborate|can you explain|"
    r"are there (any )?more)\W*$",
    re.I,
)


def asks_for_more(question: str) -> bool:
    """A question that is nothing but a request to go on ("Why?", "Tell me more")."""
    return bool(_BARE.match(question.strip()))


def is_follow_up(question: str) -> bool:
    text = question.strip()
    pointing = _ANAPHORA.search(_NOT_POINTING.sub(" ", text))
    return bool(_OPENERS.match(text) or pointing or asks_for_more(text))


_CHAIN = 3  # earlier questions a follow-up of follow-ups may reach back to


def standalone_question(question: str, history: Sequence[Turn]) -> str:
    """The question to retrieve with: ``question`` itself, or, for a follow-up, the
    previous user question followed by it; when that was a follow-up too ("Why?", then
    "Tell me more"), the question it followed comes first, and so on (up to three)."""
    if not is_follow_up(question):
        return question
    earlier = [  # "thanks" between two questions is no topic to follow up on
        t.content.strip()
        for t in history
        if t.role == "user" and t.content.strip() and not small_talk(t.content)
    ]
    chain: list[str] = []
    for previous in reversed(earlier[-_CHAIN:]):
        chain.insert(0, previous)
        if not is_follow_up(previous):
            break
    return " ".join([*chain, question])


def _plain(text: str) -> str:
    return " ".join(without_markers(text).split()).casefold()


def earlier_answers(history: Sequence[Turn]) -> list[str]:
    """The last few assistant turns' texts (as far back as a follow-up reaches)."""
    return [t.content for t in history if t.role == "assistant"][-_CHAIN:]


def repeats(sentence: str, answers: Sequence[str]) -> bool:
    """True when ``sentence`` (its citation markers aside) is in one of ``answers``."""
    said = _plain(sentence)
    return bool(said) and any(said in _plain(answer) for answer in answers)
