from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from orderbot.errors import CorpusError
from orderbot.ingest import chunk_document, load_corpus, load_document
from orderbot.ingest.footnotes import extract_markers
from orderbot.ingest.sentences import sentence_spans
from orderbot.ingest.text import parse_text
from orderbot.models import ParsedDocument
from tests.conftest import REPORT


@pytest.fixture(scope="module")
def report() -> ParsedDocument:
    return load_document(REPORT)


def test_title_and_sections(report: ParsedDocument) -> None:
    assert report.title == "Toward a Better Security Order"
    assert [s.title for s in report.sections] == [
        "Introduction",
        "Enter the “rules-based international order”",
        "Back to basics",
        "Formulating a coherent response to crisis",
        "Twenty proposals along seven variables",
        "Proposed package of reforms",
    ]


def test_variables_listed_under_their_categories(report: ParsedDocument) -> None:
    lists = [p for s in report.sections for p in s.paragraphs if p.kind == "list"]
    assert len(lists) == 1
    text = lists[0].text
    assert text.startswith("Regulation of Force and Coercion: Variable 1, U.N. Security Council")
    assert (
        "Transnational and Planetary Threats: Variable 5, Climate, Peace, and Security; "
        "Variable 6, Artificial Intelligence and Cyber." in text
    )
    assert text.count("Variable ") == 7


def test_footnotes_parsed_with_urls(report: ParsedDocument) -> None:
    assert [f.n for f in report.footnotes] == [1, 2, 3, 4, 5]
    blinken = report.footnote(1)
    assert blinken is not None
    assert blinken.text.startswith("As Secretary of State Antony Blinken told Chinese officials")
    assert blinken.url is not None and blinken.url.startswith("https://www.state.gov/")
    assert not blinken.url.endswith((".", "/."))
    assert "Leiden Journal of International Law" in report.footnotes[1].text
    assert report.footnotes[2].url is None  # the NSS citation has no URL
    assert all("↩" not in f.text for f in report.footnotes)


def test_markers_linked_and_removed(report: ParsedDocument) -> None:
    body = {p.index: p for s in report.sections for p in s.paragraphs}
    refs = {r.n: (p, r) for p in body.values() for r in p.refs}
    assert sorted(refs) == [1, 2, 3, 4, 5]
    paragraph, ref = refs[1]
    assert paragraph.text[: ref.offset].endswith("chaos and disorder.")
    paragraph, ref = refs[2]
    assert paragraph.text[: ref.offset].endswith("Western prerogatives and interests.")
    assert "disorder.1" not in paragraph.text and "interests.2" not in paragraph.text


def test_pull_quote_not_indexed_twice(report: ParsedDocument) -> None:
    texts = [p.text for s in report.sections for p in s.paragraphs]
    assert not any(t.startswith("[The RBIO]") for t in texts)


def test_marker_rules() -> None:
    text, refs = extract_markers("It grew 1.5 times in 2021. Then it said so.1 Next", {1})
    assert text == "It grew 1.5 times in 2021. Then it said so. Next"
    assert [(r.n, text[: r.offset][-3:]) for r in refs] == [(1, "so.")]
    unknown, none = extract_markers("A claim.7 More.", {1})
    assert unknown == "A claim.7 More." and none == []


def test_chunks_are_section_aware_and_stable(report: ParsedDocument) -> None:
    chunks = chunk_document(report, 160)
    sections = {p.index: s.title for s in report.sections for p in s.paragraphs}
    for chunk in chunks:
        if chunk.kind == "footnote":
            continue
        spanned = {sections[i] for i in range(chunk.paragraph_start, chunk.paragraph_end + 1)}
        assert spanned == {chunk.section}
        assert len(chunk.text.split()) <= 160
    assert [c.id for c in chunk_document(report, 160)] == [c.id for c in chunks]
    assert len({c.id for c in chunks}) == len(chunks)


def test_chunks_carry_footnotes(report: ParsedDocument) -> None:
    chunks = chunk_document(report, 160)
    cited = next(c for c in chunks if "chaos and disorder." in c.text)
    assert [f.n for f in cited.footnotes] == [1]
    assert cited.footnotes[0].url and "state.gov" in cited.footnotes[0].url
    notes = [c for c in chunks if c.kind == "footnote"]
    assert [c.section for c in notes] == [f"Footnote {n}" for n in range(1, 6)]
    assert "chaos and disorder" in notes[0].context
    assert notes[1].url and "cambridge.org" in notes[1].url


def test_long_paragraph_split_between_sentences() -> None:
    sentence = "The council met again and agreed on nothing at all today. "
    doc = parse_text("d", "d.txt", "Title\n\n" + sentence * 30)
    chunks = chunk_document(doc, 40)
    assert len(chunks) > 1
    assert all(len(c.text.split()) <= 40 for c in chunks)
    assert all(c.text.endswith("today.") for c in chunks)


def test_markdown_headings(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# My notes\n\nFirst part.\n\n## Details\n\nA detail here.\n", "utf-8")
    doc = load_document(path)
    assert doc.title == "My notes"
    assert [s.title for s in doc.sections] == ["Introduction", "Details"]


def test_unreadable_file_named_others_loaded(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Good\n\nSome text that is fine.\n", "utf-8")
    (corpus / "bad.txt").write_bytes(b"Bad \xff\xfe title\n\nbroken")
    (corpus / "empty.txt").write_text("   \n", "utf-8")
    loaded = load_corpus(corpus)
    assert [d.doc_id for d in loaded.documents] == ["good"]
    reasons = {Path(p.path).name: p.reason for p in loaded.problems}
    assert "not UTF-8" in reasons["bad.txt"]
    assert "no text" in reasons["empty.txt"]


def test_a_published_document_links_its_citations_to_its_page(report: ParsedDocument) -> None:
    # corpus/toward-a-better-security-order.txt.json says where the report is published.
    assert report.url == "https://betterorderproject.org/beyond-the-rules-based-order/introduction"
    assert {c.url for c in chunk_document(report, 160) if c.kind != "footnote"} == {report.url}


def test_a_bad_sidecar_is_named_and_the_other_files_load(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("good.txt", "typo.txt", "notjson.txt"):
        (corpus / name).write_text("Good\n\nSome text that is fine.\n", "utf-8")
    (corpus / "good.txt.json").write_text('{"url": "https://example.org/good"}', "utf-8")
    (corpus / "typo.txt.json").write_text('{"link": "https://example.org/typo"}', "utf-8")
    (corpus / "notjson.txt.json").write_text("url: https://example.org", "utf-8")
    loaded = load_corpus(corpus)
    assert [(d.doc_id, d.url) for d in loaded.documents] == [("good", "https://example.org/good")]
    reasons = {Path(p.path).name: p.reason for p in loaded.problems}
    assert set(reasons) == {"typo.txt", "notjson.txt"}
    assert all("typo.txt.json" in r or "notjson.txt.json" in r for r in reasons.values())
    assert "link" in reasons["typo.txt"] and '{"url": "https://…"}' in reasons["typo.txt"]
    (corpus / "typo.txt.json").write_text('{"url": "ftp://example.org/x"}', "utf-8")
    assert "http(s) URL" in str(load_corpus(corpus).problems)


def test_missing_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_sentences_split_in_many_threads_as_in_one(report: ParsedDocument) -> None:
    paragraphs = [p.text for s in report.sections for p in s.paragraphs if len(p.text) > 200]
    alone = [sentence_spans(p) for p in paragraphs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(sentence_spans, paragraphs * 10))
    assert together == alone * 10
