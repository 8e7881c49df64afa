"""Ingest throughput on a generated corpus of a few hundred pages, and the cost of an
incremental re-ingest after one file changed, as a ratio to the full ingest.

The corpus is generated in a temporary folder: Markdown files (a "page" is a section of
about 180 words) and a few real PDFs written by fpdf2 (one section a page). The model is
loaded once before timing; the figures are parse + chunk + embed + store + publish.

    python benchmarks/bench_ingest.py [--pages 240] [--pdf-pages 60]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from fpdf import FPDF

from orderbot.config import load_settings
from orderbot.index import build_index
from orderbot.index.embedder import load_embedder

VOCABULARY = (
    "security order treaty council states alliance deterrence arms control norms "
    "sovereignty crisis dialogue envoy sanctions border trade climate cyber nuclear "
    "maritime agreement commission reform charter veto region stability conflict peace "
    "mediation transparency verification summit delegation principle rule institution"
)
WORDS = VOCABULARY.split()
PAGES_PER_FILE = 10


def page_text(rng: random.Random, page: int) -> str:
    sentences = []
    for _ in range(12):
        words = rng.choices(WORDS, k=rng.randint(10, 18))
        sentences.append(" ".join(words).capitalize() + f" in year {1900 + page}.")
    half = len(sentences) // 2
    return " ".join(sentences[:half]) + "\n\n" + " ".join(sentences[half:])


def write_pages_pdf(path: Path, pages: list[tuple[str, str]], title: str) -> None:
    """One page per (heading, body) pair, written by fpdf2."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    for heading, body in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 5, body, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def generate(corpus: Path, text_pages: int, pdf_pages: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    corpus.mkdir(parents=True)
    page = 0
    for f in range(0, text_pages, PAGES_PER_FILE):
        parts = [f"# Report volume {f // PAGES_PER_FILE + 1}"]
        for _ in range(min(PAGES_PER_FILE, text_pages - f)):
            page += 1
            parts += [f"## Chapter {page}", page_text(rng, page)]
        (corpus / f"volume-{f // PAGES_PER_FILE + 1:03d}.md").write_text(
            "\n\n".join(parts) + "\n", "utf-8"
        )
    for f in range(0, pdf_pages, 15):
        pages = []
        for _ in range(min(15, pdf_pages - f)):
            page += 1
            pages.append((f"Chapter {page}", page_text(rng, page).replace("\n\n", " ")))
        write_pages_pdf(corpus / f"annex-{f // 15 + 1}.pdf", pages, f"Annex {f // 15 + 1}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=240, help="Markdown pages")
    parser.add_argument("--pdf-pages", type=int, default=60, help="PDF pages (15 a file)")
    args = parser.parse_args()

    t = time.perf_counter()
    embedder = load_embedder("all-MiniLM-L6-v2", load_settings().generation.cache_dir())
    print(f"model load               : {time.perf_counter() - t:8.1f} s (not counted below)")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        generate(corpus, args.pages, args.pdf_pages)
        files = sorted(corpus.iterdir())
        pages = args.pages + args.pdf_pages
        settings = load_settings(corpus_dir=corpus, index={"root": Path(tmp) / "index"})

        full = build_index(settings, embedder=embedder)
        embedder._cache.clear()  # the re-ingest must not profit from cached vectors
        print(
            f"corpus                   : {len(files)} files ({args.pages} Markdown pages, "
            f"{args.pdf_pages} PDF pages), {full.chunks} chunks"
        )
        print(
            f"full ingest              : {full.seconds:8.1f} s  "
            f"{full.chunks / full.seconds:6.1f} chunks/s  {pages / full.seconds:6.2f} pages/s"
        )
        nothing = build_index(settings, embedder=embedder)
        print(
            f"re-ingest, nothing new   : {nothing.seconds:8.2f} s  "
            f"({nothing.seconds / full.seconds:.3f} of full)"
        )
        changed = next(f for f in files if f.suffix == ".md")
        changed.write_text(
            changed.read_text("utf-8").replace("Chapter 1\n", "Chapter 1 (revised)\n"), "utf-8"
        )
        one = build_index(settings, embedder=embedder)
        print(
            f"re-ingest, 1 file changed: {one.seconds:8.2f} s  "
            f"({one.seconds / full.seconds:.3f} of full; {one.parsed} file parsed, "
            f"{one.embedded} chunks embedded)"
        )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine                  : {os.cpu_count()} cores, load average {load}")


if __name__ == "__main__":
    main()
