"""The conversation: earlier turns, and follow-up questions made stand-alone for retrieval.

A follow-up ("what did he say?", a bare "Why?" or "Where?") is made stand-alone by
putting the previous question in front of it: retrieval then sees the topic the
follow-up refers to. One that points at one item of a list ("What about the second
one?" after the two crises) names the item instead (``orderbot.ordinals`` reads the
lists). Every backend uses these rules; none rewrites the question with a model.

A bare request for more ("Why?", "Tell me more") may get the previous answer again
("Why?" after "What are the three categories?", when the documents give no reason):
``repeats`` tells, so the pipeline can say it found nothing more instead of showing the
same sentences twice. A follow-up that asks something ("Who was he talking
to?") may well be answered by a sentence already shown, and gets it again.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from orderbot.errors import QuestionError
from orderbot.generate.citations import without_markers
from orderbot.generate.evidence import content_terms, words
from orderbot.generate.lists import Enumeration, enumerations
from orderbot.ordinals import Count, counts, noun_key, reference
from orderbot.question import SOURCE_REQUEST, check_text, is_instruction_to_me, small_talk

_OPENERS = re.compile(r"^(and|but|so|also|then|what about|how about|and what|or)\b", re.I)
_ANAPHORA = re.compile(
    r"\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those|there|"
    r"the (first|second|third|last|other|latter|former)( one)?|the same|"
    r"(which|that|this|each) one|one of (them|those|these)|"
    r"back then|by then|since then|until then|at (that|the) time|in those days)\b",
    re.I,
)
# The same words when they point at nothing: "there are", "says that", "is it true that",
# "…, isn't it?", "the same as", the document's "it" in "what does it say about…". A
# question of its own that uses them ("The report says there are 30 proposals, right?")
# must not take the previous question's topic.
_NOT_POINTING = re.compile(
    r"\bthere(?=\s+(is|are|was|were|be|been|will|would|could|should|might|has|have|had)\b)|"
    r"\bthere's\b|"
    r"\b(is|are|was|were) there\b|"
    r"\b(is|isn't|was|wasn't|isn’t|wasn’t) it (true|the case|correct|right|so) that\b|"
    r"\b(isn't|is|isn’t|wasn't|wasn’t|doesn't|doesn’t) it\W*$|"
    r"\bthe same(?=\s+(as|thing as)\b)|"
    # "What does it say about Taiwan?", "Does it mention climate?", "What sources does it
    # cite?": "it" is the document; "What do they say about China?": "they", its authors.
    r"\b(?:(?<=does )it|(?<=did )it|(?<=do )they)(?=\s+(say|talk|mention|discuss|"
    r"cover|address|recommend|propose|argue|suggest|deal|touch|get into|go into|cite|quote|"
    r"conclude|think|want|call for|write|explain|describe)\b)|"
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


# A bare question word after an answer ("Where?", "When?", "Who else?"): about the same
# topic, asking for another thing.
_BARE_WH = re.compile(
    r"^(where|when|who|whom|by whom|to whom|what year|which year|how many|how much|"
    r"where exactly|when exactly|who else|where else|what else|"
    # "which pages", "what journal": a detail of the work just cited
    r"(?:on\s+)?(?:what|which)\s+(?:pages?|journal|date|month|day|volume|issue|edition|url|"
    r"link|title|footnote|note|speech|article|publisher)|"
    # "source?", "any sources?": the source of what was just said
    rf"{SOURCE_REQUEST})\W*$",
    re.I,
)


def asks_for_more(question: str) -> bool:
    """A question that is nothing but a request to go on ("Why?", "Tell me more")."""
    return bool(_BARE.match(question.strip()))


# A short question that names no subject, asked after another: "how many countries",
# "which parts are at risk", "which conflicts" ask it of what was asked before. Not one
# that asks what a thing is ("what are hot conflicts"), which names its subject, nor one
# naming something in capitals ("how many P5 countries").
_ELLIPTICAL = re.compile(
    r"^(?i:how many|how much|which|who|whom|when|where)\b(?!\s+(?i:is|are|was|were)\s+"
    r"(?i:the|a|an)\b)[^A-Z]*$"
)
_ELLIPTICAL_WORDS = 5


def is_follow_up(question: str) -> bool:
    text = question.strip()
    pointing = _ANAPHORA.search(_NOT_POINTING.sub(" ", text)) or reference(text)
    bare = asks_for_more(text) or _BARE_WH.match(text)
    elliptical = _ELLIPTICAL.match(text) and len(words(text)) <= _ELLIPTICAL_WORDS
    return bool(_OPENERS.match(text) or pointing or bare or elliptical)


# "They", "them": the whole list after a question about one of its items.
_PLURAL = re.compile(r"\b(they|them|their|these|those|both|each)\b", re.I)

_CHAIN = 3  # earlier questions a follow-up of follow-ups may reach back to
_REACH = 8  # earlier questions read to understand the last ones
_READ = 5_000  # characters of an earlier answer read for its lists (one is rarely 2,000)


def _no_lists() -> Iterable[Enumeration]:
    return ()


class Standalone(BaseModel):
    """A question as read after the conversation before it."""

    model_config = ConfigDict(frozen=True)

    query: str  # what retrieval reads: the question, after those a follow-up follows
    # What the kind of thing asked for (a date, a count, a list) is read from: the
    # visitor's own last question when it asks something by itself ("so what's their
    # solution?" after "how many ppl were involved", "when?" after "what did blinken
    # say"), else the whole query ("and in the third category?" asks what the question
    # before it asked).
    asked: str
    # What a follow-up is about in the words the questions it follows do not have:
    # "global south" of "what about the global south" after a question about China and
    # Russia; "worse cold war" of "why is that worse than the cold war" after one about
    # the two crises (a follow-up asking something itself needs two such words). Empty
    # for any other question.
    adds: str = ""


def standalone(
    question: str,
    history: Sequence[Turn],
    *,
    lists: Callable[[], Iterable[Enumeration]] = _no_lists,
) -> Standalone:
    """``question`` read after ``history`` (see ``standalone_question`` and
    ``Standalone.asked``)."""
    parts = _parts(question, history, lists)
    # Each earlier question ends as a question does, typed so or not: "what does guterres
    # think about multipolarity? where did he say it" asks "where" of a new sentence.
    query = " ".join([*(_ended(p) for p in parts[:-1]), *parts[-1:]])
    own = _OPENERS.sub("", parts[-1]).strip(" ,")
    asks_itself = len(parts) > 1 and bool(_ASKS.match(own))  # "why not" asks for a reason
    # "what about the global south", "and outside the west?": an opener and what it is
    # now about, nothing asked of it but what the question before asked.
    adds = ""
    if len(parts) > 1 and (asks_itself or _OPENERS.match(parts[-1])):
        before = content_terms(" ".join(parts[:-1]))
        new = [w for w in words(own) if content_terms(w) - before]
        if asks_itself:  # "why is that worse than the cold war": what it is now about
            new = [w for w in new if len(w) > 2 and w.lower() not in _VAGUE]
            # Not "how many proposals does it have?" nor "which one covers AI?": one word
            # is what it asks of the subject before, not another subject.
            new = new if len(new) > 1 else []
        adds = " ".join(new)
    return Standalone(query=query, asked=own if asks_itself else query, adds=adds)


# Words that name nothing a passage could be about ("they'd"'s "d" is too short to).
_VAGUE = frozenset(
    [
        "than",
        "one",
        "ones",
        "once",
        "then",
        "now",
        "still",
        "ever",
        "even",
        "also",
        "just",
        "really",
        "actually",
        "exactly",
    ]
)


# A question that asks something by itself: a question word or an auxiliary first.
_ASKS = re.compile(
    r"^(what|whats|which|who|whom|whose|when|where|why|how|is|are|was|were|"
    r"do|does|did|can|could|will|would|should|has|have|had|list|name)\b",  # "what's": "what"
    re.I,
)


def standalone_question(
    question: str,
    history: Sequence[Turn],
    *,
    lists: Callable[[], Iterable[Enumeration]] = _no_lists,
) -> str:
    """The question to retrieve with: ``question`` itself, or, for a follow-up, the
    previous user question followed by it; when that was a follow-up too ("Why?", then
    "Tell me more"), the question it followed comes first, and so on (up to three).

    A follow-up that points at one item of a list ("What about the second one?") asks
    about that item instead: see ``_item_question``. ``lists`` gives the lists the
    documents hold, for a pointer that no earlier answer's list fits, or for "the last one"
    after part of a labelled list (read only then).
    After such a question, a follow-up about "it" is about that item, and one about
    "them" about the whole list: "Why are they dangerous?" after "What are the two
    crises?" and "Tell me more about the second one" asks why the crises are."""
    return standalone(question, history, lists=lists).query


