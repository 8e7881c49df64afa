"""Countries named in a text: ISO 3166's names (pycountry), their short forms ("Iran" of
"Iran, Islamic Republic of") and the forms prose uses for the powers the documents
discuss ("Russia", "the U.S.", "Britain"); and groups of them named as powers ("the great
powers"). A question asking "which countries …" is answered by a text naming one."""

from __future__ import annotations

import functools
import re

import pycountry

# Forms prose uses that ISO 3166 spells otherwise ("Russian Federation"), by country code.
_PROSE_FORMS = {
    "Russia": "RU",
    "America": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "USA": "US",
    "US": "US",
    "UK": "GB",
    "U.K.": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "Korea": "KR",
    "Palestine": "PS",
    "Turkey": "TR",
}
# What the people of a country are called, for the powers prose names so ("Russian
# experts", "Chinese officials"), to the country's name as the documents write it.
_DEMONYMS = {
    "American": "United States",
    "Russian": "Russia",
    "Chinese": "China",
    "British": "Britain",
    "French": "France",
    "German": "Germany",
    "Indian": "India",
    "Japanese": "Japan",
    "Iranian": "Iran",
    "Israeli": "Israel",
    "Ukrainian": "Ukraine",
    "Turkish": "Turkey",
    "Brazilian": "Brazil",
    "Saudi": "Saudi Arabia",
    "Pakistani": "Pakistan",
    "Korean": "Korea",
    "Palestinian": "Palestine",
}
# And of the one power prose names that is no country ("… led by the United States and
# Europe"), for reading whose view a question asks ("how do europeans see the rbio").
_PEOPLES = {**_DEMONYMS, "European": "Europe"}
# "the great powers", "rising powers": countries named as a group, not one by one.
_POWERS = re.compile(
    r"\b(?:great|major|big|rising|emerging|middle|nuclear|regional|western|non-western|"
    r"leading|global)\s+powers\b",
    re.I,
)


@functools.cache
def _country_codes() -> dict[str, str]:
    """Every name a country goes by, to its ISO 3166 code."""
    codes = dict(_PROSE_FORMS)
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name:
                codes.setdefault(name, country.alpha_2)
                # "Iran, Islamic Republic of": "Iran"; "Korea, Republic of" is "Korea" above
                codes.setdefault(name.split(",")[0], country.alpha_2)
    return codes


@functools.cache
def _country_names() -> re.Pattern[str]:
    # Longest first, so "United States of America" is one name, not "United States".
    forms = sorted(_country_codes(), key=len, reverse=True)
    # Case kept: "US" is a country, "us" a pronoun.
    return re.compile(rf"(?<![\w.])(?:{'|'.join(map(re.escape, forms))})(?!\w)")


@functools.cache
def _country_words() -> re.Pattern[str]:
    # Any case, as visitors type ("ukraine"), but not the short forms that are words
    # too ("us", "uk", "chad" is rare enough; "US" is read by ``countries_in``).
    forms = sorted((f for f in _country_codes() if len(f) > 3), key=len, reverse=True)
    return re.compile(rf"(?<![\w.])(?:{'|'.join(map(re.escape, forms))})(?!\w)", re.I)


def country_names(text: str) -> set[str]:
    """The names of countries in ``text`` however they are typed ("ukraine"), lower case."""
    return {m.group().lower() for m in _country_words().finditer(text)}


def countries_in(text: str) -> set[str]:
    """The countries ``text`` names (their ISO 3166 codes: "Russia" and "the Russian
    Federation" are one), and the groups of them it names as powers, in lower case."""
    codes = _country_codes()
    found = {codes[m.group()] for m in _country_names().finditer(text)}
    return found | {m.group().lower() for m in _POWERS.finditer(text)}


def country_of_people(word: str) -> str | None:
    """The country whose people ``word`` calls them ("Russian": "Russia"), if one of the
    powers prose names so."""
    return _place_of(word, _DEMONYMS)


def _place_of(word: str, peoples: dict[str, str]) -> str | None:
    word = word.strip().title()
    return peoples.get(word) or peoples.get(word.removesuffix("s"))  # "Americans"


def as_places(text: str) -> str:
    """``text`` with the words naming a people put as their country or continent ("how do
    europeans view …": "how do Europe view …"), for matching the documents' words."""
    return re.sub(r"[A-Za-z]+", lambda m: _place_of(m.group(), _PEOPLES) or m.group(), text)


def countries_of_people(text: str) -> set[str]:
    """The countries ``text`` names, by name or by their people ("Chinese officials":
    China), as ISO 3166 codes, in any case ("which chinese experts"); not the groups of
    powers ``countries_in`` reads too."""
    codes = _country_codes()
    typed = [n.title() for n in country_names(text)]
    people = [c for w in re.findall(r"[A-Za-z]+", text) if (c := country_of_people(w))]
    return (countries_in(text) & set(codes.values())) | {
        codes[n] for n in (*typed, *people) if n in codes
    }


def demonyms(text: str) -> str:
    """The words of ``text`` that name a country's people ("Chinese", "russian")."""
    return " ".join(w for w in re.findall(r"[A-Za-z]+", text) if country_of_people(w) is not None)


def country_words(text: str) -> str:
    """The words of ``text`` that name a country or its people ("Chinese", "ukraine")."""
    named = [m.group() for m in _country_names().finditer(text)] + sorted(country_names(text))
    return " ".join([*named, demonyms(text)])
