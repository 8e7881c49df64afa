"""The quoting backend: no language model. It quotes the units of the evidence that answer
the question (``quotes.choose``), each followed by its citation marker; a sentence that
carries a footnote marker also cites the footnote, with its URL. A quote is the source's
own sentence, so it passes the citation check by construction. When the question takes
for granted a figure that a quote contradicts, the answer opens by saying so
(``premise``); when it asks where a source is online, the answer opens with the address
the quoted footnote gives (``address``).
"""

from __future__ import annotations

from orderbot.config import GenerationSettings
from orderbot.generate.asked import slot_of
from orderbot.generate.base import Written
from orderbot.generate.citations import CitationList, markers
from orderbot.generate.evidence import Evidence
from orderbot.generate.model_api import Stream
from orderbot.generate.premise import correction
from orderbot.generate.quotes import Quote, choose
from orderbot.question import asks_for_its_source

_DEFAULTS = GenerationSettings()  # the settings' defaults, for a generator built by hand


class ExtractiveGenerator:
    name = "extractive"

    def __init__(
        self,
        *,
        max_sentences: int = _DEFAULTS.max_sentences,
        min_score: float = _DEFAULTS.min_sentence_score,
        margin: float = _DEFAULTS.quote_margin,
    ) -> None:
        if max_sentences < 1:
            raise ValueError(f"max_sentences must be >= 1, got {max_sentences}")
        self.max_sentences = max_sentences
        self.min_score = min_score
        self.margin = margin

    def write(self, evidence: Evidence, cites: CitationList, written: Written) -> Stream:
        quotes = self.choose(evidence)
        yield from self.correct(evidence, quotes, cites)
        yield from self.address(evidence.asked, quotes, cites)
        yield from self.unsourced(evidence.asked, quotes)
        yield from self.render(quotes, cites)

    def choose(self, evidence: Evidence) -> list[Quote]:
        return choose(
            evidence,
            min_score=self.min_score,
            limit=self.max_sentences,
            margin=self.margin,
        )

    @staticmethod
    def correct(evidence: Evidence, quotes: list[Quote], cites: CitationList) -> Stream:
        """ "The documents say 20 proposals, not 30.", cited, when a quote contradicts a
        figure (or a year) the question takes for granted."""
        found = correction(evidence.question, [q.unit for q in quotes], evidence.saying)
        if found is not None:
            yield f"{found.text()} {markers([cites.cite(found.unit.chunk, found.unit.text)])}"

    @staticmethod
    def address(asked: str, quotes: list[Quote], cites: CitationList) -> Stream:
        """ "Footnote 1's source is online at https://…", cited, when the question asks
        where a source is online ("Is there a link to the transcript…?") and a quoted
        footnote gives its address: the reader asked for the address first, the
        footnote's line follows."""
        if slot_of(asked).kind != "link":
            return
        unit = next((q.unit for q in quotes if q.unit.chunk.kind == "footnote"), None)
        if unit is not None and unit.chunk.url:
            source = f"Footnote {unit.chunk.note}'s source" if unit.chunk.note else "The source"
            marker = markers([cites.cite(unit.chunk, unit.text)])
            yield f"{source} is online at {unit.chunk.url} {marker}"

    @staticmethod
    def unsourced(asked: str, quotes: list[Quote]) -> Stream:
        """ "The report cites no source for this: …", when the question asks bare for the
        source ("what are the two crises? source?") and no quote carries a footnote or is
        one: a visitor got the two crises again, as if they were their source."""
        if (
            quotes
            and asks_for_its_source(asked)
            and not any(q.unit.footnotes or q.unit.chunk.kind == "footnote" for q in quotes)
        ):
            yield "The report cites no source for this: it says it in its own words."

    @staticmethod
    def render(quotes: list[Quote], cites: CitationList) -> Stream:
        for quote in quotes:
            unit = quote.unit
            numbers = [cites.cite(unit.chunk, unit.text)]
            numbers += [n for f in unit.footnotes if (n := cites.cite_footnote(unit.chunk, f))]
            yield f"{unit.text} {markers(numbers)}"
