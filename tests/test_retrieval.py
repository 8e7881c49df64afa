from __future__ import annotations

import pytest

from orderbot.config import Settings
from orderbot.index.store import ChunkStore
from orderbot.models import Chunk
from orderbot.pipeline import Pipeline
from orderbot.retrieve import BM25Index, reciprocal_rank_fusion


def test_rrf_known_values() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=1)
    scores = dict(fused)
    assert scores["b"] == pytest.approx(1 / 3 + 1 / 2)
    assert scores["a"] == pytest.approx(1 / 2)
    assert scores["d"] == pytest.approx(1 / 3)
    assert [i for i, _ in fused] == ["b", "a", "d", "c"]


def test_rrf_weights() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b"], ["b", "a"]], k=1, weights=[2.0, 1.0]))
    assert fused["a"] == pytest.approx(2 / 2 + 1 / 3)
    assert fused["b"] == pytest.approx(2 / 3 + 1 / 2)


def test_rrf_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="k must be"):
        reciprocal_rank_fusion([["a"]], k=0)
    with pytest.raises(ValueError, match="one non-negative weight per ranking"):
        reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0])


def _chunk(i: str, text: str) -> Chunk:
    return Chunk(id=i, doc_id="d", document="D", section="S", kind="body", text=text)


def test_bm25_only_returns_matching_chunks() -> None:
    index = BM25Index([_chunk("a", "nuclear disarmament talks"), _chunk("b", "climate finance")])
    hits = index.search("What about nuclear weapons?", 5)
    assert [i for i, _ in hits] == ["a"]
    assert BM25Index([]).search("anything", 3) == []


def test_bm25_queries_leave_out_words_for_the_text_itself() -> None:
    """ "What does the report say about…?": every passage is the report's, and the few that
    say "this report" ranked first (tune's "What two big dangers does the report open
    with?" got "We hope the report will inspire…")."""
    index = BM25Index(
        [
            _chunk("a", "We hope the report will inspire the authors of other reports."),
            _chunk("b", "The way forward is neither one path nor the other."),
        ]
    )
    assert [i for i, _ in index.search("What does the report say about the path?", 2)] == ["b"]


def test_a_passage_holds_every_word_that_carries_meaning() -> None:
    """Found by a visitor: "how many participants were there" was off-topic, "were"
    being a word BM25's 33 English stop words keep, which no passage held with
    "participants"."""
    index = BM25Index(
        [
            _chunk("a", "Participants from the East and the West signed on."),
            _chunk("b", "The package holds twenty proposals."),
        ]
    )
    assert index.holds_every_word("how many participants were there", ["a", "b"])
    assert index.holds_every_word("who signed on", ["a"])
    assert not index.holds_every_word("how many people were involved", ["a", "b"])
    assert not index.holds_every_word("who signed on", ["b"])
    assert not index.holds_every_word("what is it?", ["a", "b"])  # no word to hold


def test_a_passage_holds_a_phrase_of_the_question() -> None:
    """A tune question, "Which two paths does the report explicitly reject as the way
    forward?", scored under the off-topic floor though one passage says "The way forward
    is neither …": two words of it in a row, as the question has them, weigh it."""
    index = BM25Index([_chunk("a", "The package holds twenty proposals.")])
    texts = ["The way forward is neither one path nor the other.", "We went our own way."]
    question = "Which two paths does the report explicitly reject as the way forward?"
    assert index.holds_a_phrase(question, texts)
    assert not index.holds_a_phrase(question, texts[1:])  # "way" alone
    assert not index.holds_a_phrase("Is forward the way?", texts)  # not in that order
    assert not index.holds_a_phrase("what is it?", texts)


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        ("What does the report say about China?", "What does say about China?"),
        ("According to the authors, why is the RBIO flawed?", "why is the RBIO flawed?"),
        ("What's this paper's view of the U.N.?", "What's view of the U.N.?"),
        ("Do the writers want reform?", "Do want reform?"),
        ("What is this report about?", "What is this report about?"),  # nothing else
        ("Is the reporting on Guterres right?", "Is the reporting on Guterres right?"),
    ],
)
def test_a_search_leaves_out_the_words_for_the_text(question: str, searched: str) -> None:
    from orderbot.stopwords import without_the_text

    assert without_the_text(question) == searched


def test_a_question_naming_the_report_finds_what_it_asks(pipeline: Pipeline) -> None:
    """ "Which part of the world does the report describe as resurgent?" (a `tune`
    question) was nearest "If left unresolved, these dual crises…" by its vector, "the
    report" weighing as much as what it asks."""
    answer = pipeline.ask("Which part of the world does the report describe as resurgent?")
    assert answer.answer.startswith("A potential third grouping consists of states in a resurgent")


@pytest.mark.slow
def test_hybrid_finds_the_passage(pipeline: Pipeline) -> None:
    result = pipeline.retriever.retrieve("How many proposals are in the package?")
    assert result.relevant
    assert any("contains 20 proposals" in r.chunk.text for r in result.results[:3])
    assert [r.score for r in result.results] == sorted(
        (r.score for r in result.results), reverse=True
    )


@pytest.mark.slow
def test_the_outline_is_each_section_opening_in_reading_order(pipeline: Pipeline) -> None:
    full = pipeline.retriever.outline("Summarize the report", sections=30).results
    sections = [r.chunk.section for r in full]
    assert sections[0] == "Introduction" and len(set(sections)) == len(sections) >= 5
    assert all(r.chunk.kind != "footnote" for r in full)
    three = [r.chunk for r in pipeline.retriever.outline("Summarize the report", 3).results]
    # spread over the document in reading order: the first and the last section are kept
    picked = [sections.index(c.section) for c in three]
    assert picked[0] == 0 and picked[-1] == len(sections) - 1 and picked == sorted(set(picked))


def test_store_is_real_chroma_on_disk(built: Settings) -> None:
    path = built.index.index_path()
    store = ChunkStore.open(path)
    assert store.path.parent.parent == path and (store.path / "chroma.sqlite3").is_file()
    chunks = store.chunks()
    assert store.count() == len(chunks) > 10
    assert {c.kind for c in chunks} == {"body", "list", "footnote"}
    assert {c.doc_id for c in chunks} == {"toward-a-better-security-order"}
    cited = next(c for c in chunks if "chaos and disorder" in c.text)
    assert cited.footnotes[0].n == 1 and cited.refs[0].n == 1
    manifest = store.read_manifest()
    assert manifest.documents[0].title == "Toward a Better Security Order"
    assert manifest.chunks == len(chunks)
