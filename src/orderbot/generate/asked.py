"""What a question asks for, read from its wording alone: the typed thing ("how many N",
when, who, where: ``slot_of``) and the word that names it (``focus_of``). Coverage looks
for them in the evidence; the check of a model's sentence holds a "how many" answer to
counting the asked-for noun. A question that asks for the gist of a whole document
("Summarize the report", "What is this report about?": ``asks_for_overview``) is answered
from the document's own outline, not from the passages its words happen to match. The
one whose words a question asks for ("What did Jake Sullivan say…?": ``speaker_of``) is
looked for in the documents' prose, not only in a footnote's citation."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from orderbot.acronyms import in_words, without_abbreviations
from orderbot.generate.countries import (
    countries_in,
    countries_of_people,
    country_names,
    country_words,
    demonyms,
)
from orderbot.generate.evidence import (
    GENERIC,
    NUMBER_VALUES,
    SUBORDINATE,
    Figure,
    content_terms,
    counted,
    figures,
    holds_half,
    labels,
    names,
    whole_terms,
    without_source_words,
    words,
)
from orderbot.question import asks_what_it_is
from orderbot.stopwords import PRONOUNS, STOP

_HOW_MANY = re.compile(r"\bhow\s+(many|much)\s+([^?!;:,]*)", re.I)
_TOKEN = re.compile(r"[\w.'’-]+")
# A date asked for to the month or to the day: "In which month of 2023 did the experts
# meet?" is not answered by "in 2023 and 2024", nor "On what date…?" by a year alone.
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_YEAR = re.compile(r"\b(?:1[89]\d{2}|20\d{2})\b")
_MONTH = re.compile(rf"\b(?:{_MONTHS})\b")
_DAY = re.compile(rf"\b(?:{_MONTHS})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b")
_WHICH_MONTH = re.compile(r"^\s*(?:in\s+)?(?:which|what)\s+month\b", re.I)
_WHICH_DAY = re.compile(r"^\s*(?:on\s+)?(?:which|what)\s+(?:exact\s+)?(?:date|day)\b", re.I)
_WHEN = re.compile(
    r"^\s*(when|(?:in\s+|by\s+)?(?:what|which)\s+years?|what date|on what date|"
    r"since when)\b",
    re.I,
)
# "How long did the project take?", "how long is the report?": a span or a length, which
# dates give ("in 2023 and 2024") or a length of time ("over two years"); a report that
# gives neither cannot say (not "it would go a long way toward …").
_FOR_HOW_LONG = re.compile(
    r"^\s*(?:for\s+)?how\s+long\s+(?:did|does|do|has|have|had|will|would|was|were|is|are)\b",
    re.I,
)
_SPAN = re.compile(
    r"\b(?:\d+|two|three|four|five|six|several|many)\s+(?:years?|months?|weeks?|days?)\b", re.I
)
_OVERVIEW = re.compile(
    r"\b(summari[sz]e|summary|overview|gist|tl;?dr|in a nutshell|in brief|bottom line)\b"
    r"|\b(main|key|central|core|overall|headline)\s+(argument|point|idea|message|thesis|"
    r"finding|claim|takeaway|recommendation|conclusion)s?\b"
    # "Can you explain the report like I'm 12?", "explain this report simply"
    r"|\bexplain\s+(?:this|the)\s+(?:report|document|text|paper|introduction|intro)\b"
    r"|^\s*what(?:['’]?s| is| are)\s+(?:this|the)\s+(?:report|document|text|paper|"
    r"introduction|intro)\s+(?:about|arguing|saying)\s*\??\s*$"
    # "what does the report want?", "so what do they actually want?", "what is the report
    # recommending?": what the whole of it argues for
    r"|^\s*(?:so|and|but|ok(?:ay)?)?[\s,]*what\s+(?:does|do|is|are)\s+(?:(?:this|the)\s+"
    r"(?:report|document|text|paper|introduction|intro|authors?|writers?|project)|they)\s+"
    r"(?:actually\s+|really\s+|basically\s+|exactly\s+|ultimately\s+|mainly\s+|"
    r"essentially\s+)?(?:argu(?:e|ing)(?:\s+for)?|say(?:ing)?|conclud(?:e|ing)|"
    r"recommend(?:ing)?|want(?:ing)?|propos(?:e|ing)|suggest(?:ing)?|advocat(?:e|ing)|"
    r"(?:call|ask|push)(?:ing)?\s+for|want\s+to\s+(?:do|achieve|see|change))\s*\??\s*$"
    r"|^\s*(?:so\s+)?what(?:['’]?s|\s+is|\s+are)\s+(?:the|their|its)\s+(?:report['’]s\s+)?"
    r"(?:solution|answer|remedy|fix|proposal|plan|recommendations?)\s*\??\s*$"
    # "so whats the point of this report", "what is the thesis of the report"
    r"|^\s*(?:so\s+)?what(?:['’]?s|\s+is)\s+the\s+(?:point|purpose|aim|goal|thesis|argument|"
    r"message|takeaway|conclusion)\s+of\s+(?:this|the)\s+"
    r"(?:report|document|text|paper|introduction|intro)\s*\??\s*$"
    # "how is the report organized?": its parts, which the outline gives in order
    r"|^\s*how\s+(?:is|was)\s+(?:this|the|it)\s*(?:report|document|text|paper|"
    r"introduction|intro)?\s+(?:organi[sz]ed|structured|laid\s+out|arranged|set\s+out|divided|"
    r"broken\s+down)\s*\??\s*$"
    r"|^\s*what\s+is\s+the\s+(?:structure|layout|outline)\s+of\s+(?:this|the)\s+"
    r"(?:report|document|text|paper|introduction|intro)\s*\??\s*$",
    re.I,
)
# "What is the Project's annual budget?", "What would the reforms cost?": a sum of money,
# as "how much" asks for. The money word must head what is asked ("What does the report
# say about the cost of war?" asks for what it says).
_MONEY = re.compile(
    r"^\s*what(?:['’]?s|\s+is|\s+was|\s+are|\s+were|\s+would\s+be|\s+will\s+be)\s+"
    r"(?:the\s+)?(?:[\w.’'-]+\s+){0,4}?(?:annual\s+|yearly\s+|total\s+|overall\s+|"
    r"estimated\s+)?(?:budgets?|cost|price|salary|salaries|revenues?|endowment)\b"
    r"(?!\s+of\s+(?:war|conflict|inaction|failure|doing nothing)\b)"
    r"|^\s*what\s+(?:would|will|does|did|do)\s+[^?]{1,80}\bcost\s*\??\s*$",
    re.I,
)
_WHO = re.compile(r"^\s*(who|whom|whose)\b", re.I)
# "Which former Chinese officials took part …?": people, asked as a kind.
_WHICH_PEOPLE = re.compile(
    r"^\s*(?:which|what)\s+(?:[\w.’'-]+\s+){0,3}?(?:officials|experts|scholars|people|"
    r"participants|leaders|diplomats|individuals|signatories|academics|researchers|"
    r"ministers)\b",
    re.I,
)
# "Where did the March 2021 meeting take place?": where something happened, which a text
# says with "in" or "at" and a place ("in Anchorage"), not a publisher's name or a title
# ("… Wang At The Top of Their Meeting," U.S. Department of State, March 18, 2021).
_EVENT = re.compile(
    r"\b(?:take|took|taken|taking)\s+place\b|\b(?:held|happen(?:s|ed)?|occur(?:s|red)?|"
    r"meet|met|meeting|gather(?:ed)?|convened?)\b",
    re.I,
)
_EVENT_WORDS = content_terms("where take took taken place held happen happened meet met meeting")
_AT_PLACE = re.compile(rf"\b(?:in|at)\s+(?:the\s+)?(?!(?:{_MONTHS})\b)[A-Z][a-z]")
# A month is a capitalised name: "may" is a verb ("it may have served…").
_DATE = re.compile(rf"{_YEAR.pattern}|{_MONTH.pattern}")
# "When lots of countries ignore the law, who ends up at risk?": a clause that sets the
# scene, then the question; it asks "who", not "when".
_AMOUNT = re.compile(r"[$€£]\s?\d|\b(dollars|euros|billion|million|percent|per cent)\b", re.I)
_PEOPLE = re.compile(
    r"\b(officials?|participants|scholars|experts|states|actors|countries|coalition|"
    r"secretary|president)\b",
    re.I,
)
# "Who is the Quincy Institute's lead expert on nuclear issues?", "Give me the names of
# the individual signatories": one person, or people, asked for by name, which a group
# ("more than 130 leading scholars, experts, and former officials") does not give.
_ONE_PERSON = re.compile(
    r"^\s*who\s+(?:is|was)\s+(?:the|a|an)\s+(?:[\w.’'-]+\s+){0,4}?(?:expert|specialist|"
    r"spokes(?:person|man|woman)|author|editor|writer|researcher|scholar|analyst|fellow|"
    r"official|person|individual|contact|coordinator|organi[sz]er|secretary(?:-general)?|"
    r"minister|advis[eo]r|ambassador|diplomat|professor|economist|journalist|chief|ceo|"
    r"executive|manager)\b",
    re.I,
)  # one who holds a post (not "Who is the rival coalition led by?": states, groups)
_NAMES_ASKED = re.compile(
    r"\bnames?\s+(?:of\s+)?(?:the\s+|some\s+|any\s+|all\s+|a\s+|an\s+|one\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:people|persons?|individuals?|signatories|signers|participants|"
    r"members|experts|scholars|officials|authors|contributors|leaders|diplomats|academics|"
    r"researchers|organi[sz]ers)\b",
    re.I,
)  # people's names, not "the names of the variables"
# A person as documents name one: with a title ("National Security Advisor Jake
# Sullivan", "Secretary of State Antony Blinken"), or as a cited work's author, its line
# opening with the name ("John Dugard, “The choice before us …”").
_AUTHOR = re.compile(r"^[A-Z][\w’'-]+(?:\s+[A-Z]\.)*\s+[A-Z][\w’'-]+,")
# "Where …?", "At what event did the Secretary-General give the speech …?"
_WHERE = re.compile(
    r"^\s*(where|in which city|in what city|which city|(?:at|in)\s+(?:what|which)\s+"
    r"(?:event|conference|venue|forum|summit|gathering|place|location|city))\b",
    re.I,
)
# "Which countries might lead the rival coalition?", "Besides China and Russia, which
# countries belong to it?": countries, which a text answering names (``countries_in``).
_WHICH_COUNTRIES = re.compile(
    r"^(?:[^?]{0,80}?,\s*)?(?:which|what)\s+(?:other\s+)?(?:countries|country|nations?|states)\b",
    re.I,
)


# Words that end the counted noun phrase ("seats *on* the Council", "people *from*…").
_PHRASE_ENDS = STOP | PRONOUNS | {"those", "from"}
_DETERMINERS = frozenset(["the", "those", "these", "its", "their", "our", "them", "all"])
_IRREGULAR_PLURALS = frozenset(["people", "men", "women", "children", "criteria", "staff"])


# A verb right after "how many" counts the people who did it ("how many took part").
_TAKING_PART = frozenset(
    [
        "took",
        "participated",
        "attended",
        "contributed",
        "signed",
        "joined",
        "came",
        "endorsed",
        "worked",
    ]
)


def _plural(word: str) -> bool:
    w = word.lower()
    return w in _IRREGULAR_PLURALS or (
        len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is"))
    )


# What a count is restricted to by its subject: "how many proposals *deal with* nuclear
# war", "… *on* regional flashpoints", "… *are about* climate and AI".
_COUNTED_ON = re.compile(
    r"\b(?:on|about|regarding|concerning|(?:deal|deals|dealing)\s+with|address(?:es|ing)?|"
    r"cover(?:s|ing)?|tackl(?:e|es|ing)|(?:relate|relates|related|relating)\s+to|"
    r"focus(?:es|ed|ing)?\s+on|for)\s+(?:the\s+)?([^?!;:]+)",
    re.I,
)


@functools.lru_cache(maxsize=1024)
def counted_on(question: str) -> frozenset[str]:
    """The terms of the subject a "how many" question restricts its count to ("nuclear
    war" of "how many proposals on nuclear war"): a figure answers it only in a text that
    names all of them ("… contains 20 proposals aimed at stabilizing an international
    security order …" counts them all, on every subject)."""
    found = _HOW_MANY.search(question)
    subject = _COUNTED_ON.search(in_words(found.group(2))) if found else None
    if subject is None:
        return frozenset()
    return frozenset(content_terms(subject.group(1)) - GENERIC - _HOW_COUNTED)


# Words on how a count is taken, not on what: "how many proposals address climate and AI
# together" (a visitor's, refused: no sentence says "together").
_HOW_COUNTED = content_terms(
    "together altogether combined jointly in total overall exactly specifically currently "
    "now today right precisely roughly approximately"
)


@functools.lru_cache(maxsize=1024)
def counted_phrase(question: str) -> tuple[str, str] | None:
    """For a "how many" question: the words from "how many" to the counted noun, and that
    noun ("new permanent seats", "seats"; "of the 20 proposals", "proposals"; "leading
    scholars", "scholars"); ("", "") when it counts a pronoun ("how many of those…");
    None for any other question. The noun is the phrase's first plural, else its last
    word, the phrase ending at the first stop word."""
    found = _HOW_MANY.search(question)
    if found is None or found.group(1).lower() != "many":
        return None
    # A sentence's full stop is not part of its last word; "U.N."'s stops are.
    tokens = [
        t[:-1] if t.endswith(".") and "." not in t[:-1] else t
        for t in _TOKEN.findall(found.group(2))
    ]
    start = 0
    if tokens and tokens[0].lower() == "of":  # "how many of the (20) proposals"
        start = 1
        while start < len(tokens) and (
            tokens[start].lower() in _DETERMINERS
            or tokens[start].isdigit()
            or tokens[start].lower() in NUMBER_VALUES
        ):
            start += 1
    phrase: list[str] = []
    for token in tokens[start : start + 5]:
        if token.lower() in _PHRASE_ENDS:
            break
        phrase.append(token)
    if not phrase:
        return ("", "")
    if phrase[0].lower() in _TAKING_PART:  # "how many took part", "how many signed": people
        return ("people", "people")
    head = next((i for i, t in enumerate(phrase) if _plural(t)), len(phrase) - 1)
    kept = tokens[: start + head + 1]
    return (" ".join(kept), phrase[head])


# A count of people is given by a count of scholars or officials, one of countries by a
# count of nations or states (stems): "how many people took part" is answered by "more
# than 130 leading scholars, experts, and former officials from over 40 countries".
_PERSONS = frozenset(
    [
        "peopl",
        "person",
        "individu",
        "particip",
        "member",
        "expert",
        "scholar",
        "offici",
        "leader",
        "repres",
        "signatori",
        "diplomat",
        "academ",
        "research",
        "specialist",
        "author",
        "contributor",
    ]
)
_COUNTRIES = frozenset(["countri", "nation", "state"])
_KINDS = {
    **dict.fromkeys(("peopl", "person", "individu", "particip", "member"), _PERSONS),
    **dict.fromkeys(_COUNTRIES, _COUNTRIES),
}


# "Who founded the Quincy Institute?", "Who is the president of …?", "When was it
# founded?", "Who funds the project?": a role or an act that a text answering the question
# names with one of its words (stems), whatever name it gives; the "130 scholars, experts,
# and former officials" who took part did not found, fund or direct anything.
_ROLES = (  # the question's words for a role or act, and the stems a text names it with
    ("founded founder founders established", "found establish"),
    (
        "funds funded finances financed sponsors sponsored funder funders donors",
        # not "financ": "from trade and finance to public health" names no funder
        "fund sponsor donor donat grant",
    ),
    ("directs directed director", "direct director"),
    ("runs manages", "run direct director manag"),
    ("leads led leader leaders heads headed head", "led leader head"),  # not "leading"
    ("president", "presid"),
    ("chair chairs chaired chairman", "chair"),
    ("represented represents", "repres deleg"),
    ("become became appointed elected", "becam becom appoint elect"),
)
_ROLE_WORDS = {word: frozenset(stems.split()) for asked, stems in _ROLES for word in asked.split()}
_ROLE_STEMS = content_terms(" ".join(asked for asked, _ in _ROLES))
_ROLE = re.compile(
    r"^\s*(?:who\s+(?:(?:has|have|had)\s+)?(founded|funds|funded|finances|financed|sponsors|"
    r"sponsored|directs|directed|runs|manages|chairs|chaired|represented|represents|leads|"
    r"led|heads|headed)\b"
    r"|who\s+(?:is|was|are|were)\s+(?:the\s+)?(?:[\w.’'-]+\s+){0,4}?(founders?|funders?|"
    r"donors|director|president|chair|chairman|leaders?|head)\b"
    r"|when\s+(?:was|were|is)\s+[^?]{1,80}?\b(founded|established|appointed|elected)\b"
    r"|when\s+(?:did|does|do)\s+[^?]{1,80}?\b(become)\b)",
    re.I,
)
# "Is the Quincy Institute funded by …?", "Was the project founded by …?": whether someone
# funded or founded it, which only a text naming that act can say. (Not "led by": "the
# Quincy Institute's Better Order Project" says who led it in other words.)
_WHETHER_ROLE = re.compile(
    r"^\s*(?:is|was|are|were|has|have|had|does|did)\b[^?]{0,80}?\b(funded|founded|financed|"
    r"sponsored)\s+by\b",
    re.I,
)
# A person named with a title ("Secretary-General António Guterres") names a role: "Who
# heads the U.N.?" is answered by one, whatever word the text uses for the role.
_TITLE = (
    r"\b(?:Secretary(?:-General|\s+of\s+State)?|President|Director|Chair(?:man|woman)?|Minister|"
    r"Councilor|Advisor|Ambassador|Professor|Dr\.)"
)
_TITLED = re.compile(rf"{_TITLE}\s+[A-Z]")


# "What did the Chinese side say in reply?", "How did Beijing respond?": a reply, which a
# text answering the question names as one; the words it replies to are not it.
_REPLY = re.compile(
    # "has the UN responded to the report?" (what the report answers is its own text)
    r"^\s*(?:(?:has|have|had|did|does|do)\s+(?!(?:the|this|its)\s+(?:report|authors?|document|"
    r"paper|project|introduction)\b|it\b|they\b)[^?]*\b(?:respond(?:ed)?|repl(?:y|ied)|"
    r"react(?:ed)?)\s+(?:to|in)\b"
    r"|(?:what|how)\s+did\b[^?]*\b(?:respond|reply|react|retort|answer|"
    r"(?:say|answer)\s+(?:back|in\s+(?:reply|response|return)))\b"
    r"|what\s+(?:was|were)\s+(?:the\s+)?(?:[\w.’'-]+\s+){0,3}?(?:reply|replies|response|"
    r"responses|reaction|reactions|answer)\b(?!\s+to\s+(?:the\s+)?(?:crisis|crises|"
    r"challenges?)))",
    re.I,
)
_REPLY_WORDS = frozenset(
    ["repli", "respond", "respons", "react", "reaction", "retort", "rebutt", "answer", "counter"]
)


# "What's the project's website?", "Where can I download the full PDF?", "Is there a
# link to the transcript?": an address, which only a text holding one gives (a footnote's
# URL, which ingestion keeps beside its text), and one on what the question names (half
# its words: the Dugard article's "order" is not the Better Order Project).
_LINK = re.compile(
    r"\b(?:websites?|web\s*sites?|web\s*pages?|homepage|urls?|links?|download|downloaded|"
    r"online|pdf)\b",
    re.I,
)
_LINK_WORDS = content_terms(
    "website websites web site sites page pages homepage url urls link links download "
    "downloaded online pdf read find get full transcript copy available access view see "
    "article articles paper speech remarks source sources document version text "
    # "whats the url for footnote 5": the note is where the address is, not what it names
    "footnote footnotes note notes"
)


def role_asked(question: str) -> frozenset[str]:
    """Stems of the words a text answering ``question`` names the asked-for role or act
    with ("found", "establish" for "Who founded …?"); empty for other questions."""
    found = _ROLE.match(question)
    if found is None:
        return frozenset()
    return _ROLE_WORDS[next(g for g in found.groups() if g).lower()]


@dataclass(frozen=True)
class Slot:
    # "number", "amount", "date", "person", "place", "country", "reply", "link", "role" or ""
    kind: str
    # for "number": the stem of the counted noun; for "date": "month", "day", "span"; for "role":
    # the act ("funded")
    noun: str = ""
    # Stems one of which a text giving the thing must hold: a role's (``role_asked``) for
    # "person" and "date", a reply's for "reply".
    words: frozenset[str] = frozenset()

    def describe(self, question: str) -> str:
        if self.kind == "number" and self.noun:
            return f"how many {self.noun_text(question)}"
        if self.kind == "date" and self.noun:
            return {"month": "in which month", "day": "on what date"}.get(self.noun, "how long")
        if self.kind == "role":
            return f"by whom it was {self.noun}"
        return {
            "amount": "how much",
            "date": "when",
            "person": "who",
            "place": "where",
            "country": "which countries",
            "reply": "what was said in reply",
            "link": "where it is online",
        }.get(self.kind, "")

    def noun_text(self, question: str) -> str:
        counted = counted_phrase(question)
        return counted[0] if counted and counted[0] else self.noun

    def given_by(self, question: str, text: str, url: str | None = None, about: str = "") -> bool:
        """Whether ``text`` holds a thing of this kind: a figure counting the asked-for
        noun or a numbered list of it, a sum of money, a date beside a word of
        ``question``, a name or a group of people, a place, a reply; or, with its web
        address (``url``), a text on what the question names. ``about`` is read with
        ``text`` for what it is about, not for the thing: the sentence citing a
        footnote's line, whose date or address is the citing sentence's."""
        if self.kind == "number":  # "seven variables", or a list of them ("Variable 5, …")
            # "How many participants came from the Global South?": a count of those it
            # names, which "more than 130 … from over 40 countries" is not.
            held = content_terms(f"{text} {about}")
            if not restricted_to(question) <= held or not counted_on(question) <= held:
                return False
            if self.noun and self.noun in labels(text):
                return True
            kinds = _KINDS.get(self.noun, frozenset([self.noun]))
            # "How many of the 20 proposals are about nuclear weapons?" asks for part of
            # the count it gives: "20 proposals" does not answer it.
            given = {number for number, _ in counted(question)}
            return any(
                (not self.noun or kinds & set(f.after))
                and f.number not in given
                and not counts_a_list_for_one_item(question, text, f)
                for f in figures(text)
            )
        if self.kind == "amount":
            return bool(_AMOUNT.search(text))
        if self.words and not (self.words & content_terms(text)):
            # A titled person names a role ("Who is the president of the U.N.?": "U.N.
            # Secretary-General António Guterres"), when the text is about what the
            # question names: Blinken, "Secretary of State", does not direct the project.
            named = content_terms(question) - self.words - _ROLE_STEMS
            titled = self.kind == "person" and bool(_TITLED.search(text))
            return titled and holds_half(named, content_terms(f"{text} {about}"))
        if self.kind == "role":  # it names the role or act: "… is funded by …"
            return True
        if self.kind == "date":  # the year a question gives bounds it ("which month of 2023")
            if self.noun == "span" and _SPAN.search(text):
                return bool(content_terms(f"{text} {about}") & content_terms(question))
            wanted = {"month": _MONTH, "day": _DAY}.get(self.noun, _DATE)
            years = set(_YEAR.findall(question))
            # a word of the question besides its year: "In which month of 2024 was the
            # report published?" is not answered by the Munich speech's "February 16, 2024"
            return bool(
                wanted.search(text)
                and (content_terms(f"{text} {about}") & content_terms(question)) - years
                and years <= set(_YEAR.findall(text))
            )
        if self.kind == "person" and self.noun == "name" and not self.words:
            # no word for a role it holds ("… is headed by Jane Roe") to stand for one
            return bool(_TITLED.search(text) or _AUTHOR.match(text))
        if self.kind == "person":
            # "Which former Chinese officials took part in the project?": people of that
            # country in what the question is about, which neither "… former officials
            # from over 40 countries" nor "Blinken told Chinese officials" names
            if peoples := countries_of_people(demonyms(question)):
                around = f"{text} {about}"
                asked = without_source_words(question)  # "named in the source cited for"
                rest = whole_terms(asked) - whole_terms(country_words(asked)) - GENERIC
                if not peoples & countries_of_people(around) or not holds_half(
                    rest, content_terms(around)
                ):
                    return False
            return bool(names(text) - set(words(question)) or _PEOPLE.search(text))
        if self.kind == "place" and self.noun == "event":
            # where what the question names took place: not "… flashpoints in Europe …"
            # for "Where did the March 2021 meeting between Blinken and … take place?"
            named = content_terms(question) - _EVENT_WORDS
            held = content_terms(f"{text} {about}")
            return bool(_AT_PLACE.search(text)) and (not named or bool(named & held))
        if self.kind == "place":
            return bool(names(text))
        if self.kind == "country":  # one the question does not name ("Besides China, …")
            return bool(countries_in(text) - countries_in(question))
        if self.kind == "link":
            named = whole_terms(question) - _LINK_WORDS
            # half: "order" is not "Project"
            return bool(url) and holds_half(named, content_terms(f"{text} {about}"))
        return self.kind == "reply"  # it holds one of ``words``, read above


_ITEM_BREAK = re.compile(r"[,;]\s*")  # "A, B, and C" (not "risk reduction and disarmament")


def counts_a_list_for_one_item(question: str, text: str, figure: Figure) -> bool:
    """``figure`` counts things that do several others ("twelve proposals that address
    U.N. Security Council reform, buttress norms …, strengthen …, and mitigate …"), and
    what the question restricts its count to is one of those only ("How many of the
    proposals deal with Security Council reform?"): the count is of all of them, not of
    that one. What the text names before the figure ("Under Regulation of Force and
    Coercion, we present twelve …") is what it counts, whatever follows. The restriction
    is read in the words after "how many" (not in an earlier question a follow-up is
    read with: "Which category covers nuclear issues? How many proposals does it have?")."""
    found = list(_HOW_MANY.finditer(question))  # the last: "… package? How many of those …"
    if not found:
        return False
    asked = content_terms(found[-1].group(2)) - set(figure.after) - GENERIC
    matched = asked & content_terms(text)
    if not matched or matched & content_terms(text[: figure.start]):
        return False
    items = [content_terms(item) for item in _ITEM_BREAK.split(text[figure.start :])]
    items = [item for item in items if item]
    return len(items) >= 3 and any(matched <= item for item in items)


# A name in a question: a run of capitalised words, not the first of a sentence ("Jake
# Sullivan", "U.N."), and a country typed in lower case; a run ending in "'s", or put
# before the work it made, names an owner ("the Better Order Project's reform package",
# "the Better Order Project package", "the Quincy report").
_QUESTION_NAME = re.compile(
    r"(?<!^)(?<![.?!]\s)\b[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*"
    r"([’']s\b|(?=\s+(?:report|document|paper|study|package|proposals?|initiative)\b))?"
)
# A word of such a run that can be a name: two letters or more, or all capitals.
_NAME_WORD = re.compile(r"(?<!^)(?<![.?!]\s)\b([A-Z][A-Za-z]+|[A-Z]{2,})\b")


def names_in(question: str) -> list[str]:
    """The names a question uses, word by word as typed (owners too: "Chatham House's
    report" uses "Chatham" and "House"), and countries typed in lower case ("ukraine":
    "Ukraine")."""
    typed = [
        word
        for run in _QUESTION_NAME.finditer(question)
        for word in _NAME_WORD.findall(question, run.start(), run.end())
        if word.lower() not in STOP
    ]
    lower = {w.lower() for w in typed}
    countries = [n for n in country_names(question) if n not in lower]
    # in the order typed: "india or brazil" names India first
    countries.sort(key=lambda n: question.lower().find(n))
    return typed + [n.title() for n in countries]


@functools.lru_cache(maxsize=1024)
def restricted_to(question: str) -> frozenset[str]:
    """The terms of the names a question restricts what it asks about to ("global south"
    of "How many participants came from the Global South?"); not an owner's."""
    text = in_words(question.strip())  # "AI (Artificial Intelligence)": the words restrict
    found = [m.group() for m in _QUESTION_NAME.finditer(text) if m.group(1) is None]
    return frozenset(content_terms(" ".join([*found, *country_names(text)])))


@functools.lru_cache(maxsize=1024)
def slot_of(question: str) -> Slot:
    """The typed thing a question asks for, if any (remembered: coverage and the check
    of a model's sentences both ask, for the same question)."""
    found = _HOW_MANY.search(question)
    if (found and found.group(1).lower() == "much") or _MONEY.match(question):
        return Slot("amount")
    if found:
        counted = counted_phrase(question)
        noun = counted[1] if counted else ""
        return Slot("number", next(iter(content_terms(noun)), ""))
    if _WHICH_MONTH.match(question):
        return Slot("date", "month")
    if _WHICH_DAY.match(question):
        return Slot("date", "day")
    if _WHEN.match(question) and not SUBORDINATE.match(question):
        return Slot("date", words=role_asked(question))
    if _FOR_HOW_LONG.match(question):
        return Slot("date", "span")
    question = SUBORDINATE.sub("", question)  # "When …, who ends up at risk?": who
    if _LINK.search(question):
        return Slot("link")
    if _ONE_PERSON.match(question) or _NAMES_ASKED.search(question):
        return Slot("person", "name", words=role_asked(question))
    if _WHO.match(question) or _WHICH_PEOPLE.match(question):
        return Slot("person", words=role_asked(question))
    if _WHERE.match(question):
        return Slot("place", "event" if _EVENT.search(question) else "")
    if _WHICH_COUNTRIES.match(question):
        return Slot("country")
    if _REPLY.match(question):
        return Slot("reply", words=_REPLY_WORDS)
    if found := _WHETHER_ROLE.match(question):  # "is quincy funded by charles koch…?"
        act = found.group(1).lower()
        return Slot("role", act, words=_ROLE_WORDS[act])
    return Slot("")


# A figure asked for per part: "How many proposals are in each category?", "… per
# variable?"; or every part's, to compare them: "Which category has the most proposals?".
_EACH = re.compile(r"\bhow\s+many\b.*\b(?:each|every|per)\s+\w+", re.I)
_MOST = re.compile(
    r"^\s*(?:which|what)\b.*?\b(?:the\s+)?(?:most|fewest|least|"
    r"(?:greatest|largest|smallest|highest|lowest|biggest)\s+number\s+of)\s+([a-z]+)",
    re.I,
)


def count_per_part(question: str) -> Slot | None:
    """The count a question asks of each part ("How many proposals are in each
    category?"), or compares across the parts ("Which category has the most
    proposals?"), which every part's figure gives; else None."""
    if _EACH.search(question):
        return slot_of(question)
    found = _MOST.search(question)
    if found is None or not _plural(found.group(1)):
        return None
    return Slot("number", next(iter(content_terms(found.group(1))), ""))


_COPULA = frozenset(
    "is are was were be been does did do has have had can could will would".split()  # noqa: SIM905
)
_WHAT_IS = re.compile(
    r"^\s*(?:what|which|who)\s+(?:is|are|was|were)\s+(?:the\s+|a\s+|an\s+)?(.+?)"
    r"(?:\s+(?:of|for|in|on|at|about|behind|that|which|to|from|by|with)\b|\?|$)",
    re.I,
)
_WHO_VERB = re.compile(r"^\s*(?:who|whom)\s+(\w+)\s+(?:the\s+|a\s+)?(\w+)?", re.I)
_LAST_WORD = re.compile(r"(\w+)\W*$")


@functools.lru_cache(maxsize=1024)
def focus_of(question: str) -> frozenset[str]:
    """Stems of the word that names what is asked for: the "budget" of "what is the
    project's budget", the "directs" of "who directs", the "founded" of "when was it
    founded"; empty when no such word is found."""
    if found := _HOW_MANY.search(question):
        # The word right after "how many" ("of" in "how many of the proposals", "new" in
        # "how many new seats"), as the coverage weights were fitted; refit
        # (benchmarks/calibrate_coverage.py) before reading the counted noun here.
        return frozenset(content_terms(found.group(2).split(" ")[0]))
    if (found := _WHO_VERB.match(question)) and found.group(1).lower() not in _COPULA:
        return frozenset(content_terms(found.group(1)))
    if _WHEN.match(question) or _WHERE.match(question):
        last = _LAST_WORD.search(question)
        return frozenset(content_terms(last.group(1))) if last else frozenset()
    if found := _WHAT_IS.match(question):
        phrase = words(found.group(1).replace("’s", " ").replace("'s", " "))
        return frozenset(content_terms(phrase[-1])) if phrase else frozenset()
    return frozenset()


# Words an overview question may use besides its cue; any other ("Summarize what the
# report says about China") makes it a question about that subject.
_OVERVIEW_WORDS = content_terms(
    "summarize summarise summary overview gist tldr nutshell brief short quick main key "
    "central core overall argument point idea message thesis finding claim takeaway give "
    "recommendation conclusion conclude recommend want propose suggest advocate call "
    "solution answer remedy fix proposal plan authors author writers writer so "
    "report document text paper introduction article whole entire sentences words arguing "
    "saying argue about this tl dr few couple bullet bullets points lines paragraph "
    "paragraphs plain simple simply briefly one two three four five "
    "organized organised structured structure laid arranged divided broken layout outline "
    "actually really basically exactly ultimately mainly essentially ask push do achieve see "
    "change project recommendations purpose aim goal headline bottom line explain like "
    # who asks, and for whom: "I'm a journalist - what's the headline finding?"
    "im journalist reporter student teacher kid child year old beginner layman newsletter"
)


_HOW_LONG = re.compile(
    r"\b(one|two|three|four|five|six|[1-9])\s+(?:short\s+|brief\s+|main\s+|key\s+)?"
    r"(sentences?|points?|bullets?|bullet points|lines|takeaways)\b",
    re.I,
)


def sentences_asked(question: str) -> int | None:
    """How many sentences an overview question asks for ("in three sentences", "in 2
    bullet points"), if it says."""
    found = _HOW_LONG.search(question)
    if found is None:
        return None
    word = found.group(1).lower()
    return int(NUMBER_VALUES.get(word, word))


@functools.lru_cache(maxsize=4096)
def asks_for_overview(question: str, part: str = "") -> bool:
    """The question asks for the gist of a whole document, not for something in it; or,
    with ``part`` (a section's title), for the gist of that part."""
    # "s" of "the report's": a possessive's letter is no other word
    words = whole_terms(question) - _OVERVIEW_WORDS
    if part:
        words -= whole_terms(part) | _PART_WORDS
    other = {t for t in words if not t.isdigit()}
    whole = not part and asks_what_it_is(question)
    return whole or (bool(_OVERVIEW.search(question)) and not other)


_PART_WORDS = content_terms("section part chapter heading")


# A verb that asks for what someone said, wrote or did in reply; lower case, so the
# "State" of "State Department" is not "state".
_SAYS = re.compile(
    r"\b(?:say|says|said|conclude[sd]?|argue[sd]?|call(?:s|ed)? for|propose[sd]?|"
    r"recommend(?:s|ed)?|tell|tells|told|repl(?:y|ies|ied)|respond(?:s|ed)?|react(?:s|ed)?|"
    r"warn(?:s|ed)?|think(?!\s+tanks?\b)|thinks|thought|believe[sd]?|"
    # not the noun: "Chinese claims in the South China Sea", "territorial claims over …"
    r"claim(?:s|ed)?(?!\s+(?:in|over|on|of|to\s+(?!be\b)))|"
    r"discuss(?:es|ed)?|"
    r"mention(?:s|ed)?|describe[sd]?|views?|viewed|perceive[sd]?|regard(?:s|ed)?)\b"
)
# A run of capitalised words and acronyms, not the question's first word: "Jake Sullivan",
# "U.S. State Department", "Munich Security Report 2024".
_NAME_RUN = re.compile(r"(?<!^)(?<![.?!]\s)\b(?:[A-Z][\w.-]*)(?:\s+(?:[A-Z][\w.-]*|\d{4}))*")
# Between the speaker and the verb: at most a possessive and three words ("Dugard's
# article discuss", "Yang Jiechi respond"), or nothing after an acronym's words in
# brackets ("the NSS (National Security Strategy) say", as a question is read; not "the
# AI (Artificial Intelligence) proposals say").
_TO_VERB = re.compile(r"^(?:\)\s+|(?:[’']s)?(?:\s+[a-z]+){0,3}\s+)$")
# Who does or did the saying, when no capitals name them: "dugard" of "what does dugard
# argue…", "jake sullivan" of "what did jake sullivan say", "the leiden journal article"
# of "what did the leiden journal article conclude" (also "the report" of "what does the
# report say", which is no one the documents cite). Three words after a "the", and a year
# before them ("the 2022 national security strategy").
_DOES_WHO = re.compile(
    r"\b(?:does|did|do|has|have|had)\s+((?:the\s+)?(?:(?:19|20)\d\d\s+)?(?:[\w.’'-]+\s+){0,2}"
    r"[\w.’'-]+)\s+$"
)


# "Who is Dugard?", "who is john dugard — a judge?": someone asked about by name (a
# visitor may not capitalise it), not "who is the author" nor "who is he".
_WHO_IS = re.compile(
    r"^\s*who\s+(?:is|was)\s+(?!(?:the|a|an|your|my|this|that|it|he|she|they|behind)\b)"
    r"([\w.’'-]+(?:\s+[\w.’'-]+){0,2})\s*(?:[?!.,:;—–-]|$)",
    re.I,
)


def titled_in(text: str, name: str) -> bool:
    """``text`` names ``name`` (as typed, in any case) after a title: "… National Security
    Advisor Jake Sullivan …" for "jake sullivan", "… State Councilor Wang …" for "wang"."""
    last = re.escape(name.split()[-1])
    return bool(re.search(rf"{_TITLE}\s+(?:[A-Z][\w.’'-]*\s+){{0,2}}(?i:{last})\b", text))


def person_asked(question: str) -> str | None:
    """The name a "Who is …?" question asks about ("Dugard" in "Who is Dugard?")."""
    found = _WHO_IS.match(question)
    return found.group(1) if found else None


def without_saying(text: str) -> str:
    """``text`` without its verbs of saying (``_SAYS``): what someone's words are about."""
    return _SAYS.sub(" ", text)


def speaker_of(question: str) -> str | None:
    """The name whose words, or reply, the question asks for: the run of capitalised
    words just before its first verb of saying ("Jake Sullivan" in "What did Jake
    Sullivan say…?", "Dugard" in "Does Dugard's article discuss…?"), or without capitals
    the words between "does" and the verb ("dugard", "the report"); None when the
    question asks for no one's words ("Who wrote the article…?")."""
    verb = _SAYS.search(question)
    if not verb:
        return None
    before = question[: verb.start()]
    runs = list(_NAME_RUN.finditer(before))
    if not runs or not _TO_VERB.match(before[runs[-1].end() :]):
        # typed without capitals: "what does dugard argue in his article"
        found = _DOES_WHO.search(before)
        return found.group(1) if found else None
    the = "the " if before[: runs[-1].start()].lower().endswith("the ") else ""
    return the + runs[-1].group().rstrip(".")


# The words of a phrase up to the question's end or a clause's, where the period of an
# initial ("U.S.", "U.N.") ends nothing: "pulling U.S. troops out of the Middle East".
_PHRASE = r"(?:[^?,;.!]|(?<=\b[A-Z])\.)+"
# "What does the report say about NATO expansion?", "Does the cyber proposal cover
# election interference?", "Is there a proposal on biological weapons?": the thing a
# question asks the documents' view of, after a verb or preposition of subject matter.
_TOPIC = re.compile(
    r"(?=\b(?:about|regarding|concerning|deals?\s+with|dealing\s+with|cover(?:s|ing)?|"
    r"address(?:es|ing)?|mentions?|discuss(?:es)?|supports?|recommends?|propose[sd]?|"
    r"endorse[sd]?|calls?\s+for|(?:proposals?|position|stance|views?|plans?)\s+on|"
    r"(?:proposals?|variables?|package|plans?)\s+(?:says?|states?|argues?)(?:\s+that)?)\s+"
    rf"(?!(?:in|at|to|for|from|with|by|of|on)\b)(?:the\s+|a\s+|an\s+)?({_PHRASE}))",
    re.I,
)

# "does the report want to abolish the veto?", "Does the report back a no-first-use
# pledge?": what the documents' makers want or take a side on (not "… the kind of
# government China and Russia want to spread", nor the "back" of "pushing back").
_WANTS = re.compile(
    r"\b(?:report|document|paper|authors?|writers?|they|it|project|quincy)\s+"
    r"(?:wants?(?:\s+to)?|backs?|favou?rs?|opposes?|rejects?)"
    rf"\s+(?:the\s+|a\s+|an\s+)?({_PHRASE})",
    re.I,
)
# "Which UN cyber norms does the report endorse?", "What kinds of sanctions would the
# package ban?": the thing named before the verb.
_TOPIC_FIRST = re.compile(
    r"^\s*(?:which|what)\s+(?:(?:kinds?|sorts?|types?)\s+of\s+)?(.+?)\s+"
    r"(?:does|do|did|would|will)\s+(?:the|this|its|their)\s+(?:\w+\s+){1,2}?"
    r"(?:recommend|endorse|propose|support|ban|back|favou?r|call\s+for|want)\b",
    re.I,
)


def topic_of(question: str) -> str | None:
    """The phrase naming what the question asks the documents' view of ("NATO
    expansion", "election interference"), if it asks for a view of something: the last
    one named, since a follow-up is read after the question it follows ("Does it cover
    election interference? What about drone strikes?" asks about drone strikes)."""
    # "UNSC (U.N. Security Council)", "rules based order (RBIO)": the visitor's words
    question = without_abbreviations(in_words(question))
    found = [m.group(1).strip() for m in _TOPIC.finditer(question)]
    if not found and (wanted := _WANTS.search(question)):
        found = [wanted.group(1).strip()]
    if not found and (first := _TOPIC_FIRST.match(question)):
        found = [first.group(1)]
    return found[-1] if found else None
