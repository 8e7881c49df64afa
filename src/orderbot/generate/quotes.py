"""Choosing what to quote: the units that answer, completed to the unit that answers.

The best-scoring units are taken (within ``margin`` of the best, at most ``limit``), then
completed: a sentence that announces items ("two major crises", "three categories … seven
variables") brings the sentences that name them ("First, …", "Second, …") or the list that
follows it, and a sentence that continues one ("Second, …") brings the one it continues
when a list is asked for;
asked for the items by the plural announced ("What are the three groupings?", "list the
categories"), the announcing sentence leads when it scores near the best, and one of the
items ("A potential third grouping …") brings the announcement and all of them.
Asked for something other than the list or its count, the best sentence announcing items
that the next sentences open one by one brings the item that answers best (or the one an
ordinal points to: "What is the first crisis …?"), since it names none of them.
"What is the RBIO?" starts with the sentence that spells the acronym out. Bibliographic
lines are quoted only for questions about a source, and then a quoted sentence that
carries a footnote marker brings the line of the work it cites ("What was the title of the
speech cited…?" is answered by the footnote, not by the sentence that cites it), before
it unless someone's words are asked for. A "why"
question whose best sentence states no reason brings the sentence after it, where the
report usually gives the reason ("… will not, on its own, address the challenges …" is
followed by "… efforts to foster … updated norms … are necessary."). A request to say more
about something ("Tell me more about “the world faces a new set of … crises”") brings the
sentences after the best one that go on about it ("These call into question …", "These
include climate change, …"). Any other question's best sentence brings the next one when
that qualifies it ("However, …"): quoted alone, it would say what the report goes on to
take back, or the sentences up to the one that names what it speaks of ("These include
climate change, …"); and one that says what is not wanted ("neither … nor …") brings the
one that says what is ("Rather, …").
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from orderbot.generate.asked import (
    Slot,
    count_per_part,
    sentences_asked,
    slot_of,
    speaker_of,
    without_saying,
)
from orderbot.generate.countries import as_places
from orderbot.generate.evidence import (
    COVERING,
    GENERIC,
    GIVES_REASON,
    GOES_ON,
    NUMBER_VALUES,
    OPENS_AN_ITEM,
    OPENS_ANOTHER_ITEM,
    Evidence,
    NextChunk,
    Unit,
    chunk_units,
    content_terms,
    counted,
    defines,
    goes_on,
    holds_half,
    holds_words,
    previous_sentence,
    with_what_it_points_at,
)
from orderbot.generate.lists import enumerations, group_named
from orderbot.models import Chunk
from orderbot.ordinals import reference
from orderbot.question import (
    acronym_asked,
    acronym_defined,
    asks_for_all_sources,
    notes_named,
    quoted,
    refers_to_words,
    spells_out,
    thing_asked,
)

_ANNOUNCES = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|[2-9])\s+(?:[\w-]+\s+){0,2}?"
    r"([a-z]+(?:ies|es|s))\b",
    re.IGNORECASE,
)
_CONTINUES = re.compile(r"^(second|third|fourth|finally|lastly|another)\b", re.IGNORECASE)
# "Can you list the seven variables …?", "please name them", "Give me the seven variables
# in order": a request is a question.
# (from the question's start, or a sentence's in it: "the report says the world faces two
# crises. what are they?")
_REQUEST = (
    r"(?:^|(?<=[.?!])\s)\s*(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?|"
    r"please\s+|pls\s+)?"
)
_LIST_QUESTION = re.compile(
    # "Into which three categories are the proposals grouped?": a preposition first
    _REQUEST + r"(?:(?:into|in|under|to|among|across|between)\s+)?"
    r"(what|which|list|name|who|give|show|tell\s+me)\b"
    r".*\b(are|were|include|includes|make up|groupings?|"
    r"categories|variables|crises|domains|areas|ways|items|proposals|elements)\b",
    re.IGNORECASE,
)
_EACH_LIMIT = 8  # at most this many units, each giving one item's figure
_FIGURE_RANKS = 2  # a unit giving the figure asked for answers from this rank up
_WHY = re.compile(r"^\s*(why|how come|what makes|for what reason)\b", re.IGNORECASE)
# A sentence that states a consequence of the one before it: "As a result, the coming
# decade will see increasingly fierce competition…" gives its reason one sentence earlier.
_FOLLOWS_FROM = re.compile(
    r"^(as a result|consequently|therefore|thus|hence|accordingly|for this reason|"
    r"because of this|as such)\b",
    re.IGNORECASE,
)

# "Tell me more about …", "Can you explain …", and a follow-up about one sentence of an
# earlier answer ("What about “the world faces …”?", as ``orderbot.conversation`` words it).
_ELABORATE = re.compile(
    r"^\s*(tell me (more )?about|(tell me|say|know) more|more (about|on)\b|"
    r"(can you |could you |please )*(explain|elaborate|expand|go into)|what about “)",
    re.IGNORECASE,
)
_FIRST_ITEM = re.compile(r"^first\b", re.IGNORECASE)
# A sentence that names what the one before it speaks of: "Second, the world faces a new
# set of interconnected crises and challenges …" is followed by "These include climate
# change, artificial intelligence, …".
_NAMES_THEM = re.compile(r"^(these|they|those)\s+(include|included|are|were|comprise)\b", re.I)
_MORE = 4  # sentences at most that a request for more brings
# A sentence that qualifies the one before it: "Other aspects … are also in need of
# reform, from trade … to public health." is followed by "*However*, … this report
# specifically addresses the international security order …".
_BUT = re.compile(r"^(however|nonetheless|nevertheless|that said),", re.I)
# A sentence that says what is not wanted ("The way forward is neither … nor …"), and
# the one after it that says what is ("Rather, … require a rejuvenated … order …"),
# as after any sentence saying what is not ("… our intellectual starting point was not
# current realities …", then "Instead, we envisioned a scenario around 2040 …"); not
# "Instead of birthing a multipolar world, …", which stands alone.
_NEITHER = re.compile(r"\bneither\b[^.?!]*\bnor\b", re.I)
_INSTEAD = re.compile(r"^(rather|instead),", re.I)
# A sentence that adds to the one before it: "It should also enable policymakers to …"
# after "A revised international security order must be adjusted to …".
_ALSO = re.compile(
    r"^(?:(?:it|they|this|these|such\s+\w+)\b[^.;]{0,30}?\balso\b|"
    r"(?:moreover|furthermore|in\s+addition|additionally),)",
    re.I,
)


@dataclass(frozen=True)
class Quote:
    unit: Unit
    score: float


def announced_count(text: str) -> int:
    """How many items a sentence announces ("two major crises": 2; "two or more
    groupings": up to 9), 0 if none."""
    found = _ANNOUNCES.search(text)
    if not found:
        return 0
    word = found.group(1).lower()
    if re.search(r"\bor more\b", found.group(0), re.IGNORECASE):
        return 9
    return int(NUMBER_VALUES.get(word, word))


def choose(
    evidence: Evidence,
    *,
    min_score: float,
    limit: int,
    margin: float,
) -> list[Quote]:
    """The quotes that answer ``evidence.question``, in reading order within a passage.
    For an overview ("Summarize the report"), the passages are the document's section
    openings in reading order (``evidence.outline``), and each brings its first sentence
    (or its list)."""
    if evidence.outline:
        return overview(evidence)
    if notes := _notes_named(evidence):
        return notes
    if spelt := _spelling_out(evidence):
        return spelt
    scores = evidence.scores
    sources_ok = evidence.about_sources
    order = evidence.answering()
    if not order:
        return []
    # Within two margins of the best, or among the few best: "how many countries were the
    # participants from" is answered by "… from over 40 countries", second to the
    # coalition's sentence holding both its words.
    reach = min(scores[order[0]] - 2 * margin, scores[order[min(_FIGURE_RANKS, len(order)) - 1]])
    slot = slot_of(evidence.asked)
    giving = _giving_the_figure(evidence, order, reach)
    if not giving and slot.kind == "number" and slot.noun:
        # "How many proposals are in the Better Order Project package?": the sentences
        # naming the project score best, and the one counting proposals answers wherever
        # it ranks above the floor, when it holds half the question's words besides the
        # counted noun ("… this package of reforms contains 20 proposals …"; not "… more
        # than 130 leading scholars … from over 40 countries" for "How many countries
        # lead the rival coalition?").
        besides = content_terms(evidence.question) - {slot.noun} - GENERIC
        giving = [
            i
            for i in _giving_the_figure(evidence, order, min_score)
            if holds_half(besides, content_terms(evidence.units[i].text))
        ]
    if not giving and slot.kind in ("amount", "date"):
        # "In which month was Dugard's article published?": no unit near the best gives
        # one, and a sum or a date is written or not there. (A count may be answered by
        # the things it counts: "How many countries lead the rival coalition?", "… led by
        # China and Russia …".)
        return []
    # "what does "fester" refer to": the sentence holding the words answers, however it
    # scores (what the documents refer to by them is around them)
    refers = refers_to_words(evidence.question)
    if refers:
        order = _quoting_the_question(evidence, order, 0.0)
    if (
        scores[order[0]] < min_score
        and not giving
        and not (refers and _holds_quoted(evidence, order[0]))
    ):
        # Nothing reaches the floor, and only a unit that gives the figure or date asked
        # for may answer then ("What year was the future scenario … set in?": "… around
        # 2040 …").
        return []
    if (per_part := count_per_part(evidence.asked)) and (
        each := _giving_the_figure(evidence, order, 0.0, per_part)
    ):
        # "How many proposals are in each category?", "Which category has the most
        # proposals?": a figure per category, so every unit that gives one, in the
        # passages' order (the three categories' sentences, not only the total and the
        # best-scoring category).
        return [Quote(evidence.units[i], scores[i]) for i in sorted(each)[:_EACH_LIMIT]]
    order = _the_total(evidence, giving) or _saying_what_it_is(
        evidence, _first_mention(evidence, order, margin), min_score
    )
    order = _quoting_the_question(evidence, order, min_score)
    order = _speaker_first(evidence, order, reach)
    order = _announcing_first(evidence, order, 2 * margin)
    # The best unit that gives the figure or date asked for (and shares a word with the
    # question) answers it though it scores under ``min_score``: "What year is the
    # scenario set in?" is answered by "… a scenario around 2040 …".
    floor = max(min(min_score, scores[order[0]]), scores[order[0]] - margin)
    chosen: list[Quote] = []
    for i in order:
        unit = evidence.units[i]
        if scores[i] < floor or len(chosen) >= limit:
            break
        if any(_same(unit, q.unit) for q in chosen):
            continue
        chosen.append(Quote(unit, scores[i]))
    listy = bool(_LIST_QUESTION.search(evidence.asked))
    # The best quote brings the sentences it needs; so does one the question quotes that
    # states what the next explains ("Why does the report insist … is not a trivial
    # matter?": "This is not a trivial matter.", then the sentence that says why).
    chosen = [
        extra
        for k, quote in enumerate(chosen)
        for extra in (
            _with_what_follows(quote, evidence)
            if k == 0 or _quoted_statement(quote.unit, evidence)
            else [quote]
        )
    ]
    completed: list[Quote] = []
    for k, quote in enumerate(chosen):
        works = _cited_works(quote) if sources_ok else []
        # Asked about a cited work ("what was the title of guterres's speech"), the best
        # sentence's citation of it answers, and the sentence citing it follows; asked for
        # someone's words ("What did Guterres warn about in the quoted remarks?"), the
        # sentence quoting them does.
        first = k == 0 and speaker_of(evidence.asked) is None
        lead = works if first else []
        rest = [] if first else works
        for extra in [*lead, *_complete(quote, evidence, listy, evidence.next_chunk), *rest]:
            if not any(_same(extra.unit, q.unit) for q in completed):
                completed.append(extra)
    if completed and (described := _describing(completed[0], evidence)):
        completed.append(described)
    defined = acronym_defined(evidence.question)
    if defined and (spelling := _spelling(evidence, defined)):
        # "What is the RBIO?" starts with what it stands for.
        completed = [spelling, *(q for q in completed if not _same(q.unit, spelling.unit))]
    return [_group_of(q, evidence.question) for q in completed]


# "What is the Preventing Nuclear War variable about?", "What does the AI variable
# cover?": what one item of a list is about, which the list only names.
_DESCRIBE = re.compile(
    r"^\s*what\b.*\b(?:about|cover|covers|focus|focuses|deal with|deals with|address|"
    r"addresses|mean|means|involve|involves|entail|entails)\b",
    re.I,
)


def _describing(lead: Quote, evidence: Evidence) -> Quote | None:
    """When ``lead`` is a list and the question asks what one of its items is about,
    the best sentence that speaks of that item ("… strengthen nuclear risk reduction and
    disarmament …" for "Preventing Nuclear War"): the list names it, the sentence says
    what it covers."""
    if lead.unit.kind != "list" or not _DESCRIBE.match(evidence.asked):
        return None
    asked = content_terms(evidence.asked)
    named = [
        item
        for listed in enumerations(lead.unit.text)
        for item in listed.items
        if len(terms := content_terms(item) - GENERIC) >= 2 and terms <= asked
    ]
    if len(named) != 1:
        return None
    labels = {
        t for listed in enumerations(lead.unit.text) for t in content_terms(listed.label or "")
    }
    wanted = content_terms(named[0]) - GENERIC - labels
    for i in evidence.answering():
        unit = evidence.units[i]
        if unit.kind == "sentence" and wanted & content_terms(unit.text):
            return Quote(unit, evidence.scores[i])
    return None


def _spelling_out(evidence: Evidence) -> list[Quote]:
    """For a question asking what an acronym stands for: the best unit that spells it
    out, the words before "(RBIO)". The units that use the acronym score better, and
    none of them says what it stands for."""
    acronym = acronym_asked(evidence.question)
    spelt = _spelling(evidence, acronym) if acronym else None
    return [spelt] if spelt else []


def _spelling(evidence: Evidence, acronym: str) -> Quote | None:
    """The best unit that spells ``acronym`` out."""
    spelt = [i for i in evidence.ranked() if spells_out(evidence.units[i].text, acronym)]
    return Quote(evidence.units[spelt[0]], evidence.scores[spelt[0]]) if spelt else None


def _notes_named(evidence: Evidence) -> list[Quote]:
    """For a question that names footnotes by number ("What does footnote 3 cite?", "Who
    wrote the article in footnote 2?"): the whole of each note, in the order named; for
    one that asks for all the sources cited, each note's citation of its work. A
    note's words rarely share any with such a question, so they would not be quoted
    on their score."""
    out: list[Quote] = []
    if asks_for_all_sources(evidence.question):
        # Each note's citation of its work (its first unit when none reads as one).
        for passage in evidence.passages:
            if passage.chunk.kind != "footnote":
                continue
            mine = [i for i, u in enumerate(evidence.units) if u.chunk.id == passage.chunk.id]
            cited = [i for i in mine if evidence.units[i].kind == "bibliography"] or mine[:1]
            out += [Quote(evidence.units[i], evidence.scores[i]) for i in cited]
        return out
    for n in notes_named(evidence.question):
        out += [
            Quote(unit, evidence.scores[i])
            for i, unit in enumerate(evidence.units)
            if unit.chunk.note == n
        ]
    return out


def _group_of(quote: Quote, question: str) -> Quote:
    """A grouped list, cut to the group the question is about ("What about Use of
    Force?": Regulation of Force and Coercion's four variables, not all seven)."""
    if quote.unit.kind != "list" or (group := group_named(quote.unit.text, question)) is None:
        return quote
    return Quote(replace(quote.unit, text=group), quote.score)


_GIVEN = ("number", "amount", "date")  # what a unit gives, or does not


def _giving_the_figure(
    evidence: Evidence, order: list[int], reach: float, slot: Slot | None = None
) -> list[int]:
    """For a question that asks for a figure, a sum or a date: the units that give one
    and score above ``reach`` (twice the margin below the best); none when no unit does
    or the question asks for no such thing. "How
    many countries did participants come from?" is answered by "… from over 40
    countries", not by the better-scoring sentence about the participants' coalition;
    "How many proposals…?" by the 20 proposals alone, without the 130 participants.
    ``slot``: the thing asked for, when not the question's own (``slot_of``)."""
    slot = slot or slot_of(evidence.asked)
    if slot.kind not in _GIVEN:
        return []
    units = evidence.units
    return [
        i
        for i in order
        if slot.given_by(evidence.question, units[i].text, about=units[i].chunk.context)
        and (evidence.standing(i) if slot.kind == "date" else evidence.scores[i]) >= reach
    ]


def _the_total(evidence: Evidence, giving: list[int]) -> list[int]:
    """``giving`` (the units that give the figure asked for, best first), or the best
    alone when it gives the largest count of the asked-for noun among them: "How many
    proposals are there?" is answered by "… contains 20 proposals …", not by it with two
    of the three categories' counts, which would read as all of them. (A question per
    item, "… in each category?", gets every count; one about a part gets the part.)"""
    slot = slot_of(evidence.asked)
    if slot.kind != "number" or not slot.noun or len(giving) < 2:
        return giving

    def largest(i: int) -> float:
        counts = [_value(n) for n, things in counted(evidence.units[i].text) if slot.noun in things]
        return max(counts, default=0.0)

    best = largest(giving[0])
    if best and all(largest(i) <= best for i in giving[1:]):
        return [i for i in giving if largest(i) == best]
    return giving


def _announced_plural(text: str) -> str | None:
    """The plural a sentence announces items of ("categories" of "… three categories …")."""
    found = _ANNOUNCES.search(text)
    return found.group(2).lower() if found else None


# The items a question asks for, by their plural: "list the categories", "what are the
# three groupings", "can you name all the variables", "What four issues …?" (not the
# "crises" of "What characteristics would the world … the unresolved crises … have?").
_PLURAL_ASKED = re.compile(
    _REQUEST + r"(?:list|name|give(?:\s+me)?|tell\s+me|(?:what|which)(?:\s+(?:are|were))?)\s+"
    r"(?:all\s+)?(?:of\s+)?(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,2}?([a-z]+(?:ies|es|s))\b",
    re.IGNORECASE,
)


def _plural_asked(question: str) -> str | None:
    """The plural a question asks for the items of ("groupings" of "what are the three
    possible groupings of states …"), if it asks for a list so."""
    found = _PLURAL_ASKED.match(question)
    return found.group(1).lower() if found else None


def _announcing_first(evidence: Evidence, order: list[int], reach: float) -> list[int]:
    """``order``, with the best sentence announcing the items a question asks for by
    their plural put first, when it scores within ``reach`` of the best: "list the
    categories" is answered by "… distributed across three categories …" and the list
    after it, not first by one category's sentence."""
    asked = _plural_asked(evidence.asked)
    if not order or asked is None:
        return order
    best = evidence.scores[order[0]]
    for i in order:
        unit = evidence.units[i]
        if evidence.scores[i] < best - reach:
            break
        if unit.kind == "sentence" and _announced_plural(unit.text) == asked:
            return [i, *(j for j in order if j != i)]
    return order


def _quoting_the_question(evidence: Evidence, order: list[int], floor: float) -> list[int]:
    """``order``, with the best unit holding words the question quotes put first, when it
    reaches ``floor``; one holding them in quote marks before one holding them bare: "who
    makes the "rules"" is answered by "“Rules” tend to be created by states …", not by
    Blinken's "… rules-based order …"; "the nss's wording "subscribe to"" by "… countries
    can “subscribe to,” …"."""
    holding = [i for i in order if evidence.scores[i] >= floor and _holds_quoted(evidence, i)]
    if not holding:
        return order
    first = max(holding, key=lambda i: _holds_quoted(evidence, i))  # first of the best kind
    return [first, *(i for i in order if i != first)]


def _holds_quoted(evidence: Evidence, i: int) -> int:
    """How unit ``i`` holds words the question quotes (``holds_words``)."""
    text = evidence.units[i].text
    return max((holds_words(text, q) for q in quoted(evidence.question)), default=0)


def _saying_what_it_is(evidence: Evidence, order: list[int], floor: float) -> list[int]:
    """``order``, with the best unit that says what the thing asked about is put first,
    when it reaches ``floor``: "… superstructure accepted by both camps in the form of
    the United Nations …" before "… a heavily degraded superstructure …", which only
    uses the word."""
    thing = thing_asked(evidence.question)
    saying = [
        i
        for i in order
        if thing and evidence.scores[i] >= floor and defines(evidence.units[i].text, thing)
    ]
    return [saying[0], *(i for i in order if i != saying[0])] if saying else order


def _first_mention(evidence: Evidence, order: list[int], reach: float) -> list[int]:
    """``order``, with the first unit in reading order that names the thing asked about
    put first, among those naming it, scoring within ``reach`` of the best and in the
    document of the best of them: a text says what a thing is where it first brings it
    up ("… the Quincy Institute’s Better Order Project brought together more than 130
    …"), not where it next mentions it ("However, given the focus and expertise of the
    Better Order Project participants …")."""
    thing = thing_asked(evidence.question)
    if not thing or not order or not (name := content_terms(thing)):
        return order
    best = evidence.scores[order[0]]
    naming = [
        i
        for i in order
        if evidence.scores[i] >= best - reach and name <= content_terms(evidence.units[i].text)
    ]
    if not naming:
        return order
    document = evidence.units[naming[0]].chunk.doc_id  # reading order is a document's
    naming = [i for i in naming if evidence.units[i].chunk.doc_id == document]

    def place(i: int) -> tuple[int, int]:
        unit = evidence.units[i]
        return (unit.chunk.paragraph_start, unit.position)

    first = min(naming, key=place)
    return [first, *(i for i in order if i != first)]


def _speaker_first(evidence: Evidence, order: list[int], reach: float) -> list[int]:
    """``order``, with the best unit naming the one whose words or view the question asks
    for put first, when it scores within ``reach``: "How do Europeans view the RBIO?" is
    answered by "Observers in the West, especially in Europe, tend to view it as …", not
    by what Washington perceives."""
    speaker = speaker_of(evidence.asked)
    name = content_terms(as_places(speaker)) - GENERIC if speaker else set()
    if not name or not order:
        return order
    # the rest of the question, read in what a sentence's "it" points at
    rest = content_terms(without_saying(evidence.asked)) - content_terms(speaker or "") - GENERIC
    naming = [
        i
        for i in order
        if evidence.units[i].kind == "sentence"
        and holds_half(name, content_terms(evidence.units[i].text))
        and (
            evidence.scores[i] >= reach
            or holds_half(rest, content_terms(with_what_it_points_at(evidence.units[i])))
        )
    ]
    if not naming:
        return order
    # the one naming most of the name ("Outside of the West …" for "people outside the
    # West", before "Observers in the West …")
    first = max(naming, key=lambda i: len(name & content_terms(evidence.units[i].text)))
    return [first, *(i for i in order if i != first)]


def _value(number: str) -> float:
    """A figure's value ("20", "1.5"); 0 for a run of digits that is none ("1.2.3")."""
    try:
        return float(number)
    except ValueError:
        return 0.0


def overview(evidence: Evidence) -> list[Quote]:
    """The first sentence (or list) of each passage, in the passages' order (the units
    come passage by passage, each passage's in reading order). Asked for a number of
    sentences ("in three sentences"), as many, spread over the document, sentences
    before lists."""
    out: dict[str, Quote] = {}
    for unit, score in zip(evidence.units, evidence.scores, strict=True):
        if unit.kind != "bibliography" and unit.chunk.id not in out:
            out[unit.chunk.id] = Quote(unit, score)
    quotes = list(out.values())
    wanted = sentences_asked(evidence.asked)
    if wanted is None or wanted >= len(quotes):
        return quotes
    sentences = [q for q in quotes if q.unit.kind == "sentence"]
    pool = sentences if len(sentences) >= wanted else quotes
    if wanted == 1:
        return pool[:1]
    return [pool[round(i * (len(pool) - 1) / (wanted - 1))] for i in range(wanted)]


def _with_what_follows(quote: Quote, evidence: Evidence) -> list[Quote]:
    """The best quote, and the sentences around it that it needs: for a "why" question
    whose sentence states a consequence ("As a result, …"), the one before it, which gives
    the reason; whose sentence states no reason, the next one; for a request to say more,
    those that go on about it; else the next one when that qualifies it ("However, …")
    or adds to it ("It should also …"), or says what is wanted after it said what is not
    ("… neither the promotion of the RBIO nor …", then "Rather, … a rejuvenated,
    inclusive global order …")."""
    unit = quote.unit
    if unit.kind != "sentence":
        return [quote]
    question = evidence.asked
    after = _next_sentences(unit)
    if _WHY.search(question):
        if _FOLLOWS_FROM.match(unit.text):  # its reason is the sentence before it
            return [*(Quote(s, quote.score) for s in previous_sentence(unit)), quote]
        extra = [] if GIVES_REASON.search(unit.text) else after[:1]
    elif _ELABORATE.search(question):
        extra = list(itertools.takewhile(lambda s: goes_on(s.text), after))[:_MORE]
    elif _WHAT_HAPPENS.match(question):
        # "What happens when more states can disregard norms?": the next sentence says,
        # when it goes on about this one ("When a larger number of states enjoy *that*
        # freedom, collective lawlessness risks …"; a visitor got the first alone)
        extra = [s for s in after[:1] if _POINTS_AT.search(s.text)]
    elif _NEITHER.search(unit.text):
        extra = [s for s in after[:1] if _INSTEAD.match(s.text)]
    elif (
        not _LIST_QUESTION.search(question)
        and slot_of(question).kind != "number"  # "how many …?": the count answers
        and (best := _best_item(quote, evidence))
    ):
        return [quote, *best]
    else:
        extra = (
            [
                s
                for s in after[:1]
                if _BUT.match(s.text) or _INSTEAD.match(s.text) or _ALSO.match(s.text)
            ]
            or _named(after)
            or _finishes(unit, after[:1], evidence.question)
        )
    return [quote, *(Quote(s, quote.score) for s in extra)]


# "What happens when …?", "what would happen if …", "what are the consequences of …": what
# follows from something.
_WHAT_HAPPENS = re.compile(
    r"^\s*what\s+(?:happens|(?:would|will|could|might)\s+happen|are\s+the\s+"
    r"(?:consequences|effects|results)|is\s+the\s+(?:consequence|effect|result))\b",
    re.I,
)
# A sentence that speaks of what the one before named: "… enjoy that freedom …".
_POINTS_AT = re.compile(r"\b(?:that|this|these|those|such)\s+(?!is\b|was\b)[a-z]+", re.I)


# "How did the two Cold War camps manage to coexist?": how something is or was done.
_HOW_DID = re.compile(r"^\s*how\s+(?:did|do|does|is|are|was|were|can|could|would)\b", re.I)


def _finishes(unit: Unit, after: list[Unit], question: str) -> list[Unit]:
    """The next sentence when it goes on about ``unit`` and holds a word of the question
    that ``unit`` lacks, or the question asks how: "did the two cold war orders follow
    rules?" is answered by "Those two orders also learned to operate … based on
    agreed-upon rules.", after the sentence on the Cold War's two orders (a visitor got
    that one alone), and so is `tune`'s "How did the two Cold War camps manage to
    coexist…?"."""
    wanted = content_terms(question) - GENERIC - content_terms(unit.text)
    how = bool(_HOW_DID.match(question))
    return [s for s in after if GOES_ON.match(s.text) and (how or wanted & content_terms(s.text))]


_STATEMENT_WORDS = 10  # a sentence this short states what the next ones explain


def _quoted_statement(unit: Unit, evidence: Evidence) -> bool:
    """``unit`` is a sentence whose words the question repeats, and a short one ("This
    is not a trivial matter.") or one the next sentence goes on about ("… a multi-order
    world may come into existence …", then "This would risk hollowing out …"): what it
    states, the sentences after it explain."""
    if not evidence.phrased[evidence.units.index(unit)]:
        return False
    return len(unit.text.split()) <= _STATEMENT_WORDS or any(
        goes_on(s.text) for s in _next_sentences(unit)[:1]
    )


def _named(after: list[Unit]) -> list[Unit]:
    """The sentences up to the one that names what the quoted sentence speaks of ("These
    include climate change, …"), when the ones between go on about it ("These call into
    question …"); none otherwise."""
    for k, sentence in enumerate(after[:2]):
        if _NAMES_THEM.match(sentence.text):
            return after[: k + 1]
        if not GOES_ON.match(sentence.text):
            break
    return []


def _next_sentences(unit: Unit) -> list[Unit]:
    """The sentences right after ``unit`` in its passage, in reading order, up to the first
    unit that is not one (a list, a bibliographic line, a withheld instruction)."""
    out: list[Unit] = []
    for sibling in chunk_units(unit.chunk, unit.rank):
        if sibling.position <= unit.position:
            continue
        if sibling.kind != "sentence" or sibling.position != unit.position + len(out) + 1:
            break
        out.append(sibling)
    return out


def _same(a: Unit, b: Unit) -> bool:
    return a.chunk.id == b.chunk.id and (a.text in b.text or b.text in a.text)


def _cited_works(quote: Quote) -> list[Quote]:
    """The bibliographic lines of the footnotes that ``quote``'s sentence carries, or of
    the footnote it is in ("source?" after the Blinken quote that footnote 1 holds)."""
    unit = quote.unit
    if unit.chunk.kind == "footnote":
        return [
            Quote(u, quote.score)
            for u in chunk_units(unit.chunk, unit.rank)
            if u.kind == "bibliography" and u.position > unit.position
        ]
    out = []
    for n in unit.footnotes:
        if (work := unit.chunk.cited_work(n)) is not None:
            out += [Quote(u, quote.score) for u in chunk_units(work, unit.rank)]
    return [q for q in out if q.unit.kind == "bibliography"]


def _complete(
    quote: Quote, evidence: Evidence, listy: bool, next_chunk: NextChunk | None
) -> list[Quote]:
    """``quote`` with the units that complete it, in reading order."""
    unit = quote.unit
    if unit.kind != "sentence":
        return [quote]
    siblings = chunk_units(unit.chunk, unit.rank)
    here = next((k for k, s in enumerate(siblings) if s.position == unit.position), None)
    if here is None:
        return [quote]
    if listy and (series := _series_of(unit, siblings[:here], next_chunk, evidence.asked)):
        # "What are the three groupings of states?" is best matched by "A potential third
        # grouping …", one item of those "two or more groupings" announced: the list asked
        # for is all of them.
        return [Quote(u, quote.score) for u in series]
    out = [quote]
    # "Second, …": bring what it continues; not for a count it gives ("how many proposals
    # on regional flashpoints": "Finally, under Regional Flashpoints …, we present three
    # proposals …", not the other category's five before it)
    counts = slot_of(evidence.asked).kind == "number"
    # nor for what the sentence alone names all of ("which flashpoints do the regional
    # proposals address": "Finally, under Regional Flashpoints …", a visitor's got the
    # Transnational category's sentence first)
    asked = content_terms(evidence.asked) - GENERIC - COVERING
    # (all of them, or all but one of four or more: "What will happen in Europe and the
    # Middle East if the conflicts are left to fester?" is answered by the sentence alone)
    missing = asked - content_terms(unit.text)
    whole = not missing or (len(missing) == 1 and len(asked) >= _NAMES_ALL_BUT_ONE)
    if _CONTINUES.match(unit.text) and here > 0 and not counts and listy and not whole:
        out.insert(0, Quote(siblings[here - 1], quote.score))
    count = announced_count(unit.text)
    if not count or not listy:
        return out
    items = _announced(unit, siblings[here + 1 :], count, next_chunk)
    return out + [Quote(item, quote.score) for item in items]


_SERIES_REACH = 4  # an item is at most this many sentences after the one announcing it
_NAMES_ALL_BUT_ONE = 4  # a question's words a sentence names all but one of names it


def _series_of(
    unit: Unit, before: list[Unit], next_chunk: NextChunk | None, question: str
) -> list[Unit]:
    """When ``unit`` is one of the items a sentence shortly before it announces ("A
    potential third grouping …" of "… two or more groupings") and ``question`` asks for
    them all, by the plural the sentence announces ("groupings"; not "What is the
    like-minded grouping?"): that sentence and all its items, in reading order; else
    none. ``before``: the units before ``unit`` in its passage."""
    if not (OPENS_AN_ITEM.match(unit.text) or OPENS_ANOTHER_ITEM.match(unit.text)):
        return []
    for k in range(len(before) - 1, max(len(before) - 1 - _SERIES_REACH, -1), -1):
        head = before[k]
        count = announced_count(head.text) if head.kind == "sentence" else 0
        if not count:
            continue
        if _announced_plural(head.text) != _plural_asked(question):
            return []
        items = _announced(
            head, [*before[k + 1 :], unit, *_next_sentences(unit)], count, next_chunk
        )
        if any(_same(item, unit) for item in items):
            return [head, *items]
        return []
    return []


def _best_item(quote: Quote, evidence: Evidence) -> list[Quote]:
    """For a sentence announcing items that the next sentences open one by one ("… two
    major crises …", then "First, …", "Second, …"), the item that best answers the
    question: the announcement names none of them ("As clout has moved…, what have the
    bodies that run world affairs failed to do?" is answered by "First, … the institutions
    … have not changed to reflect this reality")."""
    unit = quote.unit
    count = announced_count(unit.text)
    after = _next_sentences(unit)
    if not count or not after or not _FIRST_ITEM.match(after[0].text):
        return []
    items = _announced(unit, after, count, evidence.next_chunk)
    pointed = reference(evidence.asked)  # "What is the first crisis …?"
    if pointed is not None and 0 < abs(pointed.ordinal) <= len(items):
        item = items[pointed.ordinal - 1 if pointed.ordinal > 0 else -1]
        return [Quote(item, _score_of(item, evidence) or quote.score)]
    scored = [(s, item) for item in items if (s := _score_of(item, evidence)) is not None]
    if not scored:
        return []
    score, item = max(scored, key=lambda pair: pair[0])
    return [Quote(item, score)]


def _score_of(unit: Unit, evidence: Evidence) -> float | None:
    """``unit``'s score in ``evidence``, None when its passage was not retrieved."""
    return next(
        (
            evidence.scores[i]
            for i, u in enumerate(evidence.units)
            if u.chunk.id == unit.chunk.id and u.position == unit.position
        ),
        None,
    )


def _announced(
    unit: Unit, following: list[Unit], count: int, next_chunk: NextChunk | None
) -> list[Unit]:
    """The items ``unit`` announces (``count`` of them): the list after it, or the
    sentences that open an item ("First, …", "Second, …"), read on into the next
    passages while they go on with the items."""
    out: list[Unit] = []
    chunk: Chunk | None = unit.chunk
    family: re.Pattern[str] | None = None  # items are all ordinals, or all of the other kind
    while len(out) < count and chunk is not None:
        for sibling in following:
            if sibling.kind == "list":
                return [*out, sibling]
            if family is None:
                families = (OPENS_AN_ITEM, OPENS_ANOTHER_ITEM)
                family = next((f for f in families if f.match(sibling.text)), None)
            if family is not None and family.match(sibling.text):
                out.append(sibling)
                if len(out) >= count:
                    break
        if len(out) >= count or next_chunk is None:
            break
        chunk = next_chunk(chunk)
        if chunk is None or chunk.kind == "footnote":
            break
        following = chunk_units(chunk, unit.rank)
        starts_item = (
            family is not None and bool(following) and bool(family.match(following[0].text))
        )
        if following and following[0].kind != "list" and not starts_item:
            break
    return out
