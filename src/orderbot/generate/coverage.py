"""Coverage: before any answer is written, decide whether the documents answer the question.

Three verdicts: ``covered``; ``partial`` (the documents discuss the question's subject,
but not the detail it asks for, and say something useful about it); ``not_covered``.

The decision reads signals that cost nothing beyond retrieval, each a number in 0..1:

- ``best``: the best unit's score (similarity and word overlap with the question);
- ``similarity``: the best unit's embedding similarity alone;
- ``overlap``: the largest share of the question's content words that one unit holds;
- ``passage_overlap``: the same for a whole passage (with its section title);
- ``rare_overlap``: like ``passage_overlap`` but each word weighted by its rarity in the
  index (IDF), so "Taiwan" counts for more than "order";
- ``unknown``: the share of the question's content words that occur nowhere in the
  indexed documents (a budget, seats, a founding year: the thing asked for is often a
  word the documents never use);
- ``unknown_name``: 1 when the question names something (a capitalised word or an
  acronym: NATO, Gaza, SWIFT; or a country typed in lower case: "ukraine") that the
  documents never mention; a refusal then says which;
- ``slot``: whether the kind of thing asked for is there: a number counting the asked-for
  noun for "how many", a year or date in a unit on the subject for "when", a name for
  "who", and for a role or act asked about ("who founded", "who funds", "when was it
  founded") or a reply ("what did the Chinese side say in reply?") a word for it (1
  found, 0 missing, 0.5 when the question asks for no such thing);
- ``focus``: whether the word naming the asked-for thing (the "budget" of "what is the
  project's budget", the "directs" of "who directs", the "founded" of "when was it
  founded") is in one of the best units (1 yes, 0 no, 0.5 when no such word was found).

A logistic model over these (weights in ``CoverageSettings``, fitted by
``benchmarks/calibrate_coverage.py`` on the tuning questions only; a weight named "a*b"
weighs the product of two signals, which ``--interactions`` fits but the defaults do not
use) gives the probability that the documents answer; under ``threshold`` the answer is
"not covered" (or "partial" when the subject is found but the asked-for slot is not).

Some questions are decided by rule, whatever the signals say (``_missing_by_rule``): one
for the words of someone the documents name only in a footnote's citation ("What did Jake
Sullivan say at that meeting?": the citation matches the question's words well, but holds
none of what was said), or never name ("What did Trump say …?"), or name in no unit that
holds half of the subject asked ("What does the 2022 National Security Strategy say about
Iran?"), for a footnote or a numbered item ("proposal 7", "Article 51") the
documents lack, for an acronym they never spell out, or for the documents' view of a
subject they have no words for (most words of "drone strikes or targeted killings",
``unknown_topic``; at least two words, since one may be a synonym of theirs), or one the
best units speak only around (a word of it none of the documents', at most half of its
words in the best units: "climate refugees", where they speak of climate), or for the
particulars of what is proposed ("What specific limits on economic sanctions do they
recommend?", "Which cyber norms does the report endorse?") when the best sentence only
counts the proposals and names their subjects, for words quoted that no passage found
holds ("the 'pacing challenge'"), for a work named with a year the documents give it
only other years with ("the 2017 National Security Strategy"), and for how things stand
now ("Is the project still running?"), for what the one asking can do ("How can I add
my name?"), and for whether something the documents have
no word for was made ("has quincy done a podcast?"), is not covered; one that asks only for
footnotes by number, for all the sources cited, or for an acronym a passage spells out,
is covered.

A second stage (``coverage.judge``, off by default) is asked only where the first is
unsure: a question whose probability lies in ``judge_band`` (and whose asked-for kind of
thing is there) is covered when a local model's P(Yes) to "do these passages state the
answer?" reaches ``judge_threshold`` (``yesno.py``). Questions outside the band never
wait for a model. If the model fails, the first stage decides.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from orderbot.acronyms import ACRONYM
from orderbot.config import CoverageSettings
from orderbot.english import is_english
from orderbot.errors import ConfigError, ModelError
from orderbot.generate.asked import (
    Slot,
    focus_of,
    names_in,
    person_asked,
    slot_of,
    speaker_of,
    topic_of,
)
from orderbot.generate.countries import as_places, countries_in, country_of_people
from orderbot.generate.evidence import (
    COVERING,
    GENERIC,
    NUMBER_VALUES,
    YEAR,
    Evidence,
    chunk_units,
    content_terms,
    counted,
    defines,
    holds_half,
    holds_words,
    term_pattern,
    uses_term,
    whole_terms,
    with_what_it_points_at,
)
from orderbot.generate.links import passage_link
from orderbot.generate.yesno import YesNoJudge
from orderbot.models import Chunk, Coverage, NearestSection
from orderbot.question import (
    acronym_asked,
    asks_for_all_sources,
    asks_for_origin,
    asks_for_other_languages,
    asks_how_things_stand_now,
    asks_what_i_may_do,
    gives_origin,
    notes_named,
    numbered_items,
    quoted,
    refers_to_words,
    spells_out,
    term_to_define,
    thing_asked,
)
from orderbot.stopwords import NAMES_NOTHING, STOP

log = logging.getLogger("orderbot")

FEATURES = (
    "best",
    "similarity",
    "overlap",
    "passage_overlap",
    "rare_overlap",
    "unknown",
    "unknown_name",
    "slot",
    "focus",
)


# A capitalised word inside a sentence (after a lower-case word or a comma).
_MID_CAPITAL = re.compile(r"(?<=[a-z,;:]\s)[A-Z][\w’'-]*")


# A name the documents write as an owner of another: "the Quincy Institute’s Better Order
# Project". (A run of capitalised words; "’s" then a capital.)
_OWNER = re.compile(
    r"\b((?:[A-Z][\w.-]*\s+)*[A-Z][\w.-]*)[’']s\s+([A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*)"
)


def owners_only(texts: Sequence[str]) -> dict[str, str]:
    """The names ``texts`` write only as owners of another name, each with what it owns:
    {"Quincy Institute": "Better Order Project"}. Of such a name they say nothing but
    that it is the other's."""
    owned: dict[str, str] = {}
    for text in texts:
        for found in _OWNER.finditer(text):
            owned.setdefault(found.group(1), found.group(2))
    whole = " ".join(texts)
    return {
        owner: thing
        for owner, thing in owned.items()
        if len(owner) > 2 and not re.search(rf"\b{re.escape(owner)}\b(?![’']s)", whole)
    }