def _parts(
    question: str, history: Sequence[Turn], lists: Callable[[], Iterable[Enumeration]]
) -> tuple[str, ...]:
    """The questions retrieval reads for ``question``, the asked one last."""
    asked = [  # "thanks" or "ignore your instructions…" is no topic to follow up on
        i
        for i, t in enumerate(history)
        if t.role == "user"
        and t.content.strip()
        and not small_talk(t.content)
        and not is_instruction_to_me(t.content)
    ]
    understood: list[_Understood] = []  # each earlier question, in order
    for i in asked[-_REACH:]:
        understood.append(_understand(history[i].content.strip(), history[:i], understood, lists))
    return _understand(question, history, understood, lists).parts


def _ended(question: str) -> str:
    return question if question.rstrip()[-1:] in {"?", ".", "!"} else f"{question.rstrip()}?"


@dataclass(frozen=True)
class _Understood:
    parts: tuple[str, ...]  # the questions retrieval reads, the asked one last
    item: bool  # about one item of a list


def _understand(
    question: str,
    history: Sequence[Turn],
    before: Sequence[_Understood],
    lists: Callable[[], Iterable[Enumeration]],
) -> _Understood:
    """``question`` as it is understood after ``history``, whose questions were
    understood as ``before``."""
    if not is_follow_up(question):
        return _Understood((question,), item=False)
    topic = before[-1] if before else _Understood((), item=False)
    earlier = [" ".join(u.parts) for u in before[-_CHAIN:]]
    about_item = _item_question(question, earlier, history, lists)
    if about_item is not None:
        ref = reference(question)
        rest = question[: ref.start] + " " + question[ref.end :] if ref else question
        if not _ANAPHORA.search(_NOT_POINTING.sub(" ", rest)):
            return _Understood((about_item,), item=True)
        question = about_item  # "What did they say about <item>?": still the topic
    elif topic.item and _PLURAL.search(_NOT_POINTING.sub(" ", question)):
        # About the whole list: the question before those that picked its items.
        topic = next((u for u in reversed(before) if not u.item), topic)
    return _Understood((*topic.parts, question)[-_CHAIN - 1 :], item=topic.item)


