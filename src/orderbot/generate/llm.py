"""Answers led by a language model's sentence, checked, with the quoted evidence under it.

The model reads the best evidence sentences, numbered, and must answer in JSON under a
grammar: the numbers of the sentences it used, then one sentence. That sentence is shown
only if it is whole (the grammar ends the string at ``max_chars``: a sentence that reaches
it was cut off, often mid-word) and the citation check (``verify``) passes; then the
quotes follow, so the model can
only add to what quoting gives. If the model fails or is unreachable, the quotes answer
alone and say so; if it answers with something other than the JSON asked for, the quotes
answer alone, as when its sentence fails the check.
"""

from __future__ import annotations

import json
import logging
from contextlib import closing

from orderbot.errors import ModelError
from orderbot.generate.base import Written
from orderbot.generate.citations import CitationList, without_markers
from orderbot.generate.evidence import Evidence, content_terms, term_overlap
from orderbot.generate.extractive import ExtractiveGenerator
from orderbot.generate.model_api import ChatModel, Stream
from orderbot.generate.prompt import Prompts
from orderbot.generate.verify import cited, supported

log = logging.getLogger("orderbot")

FALLBACK_NOTE = (
    "(The language model is unavailable right now, so this answer quotes the documents only.)"
)


def _restates(lead: str, quote: str) -> bool:
    """The lead says most of what the quote says (60 % of its words) and nothing more but
    one word: the reader would read the same sentence twice (a visitor did: the lead's own
    marker, "[1]", counted as a word the quote lacks; another read "The two crises are
    the *dual* crises of the world moving toward two major crises that put…" above "The
    world is moving toward two major crises that put…"). A short lead that picks the
    answer out of a long quote ("20 proposals.") is not a restatement: it is the answer."""
    said = without_markers(lead)
    added = content_terms(said) - content_terms(quote)
    return len(added) <= 1 and term_overlap(quote, said) >= 0.6


class LLMGenerator:
    def __init__(
        self,
        model: ChatModel,
        *,
        label: str,
        quotes: ExtractiveGenerator,
        prompts: Prompts,
        max_tokens: int = 96,
        max_chars: int = 240,
        sentences: int = 4,
        support_threshold: float = 0.5,
        novelty: float = 0.25,
    ) -> None:
        if sentences < 1:
            raise ValueError(f"sentences must be >= 1, got {sentences}")
        self.model = model
        self.name = label
        self.quotes = quotes
        self.prompts = prompts
        self.max_tokens = max_tokens
        self.max_chars = max_chars
        self.sentences = sentences
        self.support_threshold = support_threshold
        self.novelty = novelty

    def write(self, evidence: Evidence, cites: CitationList, written: Written) -> Stream:
        picked = evidence.answering()[: self.sentences]
        quotes = self.quotes.choose(evidence)
        lead = None
        if picked:
            try:
                lead = self._lead(evidence, picked, written)
            except ModelError as exc:
                log.warning("%s; answering with quotes only", exc)
                written.generator = f"{self.quotes.name} (fallback from {self.name})"
        yield from self.quotes.correct(evidence, quotes, cites)
        yield from self.quotes.address(evidence.asked, quotes, cites)
        yield from self.quotes.unsourced(evidence.asked, quotes)
        if lead is not None and not any(_restates(lead[0], q.unit.text) for q in quotes):
            yield cited(*lead, evidence, cites)  # numbered only now: a lead left out takes none
        yield from self.quotes.render(quotes, cites)
        if written.generator:
            yield FALLBACK_NOTE

    def _lead(
        self, evidence: Evidence, picked: list[int], written: Written
    ) -> tuple[str, list[int]] | None:
        """The model's sentence if it passes the check, with the units that support it;
        None if it fails (recorded in ``written.unsupported``)."""
        request = self.prompts.request(
            evidence.question,
            [evidence.units[i].text for i in picked],
            max_tokens=self.max_tokens,
            max_chars=self.max_chars,
        )
        with closing(self.model.stream(request)) as stream:
            raw = "".join(stream)
        try:
            data = json.loads(raw)
            claim = str(data["answer"]).strip()
            numbers = [int(n) for n in data["evidence"]]
        except (ValueError, KeyError, TypeError):
            # Answered, but not usably (cut off at max_tokens, say): like a sentence that
            # fails the check, the quotes answer alone. The model is not "unavailable".
            log.info("model answer is not the JSON asked for: %r", raw[:200])
            return None
        if len(claim) >= self.max_chars:
            log.info("the model's sentence was cut off at %d characters: %s", len(claim), claim)
            written.unsupported.append(claim)
            return None
        if claim.endswith(":"):  # announces what it never says ("The variables are:")
            log.info("the model's sentence stops at a colon: %s", claim)
            written.unsupported.append(claim)
            return None
        if claim and claim.rstrip("\"'”’»)]")[-1:] not in {".", "!", "?", "…"}:
            claim = claim.rstrip(",;–—- ") + "."  # "20 proposals" reads as an answer cut off
        chosen = [picked[n - 1] for n in numbers if 1 <= n <= len(picked)]
        checked = supported(
            claim, chosen, evidence, threshold=self.support_threshold, novelty=self.novelty
        )
        if checked is None:
            log.info("the model's sentence is not supported: %s", claim)
            written.unsupported.append(claim)
        return checked