class Vocabulary:
    """How many passages of the index use each stem, which stems the documents use only
    in a footnote's citation of a work, which numbered items ("variable 5") they name,
    and which names they write only as another's owner (read once per index version)."""

    def __init__(
        self,
        texts: Sequence[str],
        cited_only: Iterable[str] = (),
        items: Iterable[str] = (),
        years: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0
        named = set(items)
        capitalised: set[str] = set()
        for text in texts:
            self.n += 1
            self.df.update(content_terms(text))
            named.update(numbered_items(text))
            capitalised.update(w for m in _MID_CAPITAL.finditer(text) for w in content_terms(m[0]))
        # stems the documents write with a capital inside a sentence: mostly names
        self.capitalised = frozenset(capitalised)
        self.owners = owners_only(texts)
        self.cited_only = frozenset(cited_only)
        self.items = frozenset(named)  # "variable 5", "footnote 3": the numbered items
        self.years = years or {}  # "2022": the ids of the chunks whose text holds it

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> Vocabulary:
        """The vocabulary of ``chunks``: every stem of their text and section titles;
        those of bibliographic lines ("John Dugard, “The choice before us…”") that no
        other sentence uses are ``cited_only``."""
        texts: list[str] = []
        cited: set[str] = set()
        body: set[str] = set()
        notes: set[str] = set()
        years: dict[str, list[str]] = {}
        for chunk in chunks:
            texts.append(f"{chunk.section} {chunk.text}")
            for year in set(YEAR.findall(chunk.text)):
                years.setdefault(year, []).append(chunk.id)
            if chunk.note:
                notes.add(f"footnote {chunk.note}")
            body |= content_terms(chunk.section)
            if chunk.kind != "footnote":
                body |= content_terms(chunk.text)
                continue
            for unit in chunk_units(chunk):
                if unit.kind == "bibliography":
                    cited |= content_terms(unit.text)
                else:
                    body |= content_terms(unit.text)
        return cls(texts, cited - body, notes, {y: tuple(ids) for y, ids in years.items()})

    def knows(self, stem: str) -> bool:
        return stem in self.df

    def holding_year(self, year: str) -> tuple[str, ...]:
        """The ids of the chunks whose text holds ``year`` ("2022"), none for another
        word: the documents' sentences giving a year are found without reading them all."""
        return self.years.get(year, ())

    def idf(self, stem: str) -> float:
        return math.log((self.n + 1) / (self.df.get(stem, 0) + 1)) + 1.0


# Nouns that name no subject of their own: "nuclear issues" is about "nuclear".


def _plural(noun: str) -> str:
    """ "proposals", "categories", "annexes": enough English for a numbered item's kind."""
    if noun.endswith("y"):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x")) else "s")


def signal(features: dict[str, float], name: str) -> float:
    """A signal by name; "a*b" is the product of two ("similarity*unknown")."""
    value = 1.0
    for part in name.split("*"):
        value *= features[part]
    return value


def slot_found(slot: Slot, evidence: Evidence, top: list[int]) -> float:
    """1 when a top unit holds the asked-for kind of thing, 0 when none does, 0.5 for a
    question that asks for no typed thing."""
    if not slot.kind:
        return 0.5
    question = evidence.question  # its subject: a date "beside a word of the question"
    if slot.kind == "link":  # a footnote's web address, read with the sentence citing it
        notes = [u.chunk for u in (evidence.units[i] for i in top) if u.chunk.kind == "footnote"]
        return float(any(slot.given_by(question, c.text, c.url, about=c.context) for c in notes))
    # A citation's line gives what a question about the sources asks ("Who wrote the
    # article…?": "John Dugard, …"), not what one about the project asks ("Who is the
    # director…?" is not answered by "… Director Yang and State Councilor Wang …").
    units = [
        u
        for u in (evidence.units[i] for i in top)
        if u.kind != "bibliography" or evidence.about_sources
    ]
    if slot.kind == "country" or slot.noun == "name":
        # Countries and titled people are named all over the documents ("… will benefit
        # the United States and other major powers", "U.N. Secretary-General António
        # Guterres"): the ones asked for are in the sentence an answer leads with
        # ("Besides China and Russia, which countries belong to the rival coalition?" is
        # answered by none of the six best sentences).
        units = units[:1]
    return float(any(slot.given_by(question, u.text, about=u.chunk.context) for u in units))


_TYPED_WORD = re.compile(r"\w+")  # a question's words as typed (its capitals kept)


def terms_held(evidence: Evidence, top: list[int]) -> set[str]:
    """The content terms of the units ``top`` (indices into ``evidence.units``)."""
    have: set[str] = set()
    for i in top:
        have |= content_terms(evidence.units[i].text)
    return have


def focus_found(evidence: Evidence, top: list[int]) -> float:
    wanted = focus_of(evidence.asked)
    if not wanted:
        return 0.5
    return 1.0 if wanted <= terms_held(evidence, top) else 0.0


def countries_held(evidence: Evidence) -> set[str]:
    """The countries the passages of ``evidence`` name, by any of their names."""
    return countries_in(" ".join(p.chunk.text for p in evidence.passages))


def unknown_name(evidence: Evidence, named: Iterable[str], vocabulary: Vocabulary) -> str | None:
    """The first name of the question that is not a word of the documents, nor an acronym
    whose letters start consecutive words of the passages ("AI": "Artificial
    Intelligence"), nor another name of a country they name ("USA": "United States")."""
    return next(unknown_names(evidence, named, vocabulary), None)


def unknown_names(
    evidence: Evidence, named: Iterable[str], vocabulary: Vocabulary
) -> Iterator[str]:
    """Each name of ``named`` the documents never use (see ``unknown_name``)."""
    text = " ".join(p.chunk.text for p in evidence.passages)
    for name in named:
        if all(vocabulary.knows(s) for s in content_terms(name)):
            continue
        if (country := countries_in(name)) and country <= countries_held(evidence):
            continue  # "USA": the passages' "United States"
        land = country_of_people(name)
        if land and all(vocabulary.knows(s) for s in content_terms(land)):
            continue  # "Russian": the documents' "Russia"
        if 2 <= len(name) <= 6 and name.isalpha():
            spelt = r"\W+".join(rf"{c}[\w’'-]*" for c in name.upper())
            if re.search(rf"\b{spelt}", text):
                continue  # capitalised words whose initials spell the acronym
        yield name


_NAME_RUN = re.compile(r"[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*")


def name_run(question: str, name: str) -> str:
    """The whole name ``name`` is a word of, as the question types it: "Chatham House"
    for "Chatham", "Jeffrey Sachs" for "Jeffrey"."""
    for run in _NAME_RUN.findall(question):
        typed = run.split()
        if name in typed:
            while typed[0].lower() in STOP:  # capitalised by position: "Is", "Which"
                typed.pop(0)
            return " ".join(typed)
    return name


def unknown_lower_name(question: str, vocabulary: Vocabulary) -> str | None:
    """What the question asks the documents' view of, when it is one word typed in
    lower case that is no English word and none of theirs ("what does the report say
    about nato", "what about brics?"): a name they never use. (Not any such word: "intl"
    or "govt" in "what does the intl community need to do" is no name.)"""
    topic = topic_of(question)
    if topic is None or not re.fullmatch(r"[a-z]{3,}", topic) or is_english(topic):
        return None
    return None if any(vocabulary.knows(t) for t in content_terms(topic)) else topic


# What a question about a note asks besides the note: "What does footnote 3 cite?",
# "What is in note 2?", "Show me footnote 5".
_ABOUT_A_NOTE = content_terms(
    "footnote footnotes note notes cite cites cited say says mean contain contains source "
    "sources refer refers text quote show read give list"
)


# Whether someone is named at all: "is john dugard mentioned", "does the report cite
# Dugard?", not what they said.
_MENTIONED = re.compile(
    r"^\W*(?:is|was|are|were)\s+.+?\s+(?:mentioned|cited|quoted|referenced|named)\b"
    r"|^\W*(?:does|did)\s+(?:the\s+|this\s+)?(?:report|document|paper|introduction|it|they|"
    r"authors?)\s+(?:mention|cite|quote|reference|name)\b",
    re.I,
)
# The questions of a follow-up read after those it follows ("who is john dugard? what did
# he write"), and words asking for the cited work itself.
_ASKED_IN_TURN = re.compile(r"(?<=\?)\s+")
_THE_WORK_ASKED = re.compile(
    r"\b(?:write|wrote|written|writes|cite[sd]?|citing|article|title[sd]?|journal|publish\w*|"
    r"pages?|footnotes?)\b",
    re.I,
)
_PRONOUNS = frozenset(["he", "she", "they", "it", "him", "her", "them", "we", "you", "i"])
# What a work says, not what it is: "What examples or evidence does John Dugard give in
# his Leiden Journal article?", "What concrete reforms did Guterres call for in his
# Munich speech?". Its title, journal, date, pages or publisher are a citation's.
_WHAT_IT_SAYS = re.compile(
    r"\b(?:say|says|said|argue[sd]?|conclude[sd]?|call(?:s|ed)?\s+for|propose[sd]?|"
    r"recommend(?:s|ed)?|suggest(?:s|ed)?|warn(?:s|ed)?|discuss(?:es|ed)?|give[sn]?|gave|"
    r"offer(?:s|ed)?|provide[sd]?|examples?|evidence|arguments?|conclusions?|findings?|"
    r"reforms?|recommendations?|else)\b",
    re.I,
)
_WHAT_IT_IS = re.compile(
    r"\b(?:what|which)\s+(?:is\s+the\s+|was\s+the\s+)?(?:title|journal|pages?|volume|issue|"
    r"year|month|date|publisher|author)\b|\b(?:title[sd]?|called|named|publish\w*|wrote|"
    r"written|when|where|who|link|url|online)\b",
    re.I,
)


def _as_a_name(typed: str, names: frozenset[str] | None = None) -> str:
    """A name typed in lower case as it is written: its words capitalised, but for stop
    words and, given ``names`` (stems), words that are none of them ("dugard's article":
    "Dugard's article", not "Dugard'S Article"). Typed with capitals, as typed."""
    if not typed.islower():
        return typed
    return " ".join(
        w[:1].upper() + w[1:]
        if w not in STOP and (names is None or not content_terms(w).isdisjoint(names))
        else w
        for w in typed.split()
    )


def _anything_named(*names: str) -> str:
    """What is missing when the documents never use a name: "anything with the name
    “Trump”", or all of them: "… the names “India” or “Brazil”"."""
    if len(names) > 1:
        return "anything with the names " + " or ".join(f"“{n}”" for n in names)
    return f"anything with the name “{names[0]}”"


def _notes_found(evidence: Evidence) -> set[int]:
    return {n for p in evidence.passages if (n := p.chunk.note)}


def _asks_only_for_notes(evidence: Evidence) -> bool:
    """The question names footnotes by number and asks nothing else of them ("What does
    footnote 3 cite?"), or asks for all the sources cited: the notes are the answer,
    whatever their words."""
    if asks_for_all_sources(evidence.question):
        return bool(_notes_found(evidence))
    named = notes_named(evidence.question)
    rest = {t for t in content_terms(evidence.question) if not t.isdigit()} - _ABOUT_A_NOTE
    return bool(named) and not rest and set(named) <= _notes_found(evidence)


def _spelt_out(evidence: Evidence) -> bool:
    """A passage spells out the acronym the question asks about ("… order” (RBIO)")."""
    acronym = acronym_asked(evidence.question)
    if acronym is None:
        return False
    return any(spells_out(p.chunk.text, acronym) for p in evidence.passages)


def _refers_to(evidence: Evidence) -> bool:
    """The question asks what words it quotes refer to, and a unit found holds them as
    quoted ("what does "fester" refer to": "… if left to fester."): that unit answers."""
    if not refers_to_words(evidence.question):
        return False
    return all(
        any(holds_words(u.text, q) for u in evidence.units) for q in quoted(evidence.question)
    )


# "How exactly would the report change the Security Council veto?", "What specific limits
# on economic sanctions do they recommend?": the particulars of what is proposed.
_SPECIFICS = re.compile(
    r"\b(exactly|specific|specifics|specifically|in detail|details?|concrete|concretely|"
    r"precisely|word for word|verbatim)\b",
    re.I,
)
# The verbs for putting something forward (not the noun: "Which regions' flashpoints do
# the regional proposals aim to stabilize?" asks what the summary names).
_PUTS_FORWARD = (
    r"proposes?|proposed|recommends?|recommended|suggests?|suggested|endorses?|endorsed|"
    r"bans?|banned|calls? for|urges?"
)
_PROPOSED = re.compile(
    rf"\b({_PUTS_FORWARD}|propos\w*|recommend\w*|suggest\w*|endorse\w*|plans?|"
    r"would (?:the report|they|it) (?:change|reform|do)|change)\b",
    re.I,
)
# What the summaries do give: which category or variable a subject falls under ("Which
# category covers nuclear issues?", "what are the variables"; not "What specific
# mechanism is proposed under Variable 5?").
_PARTS = re.compile(
    r"^\W*(?:(?:which|what)\s+(?:\w+\s+){0,3}?(?:categor(?:y|ies)|variables?)|"
    r"(?:under|in)\s+(?:which|what)\s+(?:categor(?:y|ies)|variables?))\b"
    r"|\b(?:list|name)\s+(?:all\s+)?(?:the\s+)?(?:\w+\s+)?(?:categor(?:y|ies)|variables?)\b",
    re.I,
)
# What one proposal is called or how it would work: "what are the titles of the five
# transnational proposals", "and how would voting work in the reformed Security Council the
# report proposes?" (not "how do the proposals deal with flashpoints in europe", which the
# summary's "three proposals to stabilize existing flashpoints in Europe …" answers)
_HOW_IT_WORKS = re.compile(
    r"\b(?:titles?|names?|wording|text)\s+of\s+(?:the\s+|each\s+|all\s+|its\s+)?"
    r"(?:[\w-]+\s+){0,2}proposals?\b"
    r"|^\W*(?:(?:and|so|but)\s+)?how\s+(?:would|will|could)\b",
    re.I,
)
# "Which UN cyber norms does the report endorse?": one of a kind the proposals set out;
# "Which of the 20 proposals do the authors consider the most important?": one proposal,
# not the ones on a subject ("Which of the proposals deal with nuclear issues?": the
# summaries name the subjects).
_WHICH = re.compile(
    rf"^\s*which\b.*\b({_PUTS_FORWARD})\b"
    r"|\bwhich\s+(?:one\s+)?(?:of\s+(?:the|its|their|these|those)\s+(?:\w+\s+)?)?proposals?\b"
    r"(?!.*\b(?:deals?|dealing|address(?:es)?|covers?|concerns?|about|tackles?|focus(?:es)?|"
    r"relates?|on)\b)",
    re.I,
)
# "Does the report recommend ending sanctions on Russia?": whether one thing is proposed,
# which a summary answers only when it names all of it ("… twelve proposals that address
# … economic sanctions …" says nothing of ending those on Russia).
_WHETHER = re.compile(
    rf"^\s*(?:so\s+)?(?:does|do|did|would|will)\b[^?]*\b(?:{_PUTS_FORWARD}|support|back|want)\b"
    # what a proposal does ("Does the climate proposal create a new UN body?"), or what is
    # so under them ("Should sanctions require Council authorization under the report's
    # proposals?")
    r"|^\s*(?:so\s+)?(?:does|do|did|would|will|should|could|can)\s+"
    r"(?:the|a|any|its|their|this|that|each)\s+(?:[\w-]+\s+){0,3}?(?:proposals?|reforms?|"
    r"package)\s+(?!(?:address|deal|cover|concern|focus|tackle|include|contain|aim|relate|"
    r"touch|mention|talk|discuss|say|fall|belong|balance)\w*)"
    r"|^\s*(?:so\s+)?(?:does|do|did|would|will|should|could|can|must|is|are)\s+"
    r"[^?]*\b(?:under|in|by)\s+(?:the\s+report[’']s|the|its|their|these)\s+"
    r"(?:[\w-]+\s+)?(?:proposals?|reforms?|package)\b",
    re.I,
)

# The words for the proposals themselves, no subject of a question about them.
_THE_PROPOSALS = content_terms("report proposal proposals reform reforms package project")


# What others did with the report after it came out: "Has any government officially
# adopted the Better Order Project proposals?", "How did the Biden administration respond
# to the report?", "did the UN adopt any of these proposals". (Its participants signing on
# is in it: "Did people from all five permanent members endorse the package?" asks that.)
_TAKEN_UP = (
    r"(?:adopt|endors|implement|ratif|approv|accept|reject|respond|react|take\s+up|took\s+up|"
    r"taken\s+up|act\s+on|acted\s+on|comment|welcom|dismiss|criticiz|criticis)\w*"
)
_THE_REPORT = (
    r"(?:(?:the|this|these|those|its|their|any|any\s+of\s+(?:the|these|its|their))\s+)?"
    r"(?:\w+\s+){0,3}(?:report|proposals?|package|recommendations?|reforms?|project|ideas?)"
)
_RECEPTION = re.compile(
    rf"^\W*(?:(?:so|and|but)\s+)?(?:has|have|had|did|does|do|will|how\s+(?:did|has|have|do|does))"
    rf"\s+(?P<actor>.{{2,60}}?)\s+(?:(?:officially|formally|publicly|ever|already|yet|"
    rf"actually)\s+)*{_TAKEN_UP}(?:\s+(?:to|on|with))?\s+{_THE_REPORT}\b",
    re.I,
)
# Who can take up a report: a state, its government, an international body.
_BODY = re.compile(
    r"\b(?:governments?|administrations?|white\s+house|state\s+department|congress|"
    r"parliaments?|ministr(?:y|ies)|kremlin|u\.?n\.?|united\s+nations|security\s+council|"
    r"general\s+assembly|secretary[-\s]general|guterres|nato|eu|european\s+union|"
    r"states?|countr(?:y|ies)|nations?|leaders?)\b",
    re.I,
)
# People who act for no state, as the report's participants did ("Did people from all five
# permanent members endorse the package?"); officials, ministers and leaders act for one.
_PRIVATE_PERSONS = re.compile(
    r"\b(?:people|persons?|experts?|scholars?|participants?|signator\w*|individuals?|authors?|"
    r"thinkers?|academics?)\b",
    re.I,
)
# … or asked in the passive: "was the report endorsed by the un"
_RECEIVED = re.compile(
    rf"^\W*(?:(?:so|and|but)\s+)?(?:was|were|has|have|had|is|are)\s+{_THE_REPORT}\s+"
    r"(?:(?:been|ever|already|yet|officially|formally|publicly)\s+)*"
    r"(?:adopted|endorsed|implemented|ratified|approved|accepted|rejected|taken\s+up|"
    r"welcomed|dismissed|critici[sz]ed)\s+by\s+(?P<actor>.{2,60}?)\W*$",
    re.I,
)


# Those who judge a report from outside it: "how have critics responded to the report",
# "what do other think tanks say about this report".
_OUTSIDERS = re.compile(
    r"\b(?:critics?|commentators?|reviewers?|media|press|journalists?|analysts?|pundits?|"
    r"think\s+tanks?|other\s+(?:scholars?|experts?|researchers?|academics?|institutes?))\b",
    re.I,
)
# … or what was made of it, named as a noun: "What are the main criticisms of this report
# by other scholars?", "how was the report received?"
_REACTIONS = re.compile(
    rf"\b(?:criticisms?|critiques?|reactions?|responses?|reviews?|reception)\s+(?:of|to)\s+"
    rf"{_THE_REPORT}\b|^\W*how\s+(?:was|were|has|have)\s+{_THE_REPORT}\s+(?:been\s+)?"
    r"received\b",
    re.I,
)


# What others say of the report: "what do other think tanks say about this report"
_SAYING_OF_IT = re.compile(
    rf"\b(?:say|said|think|thought|write|wrote|made)\s+(?:about|of)\s+{_THE_REPORT}\b", re.I
)
# What a refusal of such a question says the documents lack.
_RECEPTION_MISSING = (
    "what states, international bodies or others made of the report or its proposals"
)


def asks_for_reception(question: str) -> bool:
    """The question asks what a state, an international body or others judging it from
    outside did with the report or its proposals after it came out, or what was made of
    it: a report cannot say."""
    if _REACTIONS.search(question):
        return True
    found = _RECEPTION.match(question) or _RECEIVED.match(question)
    if found is None:
        return bool(_OUTSIDERS.search(question) and _SAYING_OF_IT.search(question))
    actor = found.group("actor")
    if _OUTSIDERS.search(actor):
        return True
    if _PRIVATE_PERSONS.search(actor):
        return False
    return bool(_BODY.search(actor) or countries_in(actor))


def _summary(text: str) -> bool:
    """A sentence that counts proposals ("we present twelve proposals that address …"):
    it names what they are about, not what they say."""
    return any(any(t.startswith("propos") for t in things) for _, things in counted(text))


def beyond_the_citation(evidence: Evidence) -> bool:
    """The question asks what a cited work says (its examples, its reforms, what else it
    says), and the best unit is that work's bibliographic line: a citation gives its
    title, author and date, not what it says."""
    question = evidence.asked
    if not _WHAT_IT_SAYS.search(question) or _WHAT_IT_IS.search(question):
        return False
    if slot_of(question).kind:  # a place, date, name, figure: a citation's ("At what event …")
        return False
    best = next(iter(evidence.answering()), None)
    return best is not None and evidence.units[best].kind == "bibliography"


def asks_for_particulars(evidence: Evidence) -> bool:
    """The question asks for the particulars of what is proposed (or whether one thing
    is, which the summary does not name whole), and the best sentence only counts the
    proposals and names their subjects, or is the list of the variables they fall
    under: an introduction summarises them
    ("… twelve proposals that address U.N. Security Council reform, …"), it does not
    set them out."""
    question = evidence.asked
    specifics = (_SPECIFICS.search(question) or _HOW_IT_WORKS.search(question)) and (
        _PROPOSED.search(question)
    )
    whether = _WHETHER.match(question)
    if not (specifics or whether or _WHICH.search(question)) or _PARTS.search(question):
        return False
    best = next(iter(evidence.answering()), None)
    if best is None:
        return False
    unit = evidence.units[best]  # a list: the variables under their categories
    if whether and not (specifics or _WHICH.search(question)):
        topic = topic_of(question)
        # no subject read ("Does the climate proposal create a new UN body?"): the
        # question's words but those for the proposals
        asked = (
            content_terms(topic) if topic else content_terms(question) - _THE_PROPOSALS
        ) - GENERIC
        return (unit.kind == "list" or _summary(unit.text)) and bool(
            asked - content_terms(unit.text)
        )
    return unit.kind == "list" or _summary(unit.text)


# "the 2017 National Security Strategy": a work named with its year, one edition of many.
_EDITION = re.compile(rf"({YEAR.pattern})\s+([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)+)")


def other_edition(evidence: Evidence) -> str | None:
    """What is missing when the question names a work by its year ("What did the 2017
    National Security Strategy say …?") and the sentences found name that work only with
    other years ("the Biden administration’s 2022 National Security Strategy"): another
    edition, not a mistaken date, so a correction would be wrong too."""
    for found in _EDITION.finditer(evidence.question):
        year, title = found.groups()
        naming = [u.text for u in evidence.units if title.lower() in u.text.lower()]
        years = sorted({y for text in naming for y in YEAR.findall(text)})
        if naming and years and year not in years:
            return f"anything about the {year} {title}, only the {' and '.join(years)} one"
    return None


# "has quincy done a podcast or webinar about this report?", "Did they publish an
# earlier draft?": whether a thing was made (not "Is there a summary of the proposals?",
# which asks for the documents' own, in words of the visitor's; and one thing:
# "Does the report make any recommendations on …?" asks whether it says something, in
# words of the visitor's, "recommendations" for the documents' "proposals").
_MADE = re.compile(
    r"^\s*(?:has|have|had|did|does|do|will|was|were)\b[^?]*?\b(?:done|publish(?:ed)?|"
    r"release[ds]?|hold|held|host(?:ed)?|organi[sz]ed?|produced?|issued?|record(?:ed)?|"
    r"launch(?:ed)?|put\s+out)\s+an?\s+"
    r"((?:[\w’'-]+\s+){0,5}?[\w’'-]+)"
    r"(?=\s+(?:about|on|of|for|in|with|that|which|to|by|from|at)\b|\s*[?,.!]|\s*$)",
    re.I,
)


def _concept_asked(evidence: Evidence) -> str | None:
    """The term a "What is X?" question asks about when X is a concept of two words or
    more, asked without "the", that the documents write in lower case wherever they use
    it ("whats weaponized interdependence", "what's a security dilemma"): what it means,
    not a thing they name ("What is the Better Order Project?", which a sentence about the
    project answers) nor one of theirs ("what are the dual crises", "what are the
    categories")."""
    thing = thing_asked(evidence.question)
    typed = thing.lower().split() if thing else []
    if thing is None or ACRONYM.fullmatch(thing) or len(typed) < 2:
        return None
    if any(w.isdigit() or w in NUMBER_VALUES for w in typed):
        return None  # "what are the seven variables": a list asked for
    if re.search(rf"\bthe\s+{re.escape(thing)}", evidence.question, re.I):
        return None  # "what are the dual crises", "what is the rival coalition": theirs
    pattern = term_pattern(thing)
    used = [m.group() for u in evidence.units for m in pattern.finditer(u.text)] if pattern else []
    return thing if used and all(m == m.lower() for m in used) else None


def asks_judge(p: float, slot: float, band: tuple[float, float]) -> bool:
    """Whether the second stage is asked: ``p`` in ``band`` and the asked-for kind of
    thing not missing (``slot`` > 0)."""
    low, high = band
    return low <= p < high and slot > 0


def covers(
    p: float, slot: float, threshold: float, p_yes: float | None, judge_threshold: float
) -> bool:
    """The verdict "covered": the first stage's ``p`` reaches ``threshold`` or, when the
    second stage answered, its ``p_yes`` reaches ``judge_threshold``; and the asked-for
    kind of thing is not missing. (``benchmarks/calibrate_judge.py`` replays this rule.)"""
    yes = p >= threshold if p_yes is None else p_yes >= judge_threshold
    return yes and slot > 0


@dataclass(frozen=True)
class Decision:
    coverage: Coverage
    features: dict[str, float]

    @property
    def p_yes(self) -> float | None:
        """The second stage's P(Yes), when it was asked."""
        return self.coverage.judge

    @property
    def answers(self) -> bool:
        return self.coverage.verdict != "not_covered"


# A group asked to be named, counted by the question: "which 40 countries", "which 40-plus
# countries", "some of the 130 scholars", "the names of the 130 experts".
_COUNT = r"(?:\d+|a\s+hundred|forty|thirty|twenty|dozens?\s+of)(?:[-\s]?plus)?\s+(?:\w+\s+)?"
_COUNTED_GROUP = re.compile(
    rf"(?:\b(?:which|what)\s+|\bwho\s+(?:are|were)\s+the\s+|"
    rf"\b(?:name|names|list)\s+(?:\w+\s+){{0,2}}?(?:of\s+)?the\s+){_COUNT}"
    r"(?P<noun>countries|nations|states|scholars|experts|participants|officials|people|"
    r"signatories|members)\b",
    re.I,
)
_COUNTRY_NOUNS = frozenset(["countries", "nations", "states"])
_NAMING = 4  # names of a kind a unit gives when it names a group rather than counts it


class CoverageJudge:
    """Decides coverage from an ``Evidence`` (see the module's text)."""

    def __init__(
        self,
        settings: CoverageSettings,
        vocabulary: Vocabulary,
        second: YesNoJudge | None = None,
    ) -> None:
        unknown = {n for n in settings.weights for part in n.split("*") if part not in FEATURES}
        if unknown:
            raise ConfigError(
                f"coverage.weights has unknown signal(s) {sorted(unknown)}; known: "
                f"{', '.join(FEATURES)}"
            )
        self.settings = settings
        self.vocabulary = vocabulary
        self.second = second

    def features(self, evidence: Evidence) -> dict[str, float]:
        ranked = evidence.ranked()
        top = ranked[: self.settings.top_units]
        question = evidence.question
        terms = content_terms(question)
        vocabulary = self.vocabulary
        weight = {t: vocabulary.idf(t) for t in terms}
        total = sum(weight.values()) or 1.0
        passage_overlap = rare_overlap = 0.0
        for passage in evidence.passages:
            chunk = passage.chunk
            have = content_terms(f"{chunk.section} {chunk.text}")
            if terms:
                passage_overlap = max(passage_overlap, len(terms & have) / len(terms))
                rare_overlap = max(rare_overlap, sum(weight[t] for t in terms & have) / total)
        return {
            "best": evidence.best(),
            "similarity": max(evidence.similarity, default=0.0),
            "overlap": max(evidence.overlap, default=0.0),
            "passage_overlap": passage_overlap,
            "rare_overlap": rare_overlap,
            "unknown": (sum(not vocabulary.knows(t) for t in terms) / len(terms)) if terms else 0.0,
            "unknown_name": float(
                unknown_name(evidence, names_in(question), vocabulary) is not None
            ),
            "slot": slot_found(slot_of(evidence.asked), evidence, top),
            "focus": focus_found(evidence, top),
        }

    def probability(self, features: dict[str, float]) -> float:
        z = self.settings.bias + sum(
            weight * signal(features, name) for name, weight in self.settings.weights.items()
        )
        return 1.0 / (1.0 + math.exp(-z))

    def only_cited(self, question: str) -> str | None:
        """The one whose words the question asks for ("What did Jake Sullivan say…?"), or
        who it asks about ("Who is Dugard?"), when the documents name them only in a
        footnote's citation of a work: the words, or who they are, are then not in the
        documents, however well the citation matches."""
        # or what a named thing is ("What is the Munich Security Conference?")
        thing = thing_asked(question)
        named = thing if thing and thing[:1].isupper() else None
        if named and re.search(rf"\bthe\s+{re.escape(named)}", question, re.I):
            named = f"the {named}"
        speaker = speaker_of(question) or person_asked(question) or named
        if speaker is None or _MENTIONED.match(question):  # "is john dugard mentioned"
            return None  # (the citation says so)
        *before, last = _ASKED_IN_TURN.split(question)
        if before and _THE_WORK_ASKED.search(last):
            # a follow-up on the work: "who is john dugard? what did he write", "… is he
            # cited for the claim that …?" (its citation, or the sentence citing it)
            return None
        # Of the name's words no sentence of theirs uses, half or more are a citation's
        # ("Jake Sullivan", "Wang Yi", "the Munich Security Report"; not "america's top
        # diplomat", whose "top" is "… At The Top of Their Meeting" and the rest unknown).
        vocabulary = self.vocabulary
        terms = whole_terms(speaker)
        unused = {t for t in terms if t in vocabulary.cited_only or not vocabulary.knows(t)}
        if unused & vocabulary.cited_only and holds_half(unused, vocabulary.cited_only):
            return _as_a_name(speaker, vocabulary.cited_only)  # "dugard": "Dugard"
        return None

    def unheard(self, evidence: Evidence) -> str | None:
        """What the documents lack when a question asks for someone's words and they
        never name the one asked about by any word ("What did Trump say about the
        RBIO?"), or no unit of theirs names both the one asked about and half of the
        subject asked ("What does the 2022 National Security Strategy say about Iran?",
        "What else did Guterres say in his Munich speech about reforming the Security
        Council?"): the words found are on something else. (Half, not all: "What did
        Guterres say about the move away from unipolarity?" is answered by "… the current
        shift away from unipolarity …". A unit names the one asked about with half of
        the name's words the documents use: not the "Security" of "Climate, Peace, and
        Security" for the National Security Strategy; the "State" of "Secretary of State
        Antony Blinken" for "Secretary of State Mike Pompeo", whose other words are none
        of theirs, and whose mistake the answer corrects.)"""
        question = evidence.asked
        speaker = speaker_of(question)
        # "Europeans": the documents' "Europe"
        terms = content_terms(as_places(speaker)) - GENERIC if speaker else set()
        if not speaker or not terms or speaker.lower() in _PRONOUNS:
            return None
        known = {t for t in terms if self.vocabulary.knows(t)}
        if not known:  # "trump": "Trump"
            return _anything_named(_as_a_name(speaker).removeprefix("the "))
        if _MENTIONED.match(question):  # whether named, not their words on a subject
            return None
        topic = topic_of(question)
        about = content_terms(topic) - GENERIC if topic else set()
        if not about:
            return None
        for unit in evidence.units:
            held = content_terms(f"{with_what_it_points_at(unit)} {unit.chunk.context}")
            if holds_half(known, held) and holds_half(about, held):
                return None
        # a name as the documents write it ("Guterres"); "the package" as typed
        return f"what {_as_a_name(speaker, self.vocabulary.capitalised)} said about {topic}"

    def unknown_item(self, question: str) -> str | None:
        """The first numbered item the question names ("proposal 7", "Article 51",
        "footnote 9") that the documents do not have: whatever it is, they do not
        discuss it."""
        return next((i for i in numbered_items(question) if i not in self.vocabulary.items), None)

    def unknown_topic(self, question: str) -> str | None:
        """What the question asks the documents' view of ("election interference"), when
        the documents do not use enough of its words (``unknown_topic``, a share) to
        have one."""
        share = self.settings.unknown_topic
        topic = topic_of(question) if share is not None else None
        terms = whole_terms(topic) if topic else set()
        if share is None or len(terms) < 2:  # one word may be a synonym ("hegemony")
            return None
        unknown = sum(not self.vocabulary.knows(t) for t in terms) / len(terms)
        return topic if unknown >= share else None

    def topic_not_found(self, evidence: Evidence) -> str | None:
        """What the question asks the documents' view of ("climate refugees", "biological
        weapons"), when one of its words is none of the documents' and the best units
        hold at most half of its words: the documents speak of the subject around it
        (climate, weapons), not of it."""
        topic = topic_of(evidence.asked)
        terms = whole_terms(topic) - GENERIC if topic else set()
        if len(terms) < 2 or all(self.vocabulary.knows(t) for t in terms):
            return None  # one word may be a synonym of theirs ("hegemony": "dominance")
        have = terms_held(evidence, evidence.ranked()[: self.settings.top_units])
        return topic if len(terms & have) <= len(terms) / 2 else None

    def only_owner(self, evidence: Evidence) -> str | None:
        """The name the question asks about when the documents write it only as the owner
        of another ("the Quincy Institute’s Better Order Project") and the question asks
        about it, not what it owns: what it is ("What is the Quincy Institute?"), or
        something no sentence naming it holds a word of ("Where is the Quincy Institute
        based?", "Is it left-wing?"), as visitors got the 130 participants' sentence."""
        question = evidence.asked
        lower = question.lower()
        for owner, thing in self.vocabulary.owners.items():
            first = owner.split()[0].lower()
            if not re.search(rf"\b{re.escape(first)}\b", lower):
                continue
            if content_terms(thing) & content_terms(question):
                return None  # asks about what it owns ("… the Quincy Institute's project")
            rest = content_terms(question) - content_terms(owner) - GENERIC - COVERING
            naming = [u for u in evidence.units if owner.lower() in u.text.lower()]
            if not naming:
                return None
            if (not rest and thing_asked(question)) or (
                rest and not any(rest & content_terms(u.text) for u in naming)
            ):
                return owner
        return None

    @staticmethod
    def only_counted(evidence: Evidence) -> str | None:
        """The group a question asks to have named that it counts itself ("Which 40
        countries were the participants from?", "name some of the 130 scholars …"), when
        no unit found names four of its kind: the documents give how many, not which
        (visitors and four sets got "… from all P5 countries …" or the count again)."""
        found = _COUNTED_GROUP.search(evidence.asked)
        if found is None:
            return None
        noun = found.group("noun").lower()
        countries = noun in _COUNTRY_NOUNS
        for unit in evidence.units:
            text = unit.text  # names: runs of capitals after its first word
            named = countries_in(text) if countries else set(_NAME_RUN.findall(text[1:]))
            if len(named) >= _NAMING and (countries or content_terms(noun) & content_terms(text)):
                return None
        return f"which {noun} (they give only how many)"

    def _missing_by_rule(self, evidence: Evidence) -> str | None:
        """What the documents lack, read without weighing signals: the words of someone
        they name only in a citation, a numbered item ("footnote 9", "proposal 7") they
        do not have, an acronym they never spell out, a subject they have no words for."""
        cited = self.only_cited(evidence.question)
        if cited and not evidence.cited_answers:
            # (who someone is, a citation naming them by office answers)
            return f"more about {cited} than a footnote's citation gives"
        if owner := self.only_owner(evidence):
            thing = self.vocabulary.owners[owner]
            return (
                f"anything about the {owner} itself (they name it only in “the {owner}’s {thing}”)"
            )
        if asks_for_reception(evidence.asked):  # before whose words: "critics responded"
            return _RECEPTION_MISSING
        if counted_only := self.only_counted(evidence):
            return counted_only
        if said := self.unheard(evidence):
            return said
        if item := self.unknown_item(evidence.question):  # "footnote 9", "proposal 7"
            kind = item.split()[0]
            a = "an" if item[:1] in "aeiou" else "a"  # "an article 51"
            if any(i.split()[0] == kind for i in self.vocabulary.items):
                return f"anything of {a} {item}, which they do not have"
            return f"anything of {a} {item} (they do not number {_plural(kind)})"
        acronym = acronym_asked(evidence.question)
        if acronym and not _spelt_out(evidence):
            return f"what {acronym} stands for"
        if undefined := self.undefined(evidence):
            return undefined
        if asks_for_origin(evidence.asked) and not any(
            gives_origin(u.text) for u in evidence.units
        ):
            return "where the term comes from (who first used it, or when)"
        if (topic := topic_of(evidence.asked)) and (named := self._named_missing(evidence, topic)):
            # a name the documents never use in what the question asks their view of, one
            # word as much as more: "What is the Quincy Institute's position on Iran?"
            return named
        if topic := self.unknown_topic(evidence.question) or self.topic_not_found(evidence):
            # a name in it the documents never use says most: "anything with the name
            # “Cuba”" for "Does the report want the U.S. to lift its embargo on Cuba?"
            return self._named_missing(evidence, topic) or f"anything about {topic}"
        if beyond_the_citation(evidence):
            return "what the cited work says beyond the footnote's citation of it"
        if asks_for_particulars(evidence):
            return "what the proposals say in particular (only how many address what)"
        # where something is online is no instruction, nor a thing made
        link = slot_of(evidence.asked).kind == "link"
        if asks_what_i_may_do(evidence.asked) and not link:
            return "what you can do, or how (a report gives its readers no instructions)"
        if asks_how_things_stand_now(evidence.question):
            return "how things stand now, only what was so when they were written"
        if name := unknown_lower_name(evidence.asked, self.vocabulary):
            return _anything_named(name)
        if (made := self.unknown_made(evidence.question)) and not link:
            return "anything with the words " + " or ".join(f"“{w}”" for w in made)
        if asks_for_other_languages(evidence.asked):
            return "in which languages the report is published"
        if words := self.unquoted(evidence):
            return f"anything with the words “{words}”"
        if edition := other_edition(evidence):
            return edition
        # Words for the documents' notes ("What sources does it cite?") are not theirs.
        asks_for_notes = evidence.about_sources or numbered_items(evidence.question)
        if not asks_for_notes and (unknown := self.unknown_words(evidence.question, evidence)):
            return self._named_missing(evidence) or "anything with the words " + " or ".join(
                f"“{w}”" for w in unknown
            )
        return None

    @staticmethod
    def undefined(evidence: Evidence) -> str | None:
        """What the documents lack when a question asks what a term means ("what does P5
        mean", "How does the report define 'multilateralism'?") and no unit found says
        what it is (``defines``): a sentence that only uses the term ("… from all P5
        countries …") does not tell a reader what it means."""
        term = term_to_define(evidence.question) or _concept_asked(evidence)
        if term is None or any(defines(u.text, term) for u in evidence.units):
            return None
        shown = term.strip("'\"‘’“” ")  # "what are 'erstwhile cardinal norms'": in our marks
        if any(uses_term(u.text, term) for u in evidence.units):
            return f"what “{shown}” means (they use the term without saying what it is)"
        return f"what “{shown}” means"

    def unknown_made(self, question: str) -> list[str]:
        """What a yes/no question asks whether someone made ("has quincy done a podcast
        or webinar about this report?"), when the documents use none of its words: they
        cannot say whether it exists. Empty otherwise."""
        found = _MADE.match(question)
        if found is None:
            return []
        things = re.split(r"\s+(?:or|and)\s+(?:an?\s+)?", found.group(1))
        if any(self.vocabulary.knows(t) for thing in things for t in content_terms(thing)):
            return []
        return [thing for thing in things if content_terms(thing)]

    def unquoted(self, evidence: Evidence) -> str | None:
        """The first words the question quotes ("Does the NSS call China the 'pacing
        challenge'?") that no passage found holds, nor its section's or document's title: the
        documents do not use them, so they cannot say what the question asks of them."""
        for words in quoted(evidence.question):
            terms = content_terms(words)
            if not terms:
                continue
            held = (
                terms <= content_terms(text)
                for p in evidence.passages
                for text in (p.chunk.document, p.chunk.section, p.chunk.text)
            )
            if not all(self.vocabulary.knows(t) for t in terms) or not any(held):
                return words
        return None

    def _named_missing(self, evidence: Evidence, within: str | None = None) -> str | None:
        """ "anything with the name “Jeffrey Sachs”", for the first name of the question
        (or of its part ``within``) the documents never use ("is israel mentioned": not
        "… the words “israel” or “mentioned”")."""
        named = names_in(within if within is not None else evidence.question)
        unknown = unknown_names(evidence, named, self.vocabulary)
        runs = dict.fromkeys(name_run(evidence.question, name) for name in unknown)
        return _anything_named(*runs) if runs else None

    def unknown_words(self, question: str, evidence: Evidence | None = None) -> list[str]:
        """The words of ``question`` that carry meaning, when there are two or more and
        the documents use none of them ("is the report anti american", "is the report
        peer reviewed"): whatever passage the question's vector is nearest, it says
        nothing the question asks about. Empty otherwise, and when it names a country
        the passages of ``evidence`` name, by another of its names ("USA")."""
        typed = [
            w
            for w in _TYPED_WORD.findall(question)
            if w.lower() not in NAMES_NOTHING and len(w) > 1
        ]
        terms = content_terms(" ".join(typed))
        if len(terms) < 2 or any(self.vocabulary.knows(t) for t in terms):
            return []
        named = countries_in(question)
        if named and evidence is not None and named & countries_held(evidence):
            return []
        return list(dict.fromkeys(typed))

    def decide(self, evidence: Evidence) -> Decision:
        features = self.features(evidence)
        p = self.probability(features)
        nearest = self.nearest(evidence)
        slot = slot_of(evidence.asked)
        settings = self.settings
        missing_rule = self._missing_by_rule(evidence)
        if missing_rule:
            coverage = Coverage(
                verdict="not_covered", missing=missing_rule, nearest=nearest, score=round(p, 4)
            )
            return Decision(coverage=coverage, features=features)
        if _asks_only_for_notes(evidence) or _spelt_out(evidence) or _refers_to(evidence):
            coverage = Coverage(verdict="covered", nearest=nearest, score=round(p, 4))
            return Decision(coverage=coverage, features=features)
        p_yes = None
        if self.second is not None and asks_judge(p, features["slot"], settings.judge_band):
            try:
                p_yes = self.second.p_yes(evidence)
            except ModelError as exc:
                log.warning(
                    "coverage judge %s failed (%s); the first stage decides", self.second.name, exc
                )
        if covers(p, features["slot"], settings.threshold, p_yes, settings.judge_threshold):
            verdict = "covered"
        elif features["slot"] == 0 and p >= self.settings.partial_threshold:
            verdict = "partial"  # the subject is there, the asked-for thing is not
        else:
            verdict = "not_covered"
        missing = None
        if verdict != "covered":
            missing = slot.describe(evidence.asked) or self._named_missing(evidence)
        coverage = Coverage(
            verdict=verdict,
            missing=missing,
            nearest=nearest,
            score=round(p, 4),
            judge=None if p_yes is None else round(p_yes, 4),
        )
        return Decision(coverage=coverage, features=features)

    def nearest(self, evidence: Evidence) -> list[NearestSection]:
        """The sections of the best passages, one entry per section, footnotes left out."""
        out: list[NearestSection] = []
        seen: set[tuple[str, str]] = set()
        for passage in evidence.passages:
            chunk = passage.chunk
            key = (chunk.doc_id, chunk.section)
            if chunk.kind == "footnote" or key in seen:
                continue
            seen.add(key)
            out.append(
                NearestSection(
                    document=chunk.document,
                    section=chunk.section,
                    chunk_id=chunk.id,
                    url=passage_link(chunk),
                )
            )
            if len(out) == self.settings.nearest:
                break
        return out
