"""PDF and HTML documents, written in the test itself, read into sections, paragraphs,
pages and footnotes; a damaged one is named and the others still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderbot.index import build_index
from orderbot.index.embedder import OnnxEmbedder
from orderbot.ingest import chunk_document, load_corpus, load_document
from orderbot.pipeline import Pipeline
from tests.conftest import make_settings
from tests.documents import HTML_PAGE, LEFT, RIGHT, write_report_pdf


@pytest.fixture
def report_pdf(tmp_path: Path) -> Path:
    return write_report_pdf(tmp_path / "report.pdf")


def paragraphs(path: Path) -> list[tuple[str, int | None, str]]:
    doc = load_document(path)
    return [(s.title, p.page, p.text) for s in doc.sections for p in s.paragraphs]


def test_pdf_title_headings_and_pages(report_pdf: Path) -> None:
    doc = load_document(report_pdf)
    assert doc.title == "Security in Zürich and Genève"
    assert [s.title for s in doc.sections] == [
        "Background of the talks",
        "Two regional views",
        "Outlook",
    ]
    pages = {s.title: {p.page for p in s.paragraphs} for s in doc.sections}
    assert pages == {"Background of the talks": {1}, "Two regional views": {2}, "Outlook": {3}}
    texts = " ".join(t for _, _, t in paragraphs(report_pdf))
    assert "Zürich" in texts and "Genève" in texts  # non-ASCII survives
    assert not any(t.strip().isdigit() for _, _, t in paragraphs(report_pdf))  # page numbers


def test_pdf_two_columns_read_one_after_the_other(report_pdf: Path) -> None:
    texts = [t for title, _, t in paragraphs(report_pdf) if title == "Two regional views"]
    assert texts == [LEFT, RIGHT]


def test_pdf_footnote_linked_to_its_marker(report_pdf: Path) -> None:
    doc = load_document(report_pdf)
    assert [(f.n, f.url) for f in doc.footnotes] == [(1, "https://example.org/zurich-report")]
    assert doc.footnotes[0].text == "Conference report, Zürich Forum, 2024."
    first = doc.sections[0].paragraphs[0]
    assert [r.n for r in first.refs] == [1]
    assert first.text[: first.refs[0].offset].endswith("chaos and disorder.")
    assert "Conference report" not in first.text  # the note is not body text
    chunks = chunk_document(doc, 160)
    assert {c.page for c in chunks if c.kind != "footnote"} == {1, 2, 3}
    cited = next(c for c in chunks if c.refs)
    assert cited.page == 1 and cited.footnotes[0].n == 1


def test_html_keeps_headings_and_footnotes_drops_boilerplate(tmp_path: Path) -> None:
    page = tmp_path / "talks.html"
    page.write_text(HTML_PAGE, encoding="utf-8")
    doc = load_document(page)
    assert doc.title == "Talks in Genève"
    assert [s.title for s in doc.sections] == ["Introduction", "Zürich follow-up"]
    text = " ".join(p.text for s in doc.sections for p in s.paragraphs)
    assert "delegates met in Genève" in text and "communiqué" in text
    for boilerplate in ("Donate", "About us", "newsletter", "tracking", "rights reserved"):
        assert boilerplate not in text
    assert [(f.n, f.url) for f in doc.footnotes] == [(1, "https://example.org/talks")]
    first = doc.sections[0].paragraphs[0]
    assert [r.n for r in first.refs] == [1]
    assert first.text[: first.refs[0].offset].endswith("Europe and beyond.")


def test_damaged_files_named_others_loaded(tmp_path: Path, report_pdf: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    report_pdf.rename(corpus / "good.pdf")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not really a PDF")
    (corpus / "empty.html").write_text("<html><body><nav>Home</nav></body></html>", "utf-8")
    loaded = load_corpus(corpus)
    assert [d.doc_id for d in loaded.documents] == ["good"]
    reasons = {Path(p.path).name: p.reason for p in loaded.problems}
    assert set(reasons) == {"broken.pdf", "empty.html"}
    assert "broken.pdf" in reasons["broken.pdf"]


@pytest.mark.slow
def test_answer_from_a_pdf_names_the_page(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    (tmp_path / "corpus").mkdir()
    write_report_pdf(tmp_path / "corpus" / "report.pdf")
    (tmp_path / "corpus" / "talks.html").write_text(HTML_PAGE, encoding="utf-8")
    settings = make_settings(tmp_path)
    report = build_index(settings, embedder=embedder)
    assert report.problems == [] and report.documents == 2
    pipeline = Pipeline.from_settings(settings, embedder=embedder)
    answer = pipeline.ask("What did the navies in the Pacific agree on?")
    assert not answer.refused
    cited = [c for c in answer.citations if c.document.startswith("Security in Zürich")]
    assert cited and cited[0].page == 2
    assert "maritime" in cited[0].quote or "encounters" in cited[0].quote
