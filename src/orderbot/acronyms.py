"""Acronyms a visitor types for names the documents spell out: "AI" for the documents'
"Artificial Intelligence", "NSS" for "National Security Strategy".

The documents' own names are read once per index (``Glossary.of``): each run of two or
more capitalised words (small joining words such as "of" and "and" allowed inside, "U.N."
counting as "UN") gives the acronym of its initials. A question's acronym that the
documents never write themselves is then read with its spelling beside it ("What about AI
(Artificial Intelligence)?"), so that the passages using the name are found and weighed.
An acronym the documents do write ("RBIO", or "UN" as their "U.N.") is left as it is,
and so is one whose letters fit no name of theirs ("NATO"). One typed in lower case
("rbio", "nss") is read in capitals, unless the documents use it as a word ("us").

The other way round, an acronym the documents define in brackets after its words ("the
“rules-based international order” (RBIO)") is put beside those words in a question
(``Glossary.abbreviate``): past the definition the documents write the acronym alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from orderbot.english import is_english

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[\w’'-]+")
_JOINING = frozenset(["of", "and", "for", "the", "on", "in", "to"])
_DOTTED = re.compile(r"^(?:[A-Z]\.){2,}$")
# An acronym: two to eight capitals (digits after the first allowed: "P5"), or dotted.
ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}|\b[A-Z][A-Z0-9]{1,7}\b")
_LONGEST = 5  # capitalised words in one name
_LOWER = re.compile(r"\b[a-z][a-z0-9]{1,7}\b")  # a word typed in lower case
_VOWEL = re.compile(r"[aeiouy]")
# Acronyms visitors type in lower case that a word list also holds as words no one asks
# about ("ai", a sloth): read in capitals when they fit a name of the documents'.
_TYPED_LOWER = frozenset(["ai"])
# An acronym as ``Glossary.spell_out`` leaves it: "AI (Artificial Intelligence)".
_SPELT_OUT = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\s+\(([^()]+)\)")


def in_words(text: str) -> str:
    """``text`` with each acronym that ``Glossary.spell_out`` spelt out read as its
    words alone ("What about AI (Artificial Intelligence)?": "What about Artificial
    Intelligence?"), for what names a subject or restricts a count."""
    return _SPELT_OUT.sub(r"\1", text)


# An acronym as ``Glossary.abbreviate`` adds it: "rules based order (RBIO)".
_ABBREVIATED = re.compile(r"(?<=[a-z])\s\([A-Z][A-Z0-9]{1,7}\)")


def without_abbreviations(text: str) -> str:
    """``text`` without the acronyms ``Glossary.abbreviate`` added after their words
    ("rules based order (RBIO)": "rules based order"), for the words it shares with a
    sentence: a question on Blinken's "rules-based order" is not about the RBIO's
    every mention."""
    return _ABBREVIATED.sub("", text)


def _initials(word: str) -> str:
    """ "U.N." gives "UN"; "Rules-Based" gives "RB"; "Security" gives "S"."""
    if _DOTTED.match(word):
        return word.replace(".", "")
    return "".join(part[0] for part in word.split("-") if part[:1].isupper())


def _long_form(parts: list[str]) -> re.Pattern[str]:
    """The words ``parts`` as a question may type them: hyphened or not, in any case,
    one inside word left out ("rules-based order" of the rules-based international
    order)."""
    gap = r"[\s-]+"
    ways = [parts] + [parts[:i] + parts[i + 1 :] for i in range(1, len(parts) - 1)]
    typed = "|".join(gap.join(re.escape(p) for p in way) for way in ways)
    return re.compile(rf"\b(?:{typed})\b", re.IGNORECASE)


def _capitalised(word: str) -> bool:
    return bool(_DOTTED.match(word)) or word[:1].isupper()


def _names(text: str) -> Iterable[list[str]]:
    """Each run of capitalised words in ``text``, joining words kept inside it."""
    run: list[str] = []
    for token in [*_TOKEN.findall(text), ""]:
        word = re.sub(r"[’']s$", "", token)  # "Quincy Institute’s": the name
        if (word and _capitalised(word)) or (word in _JOINING and run):
            run.append(word)
        else:
            while run and not _capitalised(run[-1]):
                run.pop()
            if run:
                yield run
            run = []


# An acronym the documents define in brackets after its words, in quotes or not: "the
# “rules-based international order” (RBIO)".
_DEFINED = re.compile(r"((?:[\w’'-]+[\s“”\"]+){1,8})\(([A-Z][A-Z0-9]{1,7})\)")


def _defined(text: str) -> Iterable[tuple[str, list[str]]]:
    """Each acronym ``text`` defines in brackets, with its words: ("RBIO", ["rules",
    "based", "international", "order"]). The words are the last before the bracket
    whose initials spell it, hyphened words counted by their parts."""
    for found in _DEFINED.finditer(text):
        acronym = found.group(2)
        parts = [p.lower() for p in re.findall(r"[^\W_]+", found.group(1))]
        if (
            len(parts) >= len(acronym)
            and "".join(p[0] for p in parts[-len(acronym) :]) == acronym.lower()
        ):
            yield acronym, parts[-len(acronym) :]


class Glossary:
    """What each acronym the documents' names make stands for, there."""

    def __init__(
        self,
        names: dict[str, list[str]],
        written: Iterable[str],
        words: Iterable[str] = (),
        defined: dict[str, list[str]] | None = None,
    ) -> None:
        self.names = names
        # Each acronym the documents define in brackets, with its words as typed.
        self._long_forms = [
            (acronym, _long_form(parts)) for acronym, parts in (defined or {}).items()
        ]
        written = frozenset(written)
        # The acronyms the documents write, without their stops ("U.N." is "UN").
        self.letters = frozenset(w.replace(".", "") for w in written)
        # Those they write only with stops, by their letters ("UN": "U.N.").
        self.dotted = {
            w.replace(".", ""): w for w in written if "." in w and w.replace(".", "") not in written
        }
        # The words the documents write in lower case ("us", "war"): no acronym typed so.
        self.words = frozenset(words)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Glossary:
        names: dict[str, dict[str, None]] = {}  # acronym -> its names, in order, once
        written: set[str] = set()
        lower: set[str] = set()
        defined: dict[str, list[str]] = {}
        for text in texts:
            written.update(ACRONYM.findall(text))
            for acronym, parts in _defined(text):
                defined.setdefault(acronym, parts)
            lower.update(_LOWER.findall(text))
            for run in _names(text):
                starts = [i for i, w in enumerate(run) if _capitalised(w)]
                for a, start in enumerate(starts):
                    for end in starts[a : a + _LONGEST]:
                        words = run[start : end + 1]
                        acronym = "".join(_initials(w) for w in words)
                        if len(acronym) >= 2:
                            names.setdefault(acronym, {})[" ".join(words)] = None
        return cls({a: list(n) for a, n in names.items()}, written, lower, defined)

    def abbreviate(self, question: str) -> str:
        """``question`` with the acronym the documents define after each of its words
        that spell a defined one out, in full or but for one word inside ("how is the
        rules based order seen outside the West": "… rules based order (RBIO) …"): past
        their definition the documents write the acronym, which the question then
        shares with them."""
        for acronym, pattern in self._long_forms:
            found = pattern.search(question) if acronym not in question else None
            if found:
                question = f"{question[: found.end()]} ({acronym}){question[found.end() :]}"
        return question

    def capitalise(self, question: str) -> str:
        """``question`` with each acronym typed in lower case in capitals: one the
        documents write ("what does rbio stand for"), or one they spell out that has no
        vowel ("the nss") or, of three letters or more, is no English word ("unsc
        reform"; not "ago", "me" or "op", whose capitals also fit names of theirs); never
        a word the documents use ("us")."""

        def upper(match: re.Match[str]) -> str:
            word = match.group()
            letters = word.upper()
            # no vowel, or three letters or more and no English word ("unsc"; not "op"
            # of "op ed", whose capitals fit their "Order Project")
            plain = (
                not _VOWEL.search(word)
                or (len(word) >= 3 and not is_english(word))
                or word in _TYPED_LOWER
            )
            spelt = letters in self.names and plain
            known = letters in self.letters or spelt
            return letters if known and word not in self.words else word

        return _LOWER.sub(upper, question)

    def spell_out(self, question: str) -> str:
        """``question`` with each acronym the documents never write (with stops or
        without) followed by the names of theirs its letters fit (at most two), and each
        they write only with stops written so ("UN" as their "U.N.": the words weighed
        are then theirs, and "US" is not the "us" of "all of us")."""

        def spelt(match: re.Match[str]) -> str:
            asked = match.group()
            letters = asked.replace(".", "")
            if asked in self.dotted:
                return self.dotted[asked]
            if letters in self.letters:  # written so, or with stops
                return asked
            names = self.names.get(letters, [])
            if not names or f"({names[0]}" in question:
                return asked
            return f"{asked} ({'; '.join(names[:2])})"

        return ACRONYM.sub(spelt, self.capitalise(question))
