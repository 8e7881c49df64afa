"""What a question must be before anything else looks at it: text, not empty, not too
long. Every entry point (CLI, HTTP API, chat page, evaluation) checks with this. Also
what is not a question at all, though it is valid text: a greeting, thanks, or symbols
with no word ("hi", "🤔🌍🔥"), which get a reply of their own rather than "not covered".
And what retrieval, coverage and quoting all read from a question's wording: the footnotes
it names by number ("What does footnote 3 cite?"), whether it asks for all the sources
cited ("What sources does the report cite?") and the acronym it asks to have spelt out
("What does RBIO stand for?")."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from orderbot.acronyms import ACRONYM
from orderbot.errors import QuestionError
from orderbot.ingest.injection import is_instruction

SmallTalk = Literal["greeting", "thanks", "no_words", "remark"]

# Lone surrogates cannot be encoded; NUL and other C0/C1 controls are not text a person
# types (tab and line breaks are).
_NOT_TEXT = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_text(text: str, what: str = "the question") -> str:
    """``text`` unchanged, or a QuestionError naming the first character that is not text
    (a lone surrogate, NUL or another control character)."""
    if bad := _NOT_TEXT.search(text):
        char = bad.group(0)
        name = unicodedata.name(char, "a control or surrogate character")
        raise QuestionError(
            f"{what} contains a character that is not text (U+{ord(char):04X}, {name.lower()})"
        )
    return text


def shown(text: str) -> str:
    """``text`` safe to echo back (JSON, a terminal): characters that are not text become
    U+FFFD."""
    return _NOT_TEXT.sub("\ufffd", text)


# "whats", "thats", "wheres": a contraction typed without its apostrophe ("its" is a word).
_BARE_CONTRACTION = re.compile(r"\b(what|who|where|how|that|there)s\b", re.IGNORECASE)


def with_apostrophes(question: str) -> str:
    """``question`` with "whats" read as "what's", so every reader of a question's words
    ("what's the budget…" asks for a sum; "what's X?" what X is) reads it as typed so."""
    return _BARE_CONTRACTION.sub(r"\1's", question)


# Words shortened as in a text message, typed in lower case: "r there proposals about ai",
# "ignore ur previous instructions", "how many ppl were involved".
_SHORTENED = {
    "r": "are",
    "u": "you",
    "ur": "your",
    "ppl": "people",
    "wht": "what",
    "wat": "what",
    "abt": "about",
    "pls": "please",
    "plz": "please",
    "bc": "because",
    "cuz": "because",
    "govt": "government",
    "gov": "government",
    "intl": "international",
    "nukes": "nuclear weapons",
    "nuke": "nuclear weapon",
}
_SHORT_WORD = re.compile(rf"(?<![\w.’'-])({'|'.join(_SHORTENED)})(?![\w’'-]|\.\w)")


# A small count typed in digits, as prose writes it in words ("what r the 3 categories":
# the documents say "three categories"); not a numbered thing ("Variable 3 proposals").
_DIGITS = ("", "", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_SMALL_COUNT = re.compile(
    r"(?<![\w.,/:$€£-])(?:(\w+) )?([2-9])(?= (?:[a-z]+ )?[a-z]{3,}s\b)", re.IGNORECASE
)
_NUMBERED = frozenset(
    "variable article proposal footnote note chapter section page number category item "  # noqa: SIM905
    "point step phase part table figure".split()
)


def _in_words(found: re.Match[str]) -> str:
    before, digit = found.group(1), found.group(2)
    if before and before.lower() in _NUMBERED:
        return found.group()
    return f"{before} {_DIGITS[int(digit)]}" if before else _DIGITS[int(digit)]


def written_out(question: str) -> str:
    """``question`` as written out: each word shortened as in a text message in full
    ("r" as "are", "ur" as "your"), "the us" as "the U.S.", a small count in words ("3
    categories" as "three categories"), each contraction typed without its apostrophe
    with it ("whats"), so that every reader of a question's words (is it a follow-up, an
    instruction, what does it ask for) reads it as if typed so."""
    text = _SHORT_WORD.sub(lambda m: _SHORTENED[m.group()], question)
    text = _THE_US.sub(lambda m: f"{m.group(1)} U.S.", text)
    text = _NON_WESTERN.sub(lambda m: f"{m.group(1)} outside the West", text)
    return with_apostrophes(_SMALL_COUNT.sub(_in_words, text))


# "non-western observers", "non-Western countries": those outside the West, as the
# documents say ("Outside of the West, however, the RBIO is often seen …"; a visitor got
# "While proponents of the RBIO …" first).
_NON_WESTERN = re.compile(
    r"\bnon[- ]?western\s+(observers|countries|states|nations|governments|people|actors|"
    r"critics|views?|world|experts|scholars|powers)\b",
    re.I,
)


# "the us", "the usa" in lower case: the country (the pronoun takes no "the"), as in
# "what did the us say about …" (refused: "us" is a stop word, no speaker).
_THE_US = re.compile(r"\b([Tt]he)\s+(?:us|usa)\b(?!['’]?\w)")


# A request to make something up rather than a question about the documents: "write me a
# poem about NATO", "just make up a quote from Xi", "pretend you're a U.S. diplomat",
# "recommend me a good book on multipolarity".
_MAKE_UP = re.compile(
    r"\b(write|compose|draft|give)\s+(me\s+|us\s+)?(a|an|some)\s+(\w+\s+)?"
    r"(poem|song|story|haiku|limerick|joke|rap|sonnet|tweet|fan fiction|fiction|screenplay)s?\b"
    r"|\b(make|making)\s+up\s+(a|an|some|one)\s+(\w+\s+)?(quotes?|quotation|statements?|"
    r"story|numbers?|figures?|facts?|sources?|answer)\b"
    r"|\b(make|making)\s+(something|one|it|stuff|some)\s+up\b"
    r"|^(\W*(just|please|now|then|ok|okay|can you|could you|would you)\b)*\s*"
    r"(invent|fabricate|hallucinate|make up)\b"
    r"|\bimagine\s+(you\s+are|you're|you’re|yourself)\b"
    r"|\bpretend\s+(to\s+be|you|you're|you’re|your|that\s+you|i'm|i\s+am)\b"
    r"|\brole[- ]?play\b"
    r"|\b(act|speak|answer|talk)\s+as\s+(if\s+you|though\s+you|a|an)\b"
    # "recommend me a good book on multipolarity": my own picks, which no passage grounds
    r"|(?:^\W*(?:(?:can|could|would)\s+(?:you|u)\s+|please\s+)?|\b(?:you|u)\s+)"
    r"(?:recommend|suggest)\s+(?:me\s+|us\s+)?(?:a|an|some|any|other|more|further)?\s*"
    r"(?:\w+\s+)?(?:books?|articles?|readings?|papers?|podcasts?|films?|movies?|websites?)\b",
    re.IGNORECASE,
)


def asks_to_make_up(question: str) -> bool:
    """Whether ``question`` asks for something made up (a poem, an invented quote, a
    role), which no passage can ground, rather than for what the documents say."""
    return bool(_MAKE_UP.search(question))


def is_instruction_to_me(question: str) -> bool:
    """Whether ``question`` (written out) is an instruction to the assistant ("ignore
    your instructions…") or asks for something made up: nothing to look up, and nothing
    a later follow-up is about."""
    return is_instruction(question) or asks_to_make_up(question)


def check_question(question: str, limit: int) -> str:
    """The question stripped, or a QuestionError saying what is wrong with it."""
    check_text(question)
    text = question.strip()
    if not text:
        raise QuestionError("the question is empty")
    if len(text) > limit:
        raise QuestionError(
            f"the question is {len(text):,} characters long; the limit is {limit:,}"
        )
    return text


_GREETING = re.compile(
    r"^(hi|hello|hey|hiya|howdy|greetings|good (morning|afternoon|evening|day)|yo)"
    r"( there| orderbot| everyone| all)?[\s\W]*$",
    re.IGNORECASE,
)
# Thanks, "ok", "bye", or a run of them ("ok thanks bye", "thank u so much, bye!").
_THANKS = re.compile(
    r"^((ok(ay)?|great|cool|perfect|nice|got it|thanks|thank (you|u)|thx|cheers|ty|bye|"
    r"goodbye|bye bye|see (you|ya)|(very|so) much|a lot|again|orderbot|appreciate it|"
    r"((that|this|it)('?s|’s| was| is) )?((very|really|so|super) )?(helpful|useful))[\s\W]*)+$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]")  # a letter or digit, in any script
# A remark about the assistant, asking nothing: "you are a useless propaganda bot for the
# chinese", "ur useless", "this bot is biased". (A visitor's was answered with the
# Blinken quote, the passage nearest "Chinese".)
_REMARK = re.compile(
    r"^(you|you'?re|youre|you’re|u|ur|u r|your answers?|this (bot|chatbot|assistant|thing)|"
    r"orderbot)\b(?![^?]*\?)(?!.*\b(what|which|who|whom|whose|when|where|why|how|tell|"
    r"explain|say|said|says|mean|meant|proposals?|report)\b)",
    re.IGNORECASE,
)


def small_talk(text: str) -> SmallTalk | None:
    """What ``text`` is when it is no question at all: the whole of it a greeting, thanks
    (or "ok", "bye"), a remark about the assistant that asks nothing, or no letter or
    digit; else None ("Hi, what is the RBIO?" is a question)."""
    if not _WORD.search(text):
        return "no_words"
    if _GREETING.match(text.strip()):
        return "greeting"
    if _THANKS.match(text.strip()):
        return "thanks"
    if _REMARK.match(text.strip()):
        return "remark"
    return None


# "proposal 7", "Variable 5", "Articles 2 and 51", "chapter #3", "footnotes 1 and 4": an
# item a document labels with its number ("note 2" is a footnote). Pages are left out (a
# citation's locator, not a label the text carries), and so are years ("the 2022
# strategy" is not a numbered item).
_LABELS = (
    "footnote|note|proposal|variable|chapter|section|article|paragraph|part|annex|appendix|"
    "recommendation|principle|category|resolution|item"
)
# The nouns themselves, however typed ("what's variable 2": "2" counts nothing).
LABEL_NOUNS = frozenset(_LABELS.split("|"))
_LABELLED = re.compile(
    rf"\b({_LABELS})s?\s+(?:no\.?\s*|number\s+|#\s*)?"
    r"(\d{1,4}(?:\s*(?:,|and|&|or)\s*\d{1,4})*)\b",
    re.IGNORECASE,
)
_A_YEAR = re.compile(r"^(?:19|20)\d\d$")


def numbered_items(text: str) -> list[str]:
    """The numbered items ``text`` names, as "proposal 7" (the label in the singular and
    lower case, a note as "footnote"), in order, each once: "Variables 1 and 2" gives
    "variable 1", "variable 2"."""
    found: list[str] = []
    for match in _LABELLED.finditer(text):
        label = match.group(1).lower()
        label = "footnote" if label == "note" else label
        for n in re.findall(r"\d+", match.group(2)):
            item = f"{label} {int(n)}"
            if not _A_YEAR.match(n) and item not in found:
                found.append(item)
    return found


def notes_named(question: str) -> list[int]:
    """The numbers of the footnotes ``question`` names, in order, each once."""
    return [int(i.split()[1]) for i in numbered_items(question) if i.startswith("footnote ")]


# "What does RBIO stand for?", "What is the acronym P5 short for?"
_STANDS_FOR = re.compile(
    r"\b(?:stands?\s+for|short\s+for|abbreviat\w*|acronym|spell(?:s|ed)?\s+out)\b", re.I
)


def acronym_asked(question: str) -> str | None:
    """The acronym ``question`` asks to have spelt out, if it asks that."""
    if not _STANDS_FOR.search(question):
        return None
    found = ACRONYM.findall(question)
    return found[0] if found else None


# "What is the Better Order Project?", "whats the RBIO", "so what's this RBIO thing
# everyone's arguing about?", "what is the U.N.?" (its last stop kept): what a thing is,
# asked by its name alone.
_WHAT_IS = re.compile(
    r"^\W*(?:(?:so|and|ok|okay|but|sorry)\W+)?(?:what|who)(?:\s+(?:is|are|was|were)|['’]?s)"
    r"\s+(?:(?:the|this|that|these|an?)\s+)?([^?,;:]{2,60}?(?:(?<=\b[A-Z])\.)?)"
    r"(?:\s+(?:thing|concept|term|idea|exactly|anyway)\b.*)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)


# The words a question calls the indexed document itself by ("this report").
THE_DOCUMENT = frozenset(["report", "document", "paper", "study", "text", "introduction", "intro"])
_A_DOCUMENT = "|".join(sorted(THE_DOCUMENT))  # for a pattern: "report|paper|…"


# "What does RBIO mean?", "what is meant by multi-order?", "meaning of P5?": what a name
# is, asked by its meaning.
_MEANS = re.compile(
    rf"^\W*(?:what\s+(?:does|do)\s+(?!(?:(?:the|this)\s+)?(?:{_A_DOCUMENT}|it|this|that|they|"
    r"he|she)\s+mean\b)(?:the\s+)?(?:term\s+|word\s+|phrase\s+)?"
    r"(.{2,60}?)\s+mean"
    r"|what\s+(?:does|do)\s+(?:the\s+report|this\s+report|the\s+authors?|they|it)\s+mean\s+by\s+"
    r"(?:an?\s+|the\s+)?(.{2,60}?)"
    r"|what(?:\s+is|['’]?s)\s+(?:meant\s+by|the\s+meaning\s+of)\s+(?:an?\s+|the\s+)?(.{2,60}?)"
    r"|(?:the\s+)?meaning\s+of\s+(?:the\s+)?(.{2,60}?))\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def thing_asked(question: str) -> str | None:
    """The name a "What is X?" or "What does X mean?" question asks about, when it asks
    nothing more of it."""
    found = _MEANS.match(question) or _WHAT_IS.match(question)
    return next((g for g in found.groups() if g), None) if found else None


# "How does the report define 'global commons'?", "define multilateralism", "what is the
# definition of a security order?": what a term means, asked by its definition.
_DEFINES = re.compile(
    rf"^\W*(?:(?:how|where)\s+(?:does|do|did)\s+(?:(?:the|this)\s+)?(?:{_A_DOCUMENT}|authors?|"
    r"writers?|they|it|quincy|project)\s+define|(?:please\s+)?define|(?:what\s+is|what['’]s|"
    r"give\s+(?:me\s+)?)?\s*(?:the|a|their|its)?\s*definition\s+of)\s+"
    r"(?:the\s+(?:term|word|phrase)\s+)?(?:an?\s+|the\s+)?"
    r"(.{2,60}?)(?:\s+(?:in|according\s+to)\s+the\s+\w+)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_CONTRAST = re.compile(
    r"\s+(?:as\s+opposed\s+to|rather\s+than|instead\s+of|versus|vs\.?|"
    r"compared\s+(?:to|with)|and\s+(?:how|why|what|whether))\s+",
    re.IGNORECASE,
)
_QUOTE_MARKS = "\"'“”‘’"


def term_to_define(question: str) -> str | None:
    """The term a question asks the meaning or definition of ("What does P5 mean?", "How
    does the report define 'global commons'?"), its quote marks taken off; else None.
    Not "What is X?", which asks what a thing is, nor "What does X refer to?", which asks
    what a word points at where it is used."""
    found = _DEFINES.match(question) or _MEANS.match(question)
    term = next((g for g in found.groups() if g), None) if found else None
    if term is None:
        return None
    # the words quoted, or those before a contrast: "a 'multi-order world' as opposed to a
    # multipolar one"
    term = next(iter(quoted(term)), None) or _CONTRAST.split(term)[0]
    return term.strip(_QUOTE_MARKS + " ") or None


# Who made up a term, or when it was first used: "Who coined 'weaponized
# interdependence'?", "When was the term rules-based international order first used?",
# "who came up with the phrase …".
_ORIGIN = re.compile(
    r"\b(?:coin(?:ed|s)?|invent(?:ed|s)?|originat\w*|"
    r"c[ao]me\s+up\s+with\s+(?:the\s+|this\s+|that\s+)?(?:term|phrase|word|name|expression)|"
    r"first\s+(?:used|appeared|introduced|coined)|"  # not "no first use"
    r"origins?\s+of\s+(?:the\s+|this\s+)?(?:term|phrase|word|name|concept|expression|idea)|"
    r"where\s+(?:does|did)\s+(?:the\s+|this\s+)?(?:term|phrase|word|name|concept|expression)"
    r"\b.{0,80}\bcome\s+from)",
    re.IGNORECASE,
)
# Where a text says a term's origin.
_ORIGIN_GIVEN = re.compile(
    r"\b(?:coined|invented|originat\w*|first\s+used|introduced\s+the\s+(?:term|phrase|concept))\b",
    re.IGNORECASE,
)


def asks_for_origin(question: str) -> bool:
    """The question asks who made up a term or an idea, or when it was first used."""
    return bool(_ORIGIN.search(question))


def gives_origin(text: str) -> bool:
    """``text`` says who made up something or when it was first used."""
    return bool(_ORIGIN_GIVEN.search(text))


# "is the report available in chinese", "has it been translated?": another edition of the
# documents, which they do not list.
_OTHER_LANGUAGES = re.compile(
    r"\btranslat(?:ed|ions?)\b(?!\s+into\s+(?:policy|action|practice))"
    r"|\b(?:available|published|offered|released|out|version|edition|read\s+it)"
    r"\s+in\s+(?:\w+\s+)?(?:other\s+)?(?:languages?|chinese|mandarin|russian|french|spanish|"
    r"arabic|german|japanese|hindi|portuguese|korean|italian|persian|farsi|turkish|urdu)\b",
    re.I,
)


def asks_for_other_languages(question: str) -> bool:
    """The question asks whether the documents exist in another language."""
    return bool(_OTHER_LANGUAGES.search(question))


_REFERS = re.compile(r"\brefer(?:s|ring)?\s+to\b", re.I)


def refers_to_words(question: str) -> bool:
    """The question asks what words it quotes refer to ("what does "fester" refer to")."""
    return bool(quoted(question)) and bool(_REFERS.search(question))


def acronym_defined(question: str) -> str | None:
    """The acronym ``question`` asks what it is, with no more asked of it."""
    thing = thing_asked(question)
    return thing if thing and ACRONYM.fullmatch(thing) else None


def spells_out(text: str, acronym: str) -> bool:
    """``text`` gives the words of ``acronym``, with the acronym after them in brackets
    ("… the “rules-based international order” (RBIO)")."""
    return f"({acronym})" in text


# "source?", "any sources?", "says who": the source of what was just said, asked bare.
SOURCE_REQUEST = (
    r"(?:what(?:['’]s| is| are) the |any |and the |your )?(?:source|citation|reference)s?"
    r"|says who|who says(?: so| that)?|who said (?:so|that)|according to (?:whom|who)"
)
_LAST_ASKED = re.compile(rf"(?:^|[.?!]\s+)(?:{SOURCE_REQUEST})\W*$", re.I)


def asks_for_its_source(question: str) -> bool:
    """The question, or the follow-up it ends with ("what are the two crises? source?"),
    asks bare for the source of what was said."""
    return bool(_LAST_ASKED.search(question.strip()))


# "What sources does the report cite?", "List the works cited", "Which sources are cited
# in the footnotes?": every note, not those a topic would find.
_ALL_SOURCES = re.compile(
    r"\b(?:sources|works|references|footnotes|notes|citations|bibliography)\b"
    # "list every footnote source": each of them, in the singular
    r"|\b(?:every|each)\s+(?:footnote\s+|cited\s+)?(?:source|work|reference|footnote|note|"
    r"citation)\b",
    re.I,
)
_SOURCES_WORDS = (
    "what which list name show give are is does do the report introduction document text "
    "its it in of cite cites cited sources works references footnotes notes citations "
    "bibliography all main used uses use me please every each source work reference "
    "footnote note citation "
    # "how many footnotes are there": all of them, which the reader counts
    "how many there has have"
)
_ABOUT_SOURCES = frozenset(_SOURCES_WORDS.split())


def asks_for_all_sources(question: str) -> bool:
    """The question asks for the sources cited, all of them: it names them in the plural
    (or each of them) and nothing narrows them ("What sources does the report cite on
    climate?" does)."""
    if not _ALL_SOURCES.search(question) or notes_named(question):
        return False
    plain = question.lower().replace("’s", "").replace("'s", "")
    return all(w in _ABOUT_SOURCES for w in re.findall(r"[a-z]+", plain))


# "What's the title of this report?", "what is this document called", "Which report is
# this?": the indexed document's own name, which its first line gives and no sentence of
# its text repeats (the search found footnote 5's speech title instead).
_TITLE_WORDS = frozenset(["title", "titled", "called", "named", "name"])
_TITLE_ASKED = (
    "what whats which is was s the this its it of full exact official please tell me give"
)
_ABOUT_TITLE = THE_DOCUMENT | _TITLE_WORDS | frozenset(_TITLE_ASKED.split())
_WHICH_DOCUMENT = re.compile(
    r"^\s*(?:what|which)\s+(?:report|document|paper)\s+is\s+(?:this|it)\b", re.I
)


def asks_for_title(question: str) -> bool:
    """The question asks for the name of the document itself, and for nothing else ("What
    is the title of the article cited…?" asks for a cited work's)."""
    said = re.findall(r"[a-z]+", question.lower())
    if not said or not set(said) <= _ABOUT_TITLE or not set(said) & THE_DOCUMENT:
        return False
    return bool(set(said) & _TITLE_WORDS) or bool(_WHICH_DOCUMENT.match(question))


# "Where can I read the full report?", "is the report online?", "link to the report pls":
# where the indexed document itself is published, which its own address gives (no sentence
# of it says), and nothing else ("Is the Dugard article online?" asks for a footnote's). A
# web page is not a file to download: "Where can I download the PDF?" is not answered by it.
_ONLINE_WORDS = frozenset(
    "online website web site page url link links address published available read find "  # noqa: SIM905
    "get access view see".split()
)
_ONLINE_ASKED = frozenset(
    "where can could do i we you is are it there a an the this its of to for me please pls "  # noqa: SIM905
    "full whole entire complete copy version give send share what whats s which has have "
    "been be any on".split()
)


def asks_where_it_is_online(question: str) -> bool:
    """The question asks where the document itself can be read or downloaded."""
    said = set(re.findall(r"[a-z]+", question.lower()))
    return (
        bool(said & THE_DOCUMENT)
        and bool(said & _ONLINE_WORDS)
        and said <= THE_DOCUMENT | _ONLINE_WORDS | _ONLINE_ASKED
    )


# "what is this document?", "What's this report?", "what am I reading?": what the
# document is, its name and then its gist (an overview, ``asked.asks_for_overview``).
_WHAT_IT_IS = re.compile(
    r"^\s*(?:what(?:['’]?s|\s+is)\s+(?:this|the)\s+(?:report|document|paper|text)"
    r"|what\s+am\s+i\s+reading)\s*\??\s*$",
    re.I,
)


# "Does the NSS call China the 'pacing challenge'?", "the “multi-order world”": words a
# question puts in quotation marks (not an apostrophe: "didn't", "countries' views").
_QUOTED = re.compile(r"“([^”]{2,80})”|\"([^\"]{2,80})\"|‘([^’]{2,80})’|(?<!\w)'([^']{2,80})'(?!\w)")


def quoted(question: str) -> list[str]:
    """The words ``question`` quotes, in order."""
    return [next(g for g in m.groups() if g) for m in _QUOTED.finditer(question)]


# "Is the Better Order Project still running in 2025?", "is quincy currently working on
# a follow-up?", "are they still accepting signatures?": how things stand now, which
# documents written at one time cannot say (not "In the 2040 scenario, the US is still
# the sole superpower").
_NOW = re.compile(
    r"\bstill\s+(?:running|active|going|ongoing|operating|open|working|accepting|collecting|"
    r"exists?|alive|around|meeting|in\s+(?:operation|progress|office|charge|power)|"
    r"serving|(?:the\s+)?(?:secretary|president|director|head|chair|leader|minister)\b)\b"
    r"|\b(?:currently|now|today|these\s+days|at\s+the\s+moment)\s+(?:running|active|"
    r"working\s+on|doing|planning|preparing)\b"
    r"|\b(?:any\s*more|any\s+longer|up\s+to\s+date\s+status|latest\s+news)\b",
    re.I,
)


# "How can I add my name to the list of supporters?", "can I cite it in my thesis?": what
# the visitor may do, which a report does not tell its readers (where to read it online
# is another question: a link).
_MY_OWN = re.compile(
    r"^\W*(?:(?:how|where|when)\s+(?:can|do|could|should|would|may|might)\s+i|"
    r"(?:can|could|may|should|might)\s+i)\b"
    # reading the documents is not an instruction they lack: "How can I read the full
    # report?" asks where it is, "can I see the list of variables?" for the list
    r"(?!\s+(?:read|find|get|see|view|access|download|obtain|look\s+at)\b)",
    re.I,
)


def asks_what_i_may_do(question: str) -> bool:
    """The question asks what the one asking can do, or how."""
    return bool(_MY_OWN.match(question))


def asks_how_things_stand_now(question: str) -> bool:
    """The question asks how things stand today, not what the documents say."""
    return bool(_NOW.search(question))


def asks_what_it_is(question: str) -> bool:
    """The question asks what the document is, nothing more."""
    return bool(_WHAT_IT_IS.match(question))


# "who wrote it?", "who took part?", "how many people were involved?", "who contributed to
# the report?": who made the documents themselves, asked with no subject of its own (or
# only "it", "the report"); in a conversation's first question nothing else is "it".
_MAKING = re.compile(
    r"^\s*(?:who(?:\s+all)?|how\s+many(?:\s+(?:people|persons|individuals|experts|scholars))?)"
    r"\s+(?:(?:has|have|had|was|were|is|are)\s+)?(?P<verb>wrote|written|writes|authored|"
    r"took\s+part|take\s+part|participated|participate|involved|contributed|contribute|"
    r"worked|work|produced|prepared|put\s+together|made|created|behind)"
    r"(?:\s+(?:in|to|on|of))?"
    rf"(?:\s+(?:it|this|that|(?:the|this)\s+(?:{_A_DOCUMENT})))?"
    r"\s*[?.!]*\s*$",
    re.I,
)
# "is the report written by the UN?", "did Quincy write it?": whether someone made it,
# which the project behind it answers (no, or yes, in its own words).
_MADE_BY = re.compile(
    rf"^\s*(?:(?:is|was)\s+(?:it|this|(?:the|this)\s+(?:{_A_DOCUMENT}))\s+"
    r"(?:written|authored|produced|prepared|made|put\s+together)\s+by\b[^?]*"
    r"|(?:did|does)\s+[^?]{1,60}?\s+(?:write|author|produce|prepare)\s+"
    rf"(?:it|this|(?:the|this)\s+(?:{_A_DOCUMENT})))\s*[?.!]*\s*$",
    re.I,
)
# "who are the authors?", "who were the participants of the report?": its makers named by
# what they were to it.
_MAKERS = re.compile(
    r"^\s*who\s+(?:is|are|was|were)\s+(?:the|its|their)\s+"
    r"(?P<who>authors?|writers?|contributors?|participants|experts|people\s+behind\s+it)"
    rf"(?:\s+(?:of|behind|in|on|to)\s+(?:it|this|(?:the|this)\s+(?:{_A_DOCUMENT})))?"
    r"\s*[?.!]*\s*$",
    re.I,
)
# What one takes part in, contributes to, works on; one writes or makes a thing itself.
_MADE_WITH = {
    **dict.fromkeys(["took part", "take part", "participated", "participate", "involved"], "in"),
    **dict.fromkeys(["contributed", "contribute"], "to"),
    **dict.fromkeys(["worked", "work"], "on"),
}


_AUTHORED = frozenset(["wrote", "written", "writes", "authored"])
# An earlier question about a work the documents cite or quote, which "it" may be: "What
# does footnote 2 cite? Who wrote it?" asks for Dugard.
_A_WORK = re.compile(
    r"\b(?:articles?|footnotes?|notes?|speech(?:es)?|remarks|strateg(?:y|ies)|sources?|"
    r"papers?|books?|pieces?|essays?|journals?|statements?|quotes?|quoted|cites?|cited|"
    r"says?|said|words|told|wrote)\b",
    re.I,
)


def about_the_makers(question: str, earlier: str = "", *, first: bool = True) -> str | None:
    """``question`` asked of the project behind the report when it asks who made the
    documents and names nothing else ("who took part?": "who took part in the project
    behind this report?"; "who wrote it?": "who wrote this report for the project behind
    it?"), as a report's text names its makers: by the project that brought them
    together, not by the report's title, whose words its own sentences about the report
    repeat. None for any other question, and for a follow-up (``earlier``: the questions
    it is read after) unless it asks who wrote "it" after questions naming no work.
    "Who is the author?" names its makers by what they were to it, and is read so only as a
    conversation's ``first`` question (after "What does footnote 2 cite?", the author is
    the cited article's)."""
    if _MADE_BY.match(question) and not (earlier and _A_WORK.search(earlier)):
        return "who wrote this report for the project behind it?"
    if (named := _MAKERS.match(question)) and first:
        if named["who"].lower().startswith(("author", "writer")):
            return "who wrote this report for the project behind it?"
        return "who took part in the project behind this report?"
    found = _MAKING.match(question)
    if found is None:
        return None
    verb = " ".join(found.group("verb").lower().split())
    # After "What are the two crises?", "who wrote it?" still asks for the report's
    # authors: crises are not written; after a question about a cited work, it asks for
    # that work's ("earlier": the questions a follow-up is read after).
    if earlier and (verb not in _AUTHORED or _A_WORK.search(earlier)):
        return None
    if verb == "behind":
        return "which project is behind this report?"
    # "participated" would find the sentences naming "participants" for another thing
    said = {"participated": "took part", "participate": "take part"}.get(verb, found["verb"])
    head = f"{question[: found.start('verb')]}{said}"
    if preposition := _MADE_WITH.get(verb):
        return f"{head} {preposition} the project behind this report?"
    return f"{head} this report for the project behind it?"
