"""Citation links that open the document's page at the quoted words (text fragments)."""

from __future__ import annotations

import pytest

from orderbot.generate.citations import CitationList
from orderbot.generate.links import passage_link
from orderbot.models import Chunk, Footnote, FootnoteRef
from orderbot.pipeline import Pipeline

PAGE = "https://example.org/report"
TEXT = (
    "U.S. strategists view the RBIO as the only construct that prevents chaos and disorder. "
    "Outside of the West, however, the RBIO is seen otherwise.\n\n"
    "A short one."
)


def chunk(text: str = TEXT, **fields: object) -> Chunk:
    values: dict[str, object] = {
        "id": "c1",
        "doc_id": "d",
        "document": "D",
        "section": "S",
        "kind": "body",
        "text": text,
        "url": PAGE,
    }
    values.update(fields)
    return Chunk.model_validate(values)


def test_a_long_quote_opens_between_its_first_and_last_words() -> None:
    link = passage_link(
        chunk(),
        "U.S. strategists view the RBIO as the only construct that prevents chaos and disorder.",
    )
    assert link == (
        f"{PAGE}#:~:text=U.S.%20strategists%20view%20the%20RBIO,"
        "that%20prevents%20chaos%20and%20disorder"
    )


def test_no_phrase_spans_a_footnote_marker_or_a_paragraph_break() -> None:
    # The page shows "…chaos and disorder.1 Outside…": no phrase may run over the "1".
    marker = FootnoteRef(n=1, offset=TEXT.index(" Outside"))
    short = "In short, chaos and disorder. Outside, calm."
    assert passage_link(chunk(short, refs=[marker.model_copy(update={"offset": 29})]), short) == (
        f"{PAGE}#:~:text=In%20short%2C%20chaos%20and%20disorder,Outside%2C%20calm"
    )
    # Two paragraphs: the end phrase is the second's, not words across the break.
    assert passage_link(chunk(refs=[marker]), TEXT) == (
        f"{PAGE}#:~:text=U.S.%20strategists%20view%20the%20RBIO,A%20short%20one"
    )
    assert passage_link(
        chunk(), "Outside of the West, however, the RBIO is seen otherwise.\n\nA short one."
    ) == (f"{PAGE}#:~:text=Outside%20of%20the%20West%2C%20however,A%20short%20one")


def test_a_short_quote_is_one_phrase_and_syntax_characters_are_encoded() -> None:
    text = "Rules-based order, A & B."
    assert (
        passage_link(chunk(text), text) == f"{PAGE}#:~:text=Rules%2Dbased%20order%2C%20A%20%26%20B"
    )


def test_a_quote_not_in_the_passage_opens_at_the_passage() -> None:
    assert passage_link(chunk(), "Words that are elsewhere.") == (
        f"{PAGE}#:~:text=U.S.%20strategists%20view%20the%20RBIO,A%20short%20one"
    )
    # Joined quotes of one passage: from the first to the last that follows it.
    link = passage_link(chunk(), "A short one. … U.S. strategists view the RBIO")
    assert link == f"{PAGE}#:~:text=A%20short%20one"
    link = passage_link(chunk(), "U.S. strategists view the RBIO … A short one.")
    assert link == f"{PAGE}#:~:text=U.S.%20strategists%20view%20the%20RBIO,A%20short%20one"


def test_quotes_of_one_passage_are_joined_by_an_ellipsis_only_where_words_are_left_out() -> None:
    first = "U.S. strategists view the RBIO as the only construct that prevents chaos and disorder."
    after = "Outside of the West, however, the RBIO is seen otherwise."
    cites = CitationList()
    cites.cite(chunk(), first)
    cites.cite(chunk(), after)
    assert cites.citations[0].quote == f"{first} {after}"  # the next sentence
    cites = CitationList()
    cites.cite(chunk(), first)
    cites.cite(chunk(), "A short one.")
    (citation,) = cites.citations
    assert citation.quote == f"{first} … A short one."  # a sentence left out
    assert citation.url is not None and citation.url.endswith(",A%20short%20one")
    # Found by a visitor: quotes cited in another order than the passage's were shown in
    # the order cited, with "…" between sentences that follow each other.
    cites = CitationList()
    cites.cite(chunk(), "A short one.")
    cites.cite(chunk(), after)
    cites.cite(chunk(), first)
    assert cites.citations[0].quote == f"{first} {after} A short one."
    # A quote the passage does not hold (not expected, but possible) is set apart.
    cites = CitationList()
    cites.cite(chunk(), "A short one.")
    cites.cite(chunk(), "Words from elsewhere.")
    assert cites.citations[0].quote == "A short one. … Words from elsewhere."


def test_addresses_left_as_they_are() -> None:
    assert passage_link(chunk(url=None), "A short one.") is None
    note = chunk(
        "Antony Blinken, Remarks.",
        kind="footnote",
        url="https://state.gov/x",
        footnotes=[Footnote(n=1, text="Antony Blinken, Remarks.")],
    )
    assert passage_link(note, "Antony Blinken, Remarks.") == "https://state.gov/x"
    assert (
        passage_link(chunk(url=f"{PAGE}#top"), "A short one.")
        == f"{PAGE}#top:~:text=A%20short%20one"
    )
    # A PDF viewer knows pages, not text fragments.
    assert passage_link(chunk(url=f"{PAGE}.pdf", page=3), "A short one.") == f"{PAGE}.pdf#page=3"


@pytest.mark.parametrize(
    "question", ["How do U.S. strategists view the RBIO?", "What are the seven variables?"]
)
def test_answers_link_to_their_quotes(pipeline: Pipeline, question: str) -> None:
    answer = pipeline.ask(question)
    body = [c for c in answer.citations if c.work is None]
    assert body and all(c.url and "#:~:text=" in c.url for c in body)
    assert answer.coverage is not None
    assert answer.coverage.nearest  # the report's passages, each opened at its start
    assert all(n.url and "#:~:text=" in n.url for n in answer.coverage.nearest)


def test_quotes_of_two_paragraphs_open_at_the_first() -> None:
    """Found by a visitor: two quoted sentences of consecutive paragraphs are joined by
    one space in the citation, the passage has a paragraph break there, and the link
    opened at the passage's start, a sentence the answer had left out."""
    cites = CitationList()
    passage = chunk("Left out here.\n\nThe first quoted one.\n\nThe second quoted one.")
    cites.cite(passage, "The first quoted one.")
    cites.cite(passage, "The second quoted one.")
    (citation,) = cites.citations
    assert citation.quote == "The first quoted one. The second quoted one."
    assert citation.url is not None
    assert "text=The%20first%20quoted%20one" in citation.url
    assert "Left" not in citation.url