def _item_question(
    question: str,
    asked: Sequence[str],
    history: Sequence[Turn],
    lists: Callable[[], Iterable[Enumeration]],
) -> str | None:
    """``question`` about the item it points at, or None when it points at none.

    The item comes from the newest earlier answer holding a list the pointer fits, else
    from the documents' own lists: a labelled list whose label it names ("the fourth
    variable"), a list of as many items as the last question asked for ("the second one"
    after "What are the two crises?") or as a question or answer counted with the
    pointer's noun ("the first category" after "… three categories …"), or a list one of
    whose items the previous question named ("And in the third category?" after "How many
    proposals are in the Regulation of Force and Coercion category?"); or the one list
    the last answer holds ("Who leads the second one?" after the three groupings, which
    the answer counted as "two or more"). An elliptical
    follow-up like that last one is the previous question with the item in place of its
    sibling: "How many proposals are in the Regional Flashpoints and Ordering category?"."""
    ref = reference(question)
    if ref is None:
        return None
    # A client sends the earlier turns (up to 20,000 characters each): only an answer's
    # start is read, as one made of "First, x." sentences took a second to split.
    answers = [without_markers(a[:_READ]) for a in reversed(earlier_answers(history))]
    pointer = _Pointer(
        noun=ref.noun,
        asked=[c for q in reversed(asked) for c in counts(q)],
        said=[c for a in answers for c in counts(a)],
        previous=asked[-1] if asked else "",
    )
    shown = [enumerations(answer) for answer in answers]  # newest answer first
    # "The second one" when the last answer holds one list: that list's ("the first
    # time" is not one of its items).
    alone = shown[0][0] if shown and len(shown[0]) == 1 and ref.noun == "one" else None
    for listed in itertools.chain(*shown, lists()):
        if ref.ordinal == -1 and listed.kind == "labelled":  # the last of all, not of a part
            listed = next((w for w in lists() if _extends(w, listed)), listed)
        item = listed.item(ref.ordinal) if ref.ordinal else pointer.other(listed)
        if item is None or not (listed is alone or pointer.fits(listed)):
            continue
        sibling = next((i for i in listed.items if i != item and _names(pointer.previous, i)), None)
        if sibling is not None and _elliptical(question, ref.start, ref.end):
            at = pointer.previous.casefold().index(sibling.casefold())
            return pointer.previous[:at] + item + pointer.previous[at + len(sibling) :]
        said = f"“{item}”" if listed.kind == "sentences" else item
        return question[: ref.start] + said + question[ref.end :]
    return None


@dataclass(frozen=True)
class _Pointer:
    """What "the second <noun>" can point at: the counts (how many, of what) the earlier
    questions (newest first) and answers gave, and the previous question."""

    noun: str
    asked: list[Count]
    said: list[Count]
    previous: str

    def other(self, listed: Enumeration) -> str | None:
        """ "The other one" of two: the one the previous question was not about."""
        if len(listed.items) != 2:
            return None
        first, second = listed.items
        if _names(self.previous, first) != _names(self.previous, second):
            return second if _names(self.previous, first) else first
        return None

    def fits(self, listed: Enumeration) -> bool:
        key = noun_key(self.noun)
        size = len(listed.items)
        if listed.label is not None and key == noun_key(listed.label):
            return True
        named = {noun_key(w) for w in words(self.previous)}
        if self.noun == "one":  # "the second one": of what the last question counted
            if self.asked and self.asked[0][0] == size:
                return True
            # or of what it asked for, which an answer counted: "the first one" after
            # "what are the categories", answered "… three categories …" (a visitor's)
            if any(n == size and nouns & named for n, nouns in self.said):
                return True
        elif any(n == size and key in nouns for n, nouns in [*self.asked, *self.said]):
            return True
        return (self.noun == "one" or key in named) and any(
            _names(self.previous, i) for i in listed.items
        )


def _extends(whole: Enumeration, part: Enumeration) -> bool:
    """``whole`` is a longer labelled list that starts with ``part``'s items (an answer
    quoted the first group of the seven variables: "the last one" is the seventh)."""
    return (
        whole.kind == "labelled"
        and whole.label == part.label
        and len(whole.items) > len(part.items)
        and whole.items[: len(part.items)] == part.items
    )


def _names(text: str, item: str) -> bool:
    return len(item.split()) >= 2 and item.casefold() in text.casefold()


def _elliptical(question: str, start: int, end: int) -> bool:
    """ "And in the third category?", "What about the last one?": nothing asked but the
    pointer."""
    rest = _OPENERS.sub(" ", question[:start].strip()) + " " + question[end:]
    return not content_terms(rest)


def _plain(text: str) -> str:
    return " ".join(without_markers(text).split()).casefold()


def earlier_answers(history: Sequence[Turn]) -> list[str]:
    """The last few assistant turns' texts (as far back as a follow-up reaches)."""
    return [t.content for t in history if t.role == "assistant"][-_CHAIN:]


def repeats(sentence: str, answers: Sequence[str]) -> bool:
    """True when ``sentence`` (its citation markers aside) is in one of ``answers``."""
    said = _plain(sentence)
    return bool(said) and any(said in _plain(answer) for answer in answers)
